"""Pages: what each role sees (an SME member its own applications only, never coordinator notes),
forms that refuse bad input with translated messages, and the coordinator's journey to a grant."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from subsidies import services
from subsidies.models import Application, Programme
from tests.factories.subsidies import ApplicationFactory
from tests.helpers.db_state import assert_db_unchanged


def url(name, city, **kwargs):
    return reverse(name, kwargs={"municipality": city.slug, **kwargs})


@pytest.fixture
def two_applications(city_a, sme_a, other_sme_a, programme_a, open_window_a, coordinator_a):
    with scopes_disabled():
        own = ApplicationFactory(sme=sme_a, programme=programme_a, window=open_window_a, title="自社の申請")
        other = ApplicationFactory(
            sme=other_sme_a, programme=programme_a, window=open_window_a, title="他社の申請"
        )
        with scope(municipality=city_a):
            services.application_note_add(
                application=own, actor=coordinator_a, body="内部メモ：審査員と面談済み"
            )
    return own, other


@pytest.mark.django_db
def test_sme_member_sees_only_its_own_applications(client_of, city_a, sme_member_a, two_applications):
    own, other = two_applications
    client = client_of(sme_member_a)
    listing = client.get(url("subsidy_application_list", city_a)).content.decode()
    assert "自社の申請" in listing
    assert "他社の申請" not in listing
    detail = client.get(url("subsidy_application_detail", city_a, pk=own.pk))
    assert detail.status_code == 200
    assert "内部メモ" not in detail.content.decode()
    assert 'data-testid="notes"' not in detail.content.decode()
    for name in ("subsidy_application_detail", "subsidy_application_edit"):
        assert client.get(url(name, city_a, pk=other.pk)).status_code == 404
    with assert_db_unchanged():
        status = client.post(
            url("subsidy_application_status", city_a, pk=other.pk), {"new_status": "submitted"}
        )
        edit = client.post(url("subsidy_application_edit", city_a, pk=other.pk), {"title": "x"})
        note = client.post(url("subsidy_application_note", city_a, pk=own.pk), {"body": "x"})
    assert (status.status_code, edit.status_code, note.status_code) == (404, 404, 403)


@pytest.mark.django_db
def test_coordinator_sees_notes_and_all_applications(client_of, city_a, coordinator_a, two_applications):
    own, _other = two_applications
    client = client_of(coordinator_a)
    listing = client.get(url("subsidy_application_list", city_a)).content.decode()
    assert "自社の申請" in listing
    assert "他社の申請" in listing
    assert (
        "内部メモ：審査員と面談済み"
        in client.get(url("subsidy_application_detail", city_a, pk=own.pk)).content.decode()
    )


@pytest.mark.django_db
def test_api_gives_sme_member_its_own_applications_and_no_notes(
    api_client_of, city_a, sme_member_a, two_applications
):
    _own, other = two_applications
    api = api_client_of(sme_member_a, city_a)
    body = api.get(reverse("api_subsidy_application_list")).json()
    assert [row["title"] for row in body["results"]] == ["自社の申請"]
    assert "notes" not in body["results"][0]
    assert api.get(reverse("api_subsidy_application_detail", kwargs={"pk": other.pk})).status_code == 404
    assert api.get(reverse("api_subsidy_programme_list")).status_code == 403


@pytest.mark.django_db
def test_api_lists_programmes_and_applications_for_coordinators(
    api_client_of, city_a, city_b, coordinator_a, coordinator_b, two_applications
):
    api = api_client_of(coordinator_a, city_a)
    programmes = api.get(reverse("api_subsidy_programme_list")).json()
    assert [
        (p["name"], p["max_amount_jpy"], [w["label"] for w in p["windows"]]) for p in programmes["results"]
    ] == [("共同研究開発補助金", 5_000_000, ["後期"])]
    apps = api.get(reverse("api_subsidy_application_list")).json()
    assert sorted(a["title"] for a in apps["results"]) == ["他社の申請", "自社の申請"]
    own = two_applications[0]
    detail = api.get(reverse("api_subsidy_application_detail", kwargs={"pk": own.pk})).json()
    assert (detail["status"], detail["amount_requested_jpy"], detail["sme_name"]) == (
        "draft",
        3_000_000,
        "川崎精工株式会社",
    )
    api_b = api_client_of(coordinator_b, city_b)
    assert api_b.get(reverse("api_subsidy_application_detail", kwargs={"pk": own.pk})).status_code == 404
    assert api_b.get(reverse("api_subsidy_application_list")).json()["count"] == 0


@pytest.mark.django_db
def test_eligibility_page_for_own_sme_only(
    client_of, city_a, sme_a, other_sme_a, sme_member_a, programme_a, open_window_a
):
    with scopes_disabled():
        Programme.objects.filter(pk=programme_a.pk).update(industries=["G"])
    client = client_of(sme_member_a)
    page = client.get(url("subsidy_eligibility", city_a, pk=sme_a.pk), HTTP_ACCEPT_LANGUAGE="ja")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-status="not_eligible"' in html
    assert "業種 E は対象外です。対象は日本標準産業分類の大分類 G です。" in html
    assert client.get(url("subsidy_eligibility", city_a, pk=other_sme_a.pk)).status_code == 404


@pytest.mark.django_db
def test_bad_amount_on_the_form_is_refused_in_japanese(
    client_of, city_a, sme_a, programme_a, open_window_a, coordinator_a
):
    client = client_of(coordinator_a)
    data = {
        "sme": sme_a.pk,
        "programme": programme_a.pk,
        "title": "試作",
        "window": open_window_a.pk,
        "amount_requested_jpy": "6000000",
    }
    response = client.post(url("subsidy_application_create", city_a), data)
    assert response.status_code == 400
    assert "申請額（6,000,000円）が制度の上限 5,000,000円 を超えています。" in response.content.decode()
    response = client.post(url("subsidy_application_create", city_a), {**data, "amount_requested_jpy": "0"})
    assert "正の整数（円）を入力してください。" in response.content.decode()
    with scopes_disabled():
        assert Application.objects.count() == 0


@pytest.mark.django_db
def test_coordinator_tracks_an_application_to_a_grant(
    client_of, city_a, sme_a, programme_a, open_window_a, coordinator_a
):
    client = client_of(coordinator_a)
    data = {
        "sme": sme_a.pk,
        "programme": programme_a.pk,
        "title": "振動センサーの共同研究",
        "window": open_window_a.pk,
        "amount_requested_jpy": "4000000",
    }
    response = client.post(url("subsidy_application_create", city_a), data)
    with scopes_disabled():
        application = Application.objects.get()
    assert response["Location"] == url("subsidy_application_detail", city_a, pk=application.pk)
    status_url = url("subsidy_application_status", city_a, pk=application.pk)
    assert client.post(status_url, {"new_status": "submitted"}).status_code == 302
    with assert_db_unchanged():
        refused = client.post(status_url, {"new_status": "granted", "amount_granted_jpy": "4000001"})
    assert refused.status_code == 400
    assert "交付額（4,000,001円）は申請額（4,000,000円）を超えられません。" in refused.content.decode()
    assert (
        client.post(status_url, {"new_status": "granted", "amount_granted_jpy": "3500000"}).status_code == 302
    )
    application.refresh_from_db()
    assert (application.status, application.amount_granted_jpy, application.decided_on) == (
        "granted",
        3_500_000,
        timezone.localdate(),
    )
    page = client.get(url("subsidy_application_detail", city_a, pk=application.pk)).content.decode()
    assert "3,500,000円" in page


@pytest.mark.django_db
def test_future_date_on_the_status_form_is_refused(
    client_of, city_a, sme_a, programme_a, open_window_a, coordinator_a
):
    with scopes_disabled():
        application = ApplicationFactory(sme=sme_a, programme=programme_a, window=open_window_a)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with assert_db_unchanged():
        response = client_of(coordinator_a).post(
            url("subsidy_application_status", city_a, pk=application.pk),
            {"new_status": "submitted", "on": tomorrow.isoformat()},
        )
    assert response.status_code == 400
    assert "未来の日付は指定できません。" in response.content.decode()


@pytest.mark.django_db
def test_documents_upload_and_download(client_of, city_a, sme_member_a, other_member_a, two_applications):
    own, _other = two_applications
    client = client_of(sme_member_a)
    upload = SimpleUploadedFile("見積書.pdf", b"%PDF-1.4 quote\n%%EOF\n", content_type="application/pdf")
    response = client.post(
        url("subsidy_document_upload", city_a, pk=own.pk), {"title": "見積書", "file": upload}
    )
    assert response.status_code == 302
    with scopes_disabled():
        document = own.documents.get()
    download = client.get(url("subsidy_document_download", city_a, pk=document.pk))
    assert download.status_code == 200
    assert download.content == b"%PDF-1.4 quote\n%%EOF\n"
    assert download["Content-Disposition"].startswith("attachment;")
    assert (
        client_of(other_member_a).get(url("subsidy_document_download", city_a, pk=document.pk)).status_code
        == 404
    )
    bad = SimpleUploadedFile("virus.exe", b"MZ", content_type="application/octet-stream")
    with assert_db_unchanged():
        response = client.post(url("subsidy_document_upload", city_a, pk=own.pk), {"title": "x", "file": bad})
    assert response.status_code == 400
    with scopes_disabled():
        assert list(own.documents.values_list("title", flat=True)) == ["見積書"]


@pytest.mark.django_db
def test_programme_form_saves_rules(client_of, city_a, coordinator_a):
    data = {
        "name": "市の試作補助金",
        "agency": "経済労働局",
        "level": "city",
        "size_rule": "sme_basic_act",
        "industries": ["E", "G"],
        "prefectures": "神奈川県、東京都",
        "min_years_in_business": "2",
        "max_amount_jpy": "5000000",
        "rate_numerator": "2",
        "rate_denominator": "3",
        "is_active": "on",
    }
    response = client_of(coordinator_a).post(url("programme_create", city_a), data)
    assert response.status_code == 302
    with scopes_disabled():
        programme = Programme.objects.get()
    assert (
        programme.industries,
        programme.prefectures,
        programme.min_years_in_business,
        programme.rate_label,
    ) == (
        ["E", "G"],
        ["神奈川県", "東京都"],
        2,
        "2/3",
    )


@pytest.mark.django_db
def test_application_list_queries_do_not_grow(
    client_of, city_a, sme_a, programme_a, open_window_a, coordinator_a, django_assert_max_num_queries
):
    with scopes_disabled():
        ApplicationFactory.create_batch(3, sme=sme_a, programme=programme_a, window=open_window_a)
    client = client_of(coordinator_a)
    client.get(url("subsidy_application_list", city_a))
    with scopes_disabled():
        ApplicationFactory.create_batch(20, sme=sme_a, programme=programme_a, window=open_window_a)
    with django_assert_max_num_queries(25):
        response = client.get(url("subsidy_application_list", city_a))
    assert response.content.decode().count("/subsidies/applications/") >= 23


@pytest.mark.django_db
def test_reporting_client_reads_applications_but_not_pages(
    api_client_of, client_of, city_a, two_applications
):
    from kawasaki.models import Role
    from tests.conftest import make_member

    reporting = make_member(city_a, Role.REPORTING)
    body = api_client_of(reporting, city_a).get(reverse("api_subsidy_application_list")).json()
    assert body["count"] == 2
    assert client_of(reporting).get(url("subsidy_application_list", city_a)).status_code == 403


@pytest.mark.django_db
def test_coordinator_chooses_the_small_scale_rule(client_of, city_a, sme_a, coordinator_a):
    client = client_of(coordinator_a)
    form = client.get(url("programme_create", city_a)).content.decode()
    assert '<option value="small_scale">中小企業基本法上の小規模企業者</option>' in form
    response = client.post(
        url("programme_create", city_a),
        {
            "name": "小規模事業者向け販路開拓補助金",
            "agency": "市",
            "level": "city",
            "size_rule": "small_scale",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        programme = Programme.objects.get(name="小規模事業者向け販路開拓補助金")
    assert programme.size_rule == "small_scale"
    # sme_a: manufacturing with 40 employees, over the limit of 20.
    page = client.get(url("subsidy_eligibility", city_a, pk=sme_a.pk)).content.decode()
    assert (
        "中小企業基本法上の小規模企業者ではありません。製造業その他では常時使用する従業員が20人以下である"
        "必要がありますが、この企業は40人です。"
    ) in page


@pytest.mark.django_db
def test_programme_created_inactive_stays_inactive(client_of, city_a, sme_a, coordinator_a):
    # The form offers "active" when creating too; unticking it must be honoured.
    data = {"name": "準備中の補助金", "agency": "市", "level": "city", "size_rule": "any"}
    assert client_of(coordinator_a).post(url("programme_create", city_a), data).status_code == 302
    with scopes_disabled():
        assert Programme.objects.get(name="準備中の補助金").is_active is False
    page = client_of(coordinator_a).get(url("subsidy_eligibility", city_a, pk=sme_a.pk)).content.decode()
    assert "準備中の補助金" not in page


@pytest.mark.django_db
def test_application_list_filters_by_programme(
    client_of, city_a, sme_a, programme_a, open_window_a, coordinator_a
):
    from tests.factories.subsidies import ProgrammeFactory, ProgrammeWindowFactory

    with scopes_disabled():
        other = ProgrammeFactory(municipality=city_a, name="別の補助金")
        ApplicationFactory(sme=sme_a, programme=programme_a, window=open_window_a, title="共同研究の申請")
        ApplicationFactory(
            sme=sme_a, programme=other, window=ProgrammeWindowFactory(programme=other), title="別制度の申請"
        )
    client = client_of(coordinator_a)
    page = client.get(url("subsidy_application_list", city_a) + f"?programme={other.pk}").content.decode()
    assert "別制度の申請" in page
    assert "共同研究の申請" not in page
    assert f'<option value="{other.pk}" selected>別の補助金</option>' in page


@pytest.mark.django_db
def test_a_second_application_to_the_same_window_is_warned_with_a_link_and_can_go_on(
    client_of, city_a, sme_a, programme_a, open_window_a, coordinator_a
):
    from kawasaki.models import AuditEntry

    client = client_of(coordinator_a)
    data = {
        "sme": sme_a.pk,
        "programme": programme_a.pk,
        "title": "振動センサーの共同研究",
        "window": open_window_a.pk,
        "amount_requested_jpy": "1000000",
    }
    assert client.post(url("subsidy_application_create", city_a), data).status_code == 302
    with scopes_disabled():
        first = Application.objects.get()
    response = client.post(url("subsidy_application_create", city_a), {**data, "title": "二件目"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "すでにこの公募回への申請があります" in html
    assert f'href="{url("subsidy_application_detail", city_a, pk=first.pk)}"' in html
    with scopes_disabled():
        assert Application.objects.count() == 1
    response = client.post(
        url("subsidy_application_create", city_a), {**data, "title": "二件目", "allow_duplicate": "on"}
    )
    assert response.status_code == 302
    with scopes_disabled():
        second = Application.objects.get(title="二件目")
        audit = AuditEntry.objects.get(action="subsidy_application.created", object_id=str(second.pk))
        assert audit.changes["duplicate_of"] == {"new": first.pk}
        # A withdrawn application is no duplicate.
        Application.objects.filter(pk__in=[first.pk, second.pk]).update(status="withdrawn")
    assert (
        client.post(url("subsidy_application_create", city_a), {**data, "title": "三件目"}).status_code == 302
    )
