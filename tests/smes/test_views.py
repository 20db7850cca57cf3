import datetime as dt

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from kawasaki.models import AuditEntry, Role
from smes import services
from smes.models import (
    SME,
    BusinessPlan,
    NextAction,
    Partner,
    PlanComment,
    PlanStatus,
    PlanVersion,
    Referral,
    Visit,
)
from tests.conftest import make_member
from tests.factories.smes import BusinessPlanFactory, PartnerFactory, ReferralFactory, VisitFactory
from tests.helpers.db_state import assert_db_unchanged
from tests.smes.test_pdf import render_pending_pdfs

pytestmark = pytest.mark.django_db


def url(name, municipality, **kwargs):
    return reverse(name, kwargs={"municipality": municipality.slug, **kwargs})


def errors_of(response) -> dict[str, list[str]]:
    """The form's errors, as rendered to the user (field name -> messages)."""
    form = response.context["form"] if "form" in response.context else response.context["comment_form"]
    return {field: [str(e) for e in errs] for field, errs in form.errors.items()}


# --- Visibility -----------------------------------------------------------------------------------


def test_sme_member_gets_404_for_another_sme(client_of, city_a, sme_a, other_sme_a, sme_member_a):
    client = client_of(sme_member_a)
    assert client.get(url("sme_detail", city_a, pk=sme_a.pk)).status_code == 200
    with scopes_disabled():
        other_plan = BusinessPlanFactory(sme=other_sme_a)
    with assert_db_unchanged():
        assert client.get(url("sme_detail", city_a, pk=other_sme_a.pk)).status_code == 404
        assert client.get(url("sme_edit", city_a, pk=other_sme_a.pk)).status_code == 404
        assert (
            client.post(url("sme_edit", city_a, pk=other_sme_a.pk), {"name_ja": "乗っ取り"}).status_code
            == 404
        )
        assert client.get(url("plan_create", city_a, pk=other_sme_a.pk)).status_code == 404
        assert client.post(url("plan_create", city_a, pk=other_sme_a.pk), {"title": "x"}).status_code == 404
        assert client.get(url("plan_detail", city_a, pk=other_plan.pk)).status_code == 404
        assert client.post(url("plan_edit", city_a, pk=other_plan.pk), {"title": "x"}).status_code == 404


def test_sme_mine_redirects_to_own_company(client_of, city_a, sme_a, sme_member_a):
    response = client_of(sme_member_a).get(url("sme_mine", city_a))
    assert response.status_code == 302
    assert response["Location"] == url("sme_detail", city_a, pk=sme_a.pk)


def test_sme_mine_explains_a_missing_link(client_of, city_a):
    user = make_member(city_a, Role.SME_MEMBER)
    response = client_of(user).get(url("sme_mine", city_a))
    assert response.status_code == 200
    assert "まだ企業に紐付けられていません" in response.content.decode()


def test_internal_notes_hidden_from_sme_member(client_of, city_a, sme_a, sme_member_a, coordinator_a):
    with scopes_disabled():
        VisitFactory(sme=sme_a, notes="社長は後継者問題を抱えている", coordinator=coordinator_a)
        ReferralFactory(sme=sme_a, purpose="県産技センターでの耐久試験")
        sme_a.referred_by = "川崎信用金庫 本店"
        sme_a.save()
    sme_page = client_of(sme_member_a).get(url("sme_detail", city_a, pk=sme_a.pk)).content.decode()
    coordinator_page = client_of(coordinator_a).get(url("sme_detail", city_a, pk=sme_a.pk)).content.decode()
    for internal in ("社長は後継者問題を抱えている", "県産技センターでの耐久試験", "川崎信用金庫 本店"):
        assert internal not in sme_page
        assert internal in coordinator_page
    # The edit form of an SME member has no "referred by" field either.
    form = client_of(sme_member_a).get(url("sme_edit", city_a, pk=sme_a.pk)).context["form"]
    assert "referred_by" not in form.fields


def test_internal_comment_hidden_from_sme_member_on_page_and_pdf(
    client_of, city_a, sme_a, sme_member_a, coordinator_a
):
    with scope(municipality=city_a):
        plan = BusinessPlanFactory(sme=sme_a, title="計画")
        services.business_plan_set_status(plan=plan, new_status=PlanStatus.SUBMITTED, actor=sme_member_a)
        version = PlanVersion.objects.get(plan=plan)
        services.plan_comment_add(
            version=version, actor=coordinator_a, section="budget", body="資金計画を具体的に"
        )
        services.plan_comment_add(
            version=version, actor=coordinator_a, section="budget", body="内部メモ：与信に懸念", internal=True
        )
    page = (
        client_of(sme_member_a).get(url("planversion_detail", city_a, pk=plan.pk, number=1)).content.decode()
    )
    assert "資金計画を具体的に" in page
    assert "内部メモ" not in page
    assert (
        "内部メモ"
        in client_of(coordinator_a)
        .get(url("planversion_detail", city_a, pk=plan.pk, number=1))
        .content.decode()
    )


def test_sme_member_cannot_comment_or_see_visit_and_partner_pages(client_of, city_a, sme_a, sme_member_a):
    client = client_of(sme_member_a)
    with scope(municipality=city_a):
        plan = BusinessPlanFactory(sme=sme_a)
        services.business_plan_set_status(plan=plan, new_status=PlanStatus.SUBMITTED, actor=sme_member_a)
    response = client.post(
        url("plancomment_create", city_a, pk=plan.pk, number=1),
        {"section": "risks", "body": "自分でコメント"},
    )
    assert response.status_code == 403
    assert client.get(url("visit_create", city_a, pk=sme_a.pk)).status_code == 403
    assert client.get(url("partner_list", city_a)).status_code == 403
    with scopes_disabled():
        assert PlanComment.objects.count() == 0


# --- Coordinator journeys -------------------------------------------------------------------------


def test_coordinator_records_a_visit_and_sees_followups(client_of, city_a, sme_a, coordinator_a):
    client = client_of(coordinator_a)
    response = client.post(
        url("visit_create", city_a, pk=sme_a.pk),
        {
            "visited_on": "2026-10-01",
            "people_met": "代表取締役 山田太郎",
            "notes": "自社製品の開発に意欲",
            "needs_learnt": "検査の自動化",
            "action_1": "開放特許を3件紹介",
            "due_1": "2020-01-10",
            "action_2": "",
            "due_2": "",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        visit = Visit.objects.get()
        assert (visit.people_met, visit.coordinator_id) == ("代表取締役 山田太郎", coordinator_a.pk)
        assert list(NextAction.objects.values_list("description", "due_on")) == [
            ("開放特許を3件紹介", dt.date(2020, 1, 10))
        ]
    page = client.get(url("followup_list", city_a))
    assert [a.description for a in page.context["actions"]] == ["開放特許を3件紹介"]
    assert "期限切れ" in page.content.decode()
    action = page.context["actions"][0]
    assert client.post(url("followup_done", city_a, pk=action.pk)).status_code == 302
    assert list(client.get(url("followup_list", city_a)).context["actions"]) == []
    timeline = client.get(url("sme_detail", city_a, pk=sme_a.pk)).context["timeline"]
    assert [(e.kind, e.obj.pk) for e in timeline] == [("visit", visit.pk)]


def test_sme_member_writes_submits_and_reads_feedback(client_of, city_a, sme_a, sme_member_a, coordinator_a):
    sme_client = client_of(sme_member_a)
    response = sme_client.post(
        url("plan_create", city_a, pk=sme_a.pk),
        {
            "title": "小型振動センサー事業",
            "product_concept": "電池で3年動く振動センサー",
            "risks": "量産コスト",
        },
    )
    with scopes_disabled():
        plan = BusinessPlan.objects.get()
    assert response["Location"] == url("plan_detail", city_a, pk=plan.pk)
    assert sme_client.post(url("plan_status", city_a, pk=plan.pk), {"status": "submitted"}).status_code == 302
    coord_client = client_of(coordinator_a)
    response = coord_client.post(
        url("plancomment_create", city_a, pk=plan.pk, number=1),
        {"section": "risks", "body": "量産の見積りを添付してください"},
    )
    assert response.status_code == 302
    assert (
        coord_client.post(url("plan_status", city_a, pk=plan.pk), {"status": "feedback_given"}).status_code
        == 302
    )
    page = sme_client.get(url("planversion_detail", city_a, pk=plan.pk, number=1))
    assert "量産の見積りを添付してください" in page.content.decode()
    assert page.context["comment_form"] is None
    # The SME may not accept its own plan: the choice is not offered and the post changes nothing.
    sme_client.post(url("plan_status", city_a, pk=plan.pk), {"status": "accepted"})
    with scopes_disabled():
        plan.refresh_from_db()
        assert plan.status == PlanStatus.FEEDBACK_GIVEN
        assert AuditEntry.objects.filter(action="business_plan.status_changed").count() == 2


def test_plan_diff_page_shows_changes(client_of, city_a, sme_a, sme_member_a, coordinator_a):
    with scope(municipality=city_a):
        plan = BusinessPlanFactory(sme=sme_a, product_concept="旧コンセプト")
        plan = services.business_plan_set_status(plan=plan, new_status="submitted", actor=sme_member_a)
        plan = services.business_plan_set_status(plan=plan, new_status="feedback_given", actor=coordinator_a)
        plan = services.business_plan_update(
            plan=plan,
            actor=sme_member_a,
            title=plan.title,
            sections={**plan.sections(), "product_concept": "新コンセプト"},
        )
        services.business_plan_set_status(plan=plan, new_status="revised", actor=sme_member_a)
    response = client_of(sme_member_a).get(url("plan_diff", city_a, pk=plan.pk))
    assert response.status_code == 200
    diff = {d.key: d.lines for d in response.context["diff"]}
    assert diff["product_concept"] == [("-", "旧コンセプト"), ("+", "新コンセプト")]
    assert client_of(sme_member_a).get(url("plan_diff", city_a, pk=plan.pk) + "?a=1&b=9").status_code == 404


def test_plan_pdf_is_a_pdf_with_the_plan_text(client_of, city_a, sme_a, sme_member_a):
    import subprocess

    with scope(municipality=city_a):
        plan = BusinessPlanFactory(sme=sme_a, title="振動センサー事業計画", product_concept="電池で3年動く")
        services.business_plan_set_status(plan=plan, new_status="submitted", actor=sme_member_a)
    client = client_of(sme_member_a)
    # The worker makes the PDF (tests/smes/test_pdf.py); here it runs in this process.
    client.get(url("planversion_pdf", city_a, pk=plan.pk, number=1))
    render_pending_pdfs()
    response = client.get(url("planversion_pdf", city_a, pk=plan.pk, number=1))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content)
    assert content.startswith(b"%PDF-")
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()
    for expected in (
        "事業計画書",
        "振動センサー事業計画",
        "川崎精工株式会社",
        "電池で3年動く",
        "製品コンセプト",
    ):
        assert expected in text


def test_partner_directory_end_to_end(client_of, city_a, sme_a, coordinator_a):
    client = client_of(coordinator_a)
    response = client.post(
        url("partner_create", city_a),
        {
            "name_ja": "神奈川県立産業技術総合研究所",
            "name_en": "KISTEC",
            "kind": "research_institute",
            "fields": "材料評価、電磁環境試験",
            "contact_email": "info@example.jp",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        partner = Partner.objects.get()
    assert (
        client.get(url("partner_list", city_a) + "?kind=research_institute").context["partners"][0] == partner
    )
    assert list(client.get(url("partner_list", city_a) + "?kind=university").context["partners"]) == []
    response = client.post(
        url("referral_create", city_a, pk=sme_a.pk),
        {"partner": partner.pk, "referred_on": "2026-10-10", "purpose": "EMC試験の相談"},
    )
    assert response.status_code == 302
    with scopes_disabled():
        referral = Referral.objects.get()
    response = client.post(
        url("referral_outcome", city_a, pk=referral.pk),
        {"outcome": "working_together", "outcome_note": "試験実施"},
    )
    assert response.status_code == 302
    page = client.get(url("partner_detail", city_a, pk=partner.pk)).content.decode()
    assert "EMC試験の相談" in page
    assert "協働中" in page


# --- Bad input in every form gives a translated message -------------------------------------------

REQUIRED_JA = "この項目は必須です。"


def test_sme_form_bad_input_is_translated(client_of, city_a, coordinator_a):
    response = client_of(coordinator_a).post(
        url("sme_create", city_a),
        {"name_ja": "", "corporate_number": "8000012050002", "employees": "-3", "founded_year": "3000"},
    )
    assert response.status_code == 400
    errors = errors_of(response)
    assert errors["name_ja"] == [REQUIRED_JA]
    assert errors["corporate_number"] == [
        "法人番号の検査用数字（先頭の1桁）が正しくありません。登記情報と照合してください。"
    ]
    assert errors["employees"] == ["この値は 0 以上でなければなりません。"]
    assert errors["founded_year"] == ["この値は 2100 以下でなければなりません。"]
    with scopes_disabled():
        assert SME.objects.count() == 0


def test_sme_form_accepts_hyphenated_full_width_number(client_of, city_a, coordinator_a):
    response = client_of(coordinator_a).post(
        url("sme_create", city_a), {"name_ja": "川崎精工", "corporate_number": "７-0000-1205-0002"}
    )
    assert response.status_code == 302
    with scopes_disabled():
        assert SME.objects.get().corporate_number == "7000012050002"


def test_sme_edit_duplicate_number_is_translated(client_of, city_a, sme_a, other_sme_a, sme_member_a):
    with scopes_disabled():
        other_sme_a.corporate_number = "7000012050002"
        other_sme_a.save()
    with assert_db_unchanged():
        response = client_of(sme_member_a).post(
            url("sme_edit", city_a, pk=sme_a.pk),
            {"name_ja": sme_a.name_ja, "corporate_number": "7000012050002"},
        )
    assert response.status_code == 400
    assert errors_of(response)["corporate_number"] == [
        f"{other_sme_a.name_ja} はすでに法人番号 7000012050002 で登録されています。"
    ]


def test_visit_form_bad_input_is_translated(client_of, city_a, sme_a, coordinator_a):
    with assert_db_unchanged():
        response = client_of(coordinator_a).post(
            url("visit_create", city_a, pk=sme_a.pk),
            {"visited_on": "2999-01-01", "people_met": "", "action_1": "電話する", "due_2": "2026-12-01"},
        )
    assert response.status_code == 400
    assert errors_of(response) == {
        "visited_on": ["訪問日より前に訪問記録は登録できません。"],
        "people_met": [REQUIRED_JA],
        "due_1": ["この次のアクションの期日を入力してください。"],
        "action_2": ["この期日に対応する次のアクションを入力してください。"],
    }


def test_plan_form_bad_input_is_translated(client_of, city_a, sme_a, sme_member_a):
    with assert_db_unchanged():
        response = client_of(sme_member_a).post(url("plan_create", city_a, pk=sme_a.pk), {"title": "   "})
    assert response.status_code == 400
    assert errors_of(response) == {"title": [REQUIRED_JA]}


def test_plan_edit_under_review_is_refused_in_japanese(client_of, city_a, sme_a, sme_member_a):
    with scope(municipality=city_a):
        plan = BusinessPlanFactory(sme=sme_a)
        services.business_plan_set_status(plan=plan, new_status="submitted", actor=sme_member_a)
    with assert_db_unchanged():
        response = client_of(sme_member_a).post(url("plan_edit", city_a, pk=plan.pk), {"title": "変更"})
    assert response.status_code == 400
    assert errors_of(response) == {
        "__all__": ["この計画は審査中または承認済みのため、現在は編集できません。"]
    }


def test_comment_form_bad_input_is_translated(client_of, city_a, sme_a, sme_member_a, coordinator_a):
    with scope(municipality=city_a):
        plan = BusinessPlanFactory(sme=sme_a)
        services.business_plan_set_status(plan=plan, new_status="submitted", actor=sme_member_a)
    with assert_db_unchanged():
        response = client_of(coordinator_a).post(
            url("plancomment_create", city_a, pk=plan.pk, number=1), {"section": "nonsense", "body": ""}
        )
    assert response.status_code == 400
    assert errors_of(response) == {
        "section": ["正しく選択してください。 nonsense は候補にありません。"],
        "body": [REQUIRED_JA],
    }


def test_partner_form_bad_input_is_translated(client_of, city_a, coordinator_a):
    with assert_db_unchanged():
        response = client_of(coordinator_a).post(
            url("partner_create", city_a),
            {"name_ja": "", "kind": "bank", "contact_email": "not-an-address", "url": "x y"},
        )
    assert response.status_code == 400
    assert errors_of(response) == {
        "name_ja": [REQUIRED_JA],
        "kind": ["正しく選択してください。 bank は候補にありません。"],
        "contact_email": ["有効なメールアドレスを入力してください。"],
        "url": ["有効なURLを入力してください。"],
    }


def test_referral_forms_bad_input_is_translated(client_of, city_a, city_b, sme_a, coordinator_a):
    with scopes_disabled():
        partner_b = PartnerFactory(municipality=city_b)
        referral = ReferralFactory(sme=sme_a)
    client = client_of(coordinator_a)
    with assert_db_unchanged():
        response = client.post(
            url("referral_create", city_a, pk=sme_a.pk),
            {"partner": partner_b.pk, "referred_on": "tomorrow", "purpose": ""},
        )
    assert response.status_code == 400
    assert errors_of(response) == {
        "partner": ["正しく選択してください。選択したものは候補にありません。"],
        "referred_on": ["日付を正しく入力してください。"],
        "purpose": [REQUIRED_JA],
    }
    with assert_db_unchanged():
        response = client.post(url("referral_outcome", city_a, pk=referral.pk), {"outcome": "great"})
    assert response.status_code == 400
    assert errors_of(response) == {"outcome": ["正しく選択してください。 great は候補にありません。"]}


@pytest.mark.django_db
def test_registering_the_same_corporate_number_again_links_to_the_registered_sme(
    client_of, city_a, coordinator_a
):
    from django_scopes import scopes_disabled as _off

    from smes.models import SME as _SME

    client = client_of(coordinator_a)
    create = f"/m/{city_a.slug}/smes/new/"
    data = {"name_ja": "川崎精工", "corporate_number": "7000012050002"}
    first = client.post(create, data)
    with _off():
        registered = _SME.objects.get(municipality=city_a)
    assert first.status_code == 302, first.content.decode()[:500]
    again = client.post(create, {"name_ja": "川崎精工（重複）", "corporate_number": "7000-0120-50002"})
    html = again.content.decode()
    assert again.status_code == 400
    assert "川崎精工 はすでに法人番号 7000012050002 で登録されています。" in html
    assert f'href="/m/{city_a.slug}/smes/{registered.pk}/"' in html
    with _off():
        assert _SME.objects.filter(municipality=city_a).count() == 1
