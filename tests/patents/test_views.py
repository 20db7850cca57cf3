import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from kawasaki.models import AuditEntry
from patents.models import CompanyAlias, Patent, PortfolioImport
from tests.factories.patents import PatentFactory
from tests.helpers.db_state import assert_db_unchanged
from tests.patents.helpers import upload_and_validate

pytestmark = pytest.mark.django_db


def url(name, municipality, **kwargs):
    return reverse(name, kwargs={"municipality": municipality.slug, **kwargs})


@pytest.fixture
def seeds(company_a, other_company_a):
    with scopes_disabled():
        return {
            "draft": PatentFactory(
                company=company_a,
                number="JP1",
                title="下書きのシーズ",
                internal_note="社外秘のメモ",
                abstract="",
            ),
            "published": PatentFactory(
                company=company_a,
                number="JP2",
                title="公開中のシーズ",
                internal_note="社外秘のメモ",
                plain_summary="だれでもわかる説明",
                publication_state="published",
            ),
            "other": PatentFactory(company=other_company_a, number="JP3", title="他社の下書き"),
        }


def test_sme_sees_published_seeds_only_and_never_internal_notes(client_of, city_a, sme_a, seeds):
    client = client_of(sme_a)
    body = client.get(url("patent_list", city_a)).content.decode()
    assert "公開中のシーズ" in body
    assert "下書きのシーズ" not in body
    assert "他社の下書き" not in body
    assert "下書き" not in body  # no state column or filter for SMEs
    detail = client.get(url("patent_detail", city_a, pk=seeds["published"].pk)).content.decode()
    assert "だれでもわかる説明" in detail
    assert "社外秘のメモ" not in detail
    assert client.get(url("patent_detail", city_a, pk=seeds["draft"].pk)).status_code == 404


def test_company_staff_sees_and_edits_only_their_company(client_of, city_a, staff_a, seeds):
    client = client_of(staff_a)
    body = client.get(url("patent_list", city_a)).content.decode()
    assert ("下書きのシーズ" in body, "他社の下書き" in body) == (True, False)
    with assert_db_unchanged():
        assert client.get(url("patent_detail", city_a, pk=seeds["other"].pk)).status_code == 404
        assert client.get(url("patent_edit", city_a, pk=seeds["other"].pk)).status_code == 404
        assert (
            client.post(url("patent_edit", city_a, pk=seeds["other"].pk), {"title": "x"}).status_code == 404
        )
    detail = client.get(url("patent_detail", city_a, pk=seeds["draft"].pk)).content.decode()
    assert "社外秘のメモ" in detail
    assert "要約なしで取り込まれました" in detail


def test_edit_fit_profile(client_of, city_a, staff_a, seeds):
    patent = seeds["draft"]
    data = {
        "title": "新しい名称",
        "abstract": "要約",
        "plain_summary": "説明",
        "application_examples": "用途1\n用途2",
        "prototype_info": "",
        "offer_non_exclusive": "on",
        "legal_status": "granted",
        "expiry_date": "2035-01-01",
        "internal_note": "",
        **dict.fromkeys(("fit_clear_use", "fit_direct_contribution", "fit_adds_value"), "yes"),
        **dict.fromkeys(("fit_low_effort", "fit_prototype", "fit_not_large_business"), "partly"),
    }
    response = client_of(staff_a).post(url("patent_edit", city_a, pk=patent.pk), data)
    assert response.status_code == 302
    with scopes_disabled():
        patent.refresh_from_db()
        entry = AuditEntry.objects.get(action="patent.updated")
    assert (patent.title, patent.application_example_list, patent.fit_score) == (
        "新しい名称",
        ["用途1", "用途2"],
        9,
    )
    assert entry.changes["fit_clear_use"] == {"old": "unknown", "new": "yes"}


def test_bulk_publish_only_touches_what_the_user_may_curate(client_of, city_a, staff_a, seeds):
    ids = [seeds["draft"].pk, seeds["other"].pk]
    response = client_of(staff_a).post(url("patent_bulk_state", city_a), {"ids": ids, "state": "published"})
    assert response.status_code == 302
    with scopes_disabled():
        states = dict(Patent.objects.values_list("number", "publication_state"))
    assert states == {"JP1": "published", "JP2": "published", "JP3": "draft"}


def test_sme_cannot_publish(client_of, city_a, sme_a, seeds):
    client = client_of(sme_a)
    with assert_db_unchanged():
        response = client.post(url("patent_state", city_a, pk=seeds["draft"].pk), {"state": "published"})
        bulk = client.post(
            url("patent_bulk_state", city_a), {"ids": [seeds["draft"].pk], "state": "published"}
        )
    assert (response.status_code, bulk.status_code) == (403, 403)
    with scopes_disabled():
        seeds["draft"].refresh_from_db()
        assert seeds["draft"].publication_state == "draft"


def test_list_filters_by_fit_and_ipc(client_of, city_a, coordinator_a, company_a):
    with scopes_disabled():
        PatentFactory(company=company_a, title="Matching seed", ipc_codes="G01N25/00", fit_clear_use="yes")
        PatentFactory(company=company_a, title="Other seed", ipc_codes="H04M1/00")
    body = client_of(coordinator_a).get(
        url("patent_list", city_a), {"ipc": "G01N", "fit_yes": "fit_clear_use"}
    )
    text = body.content.decode()
    assert ("Matching seed" in text, "Other seed" in text) == (True, False)
    # The fit column says it in words, as the screening pages do (not a score out of 12).
    fit = text.split('data-testid="fit">')[1].split("</td>")[0].strip()
    assert fit == "6 項目中 1 項目に該当"


def test_list_query_count_does_not_grow_with_rows(
    client_of, city_a, coordinator_a, company_a, django_assert_max_num_queries
):
    with scopes_disabled():
        for _ in range(30):
            PatentFactory(company=company_a)
    client = client_of(coordinator_a)
    client.get(url("patent_list", city_a))  # warm the session
    with django_assert_max_num_queries(20):
        client.get(url("patent_list", city_a))


def test_export_neutralises_formula_cells(client_of, city_a, coordinator_a, company_a):
    with scopes_disabled():
        PatentFactory(company=company_a, number="JP9", title='=HYPERLINK("http://x")', abstract="@SUM(A1)")
        PatentFactory(company=company_a, number="JP8", title="+1", abstract="-2")
    response = client_of(coordinator_a).get(url("patent_export", city_a))
    body = b"".join(response.streaming_content).decode()
    assert body.splitlines()[0].startswith("\ufeff番号,種別,国・地域,発明の名称,要約")
    assert "JP8,patent,JP,'+1,'-2," in body
    assert 'JP9,patent,JP,"\'=HYPERLINK(""http://x"")",\'@SUM(A1),' in body


def test_export_streams_row_by_row(client_of, city_a, coordinator_a, company_a):
    with scopes_disabled():
        for n in range(3):
            PatentFactory(company=company_a, number=f"JP{n}", title=f"Seed {n}")
    response = client_of(coordinator_a).get(url("patent_export", city_a))
    assert response.streaming is True
    assert response["Content-Disposition"] == 'attachment; filename="portfolio.csv"'
    # Read here, after the view returned and outside the request's tenant scope: the stream enters
    # the municipality's scope itself and yields the header, then one chunk per seed.
    chunks = [chunk.decode() for chunk in response.streaming_content]
    assert len(chunks) == 4
    assert chunks[0].startswith("\ufeff番号,種別")
    assert [chunk.split(",")[0] for chunk in chunks[1:]] == ["JP0", "JP1", "JP2"]


def test_template_download(client_of, city_a, staff_a):
    response = client_of(staff_a).get(url("import_template", city_a), {"lang": "en"})
    assert response["Content-Disposition"] == 'attachment; filename="portfolio-template-en.csv"'
    assert response.content.decode().splitlines()[0] == (
        "\ufeffnumber,kind,jurisdiction,title,abstract,claims,ipc,fi,cpc,applicants,filing_date,"
        "publication_date,grant_date,expiry_date,legal_status,plain_summary,applications,fit_clear_use,"
        "fit_direct_contribution,fit_adds_value,fit_low_effort,fit_prototype,fit_not_large_business"
    )


def test_upload_page_flow(client_of, city_a, staff_a, company_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_of(staff_a)
    response = client.post(
        url("import_list", city_a),
        {"company": company_a.pk, "file": SimpleUploadedFile("p.csv", b"number,title\nJP1,x\nJP1,y\n")},
    )
    with scopes_disabled():
        portfolio_import = PortfolioImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("import_detail", city_a, pk=portfolio_import.pk)
    # The worker would validate now; the page polls while it runs.
    running = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in running
    assert "<progress" in running
    with scopes_disabled():
        from patents.services import portfolio_import_validate

        portfolio_import_validate(portfolio_import=portfolio_import)
    report = client.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 1s"' not in report
    assert "番号 JP1 がファイル内で重複しています(最初は 2 行目)。" in report
    english = client_of(staff_a)
    english.cookies["django_language"] = "en"
    assert (
        "Number JP1 appears more than once in this file (first in row 2)."
        in english.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )


def test_staff_cannot_upload_for_another_company(client_of, city_a, staff_a, other_company_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_of(staff_a).post(
        url("import_list", city_a),
        {"company": other_company_a.pk, "file": SimpleUploadedFile("p.csv", b"number,title\nJP1,x\n")},
    )
    assert response.status_code == 400
    with scopes_disabled():
        assert PortfolioImport.objects.count() == 0


def test_confirm_through_the_page(client_of, city_a, staff_a, company_a):
    portfolio_import = upload_and_validate(company_a, staff_a, "p.csv", b"number,title\nJP1,x\n")
    response = client_of(staff_a).post(url("import_confirm", city_a, pk=portfolio_import.pk))
    assert response.status_code == 302
    portfolio_import.refresh_from_db()
    assert portfolio_import.state == "committing"


def test_company_pages(client_of, city_a, coordinator_a, staff_a, company_a, other_company_a):
    body = client_of(coordinator_a).get(url("company_list", city_a)).content.decode()
    assert ("川崎電機株式会社" in body, "多摩化学株式会社" in body) == (True, True)
    body = client_of(staff_a).get(url("company_list", city_a)).content.decode()
    assert ("川崎電機株式会社" in body, "多摩化学株式会社" in body) == (True, False)
    assert client_of(staff_a).get(url("company_detail", city_a, pk=other_company_a.pk)).status_code == 404
    response = client_of(coordinator_a).post(
        url("company_create", city_a),
        {"name_ja": "Google Inc.", "name_en": "", "aliases": "GOOGLE LLC\n", "contact_email": ""},
    )
    assert response.status_code == 302
    response = client_of(coordinator_a).post(url("company_create", city_a), {"name_ja": "GOOGLE INC."})
    assert response.status_code == 400
    with scopes_disabled():
        assert CompanyAlias.objects.filter(company__name_ja="Google Inc.").count() == 1


def test_bulk_publish_keeps_the_list_filter(client_of, city_a, staff_a, seeds):
    response = client_of(staff_a).post(
        url("patent_bulk_state", city_a),
        {"ids": [seeds["draft"].pk], "state": "published", "list_query": "q=JP1&state=draft"},
    )
    assert response["Location"] == url("patent_list", city_a) + "?q=JP1&state=draft"


def test_a_draft_offers_no_withdrawal_and_cannot_be_withdrawn(client_of, city_a, staff_a, seeds):
    client = client_of(staff_a)
    page = client.get(url("patent_detail", city_a, pk=seeds["draft"].pk)).content.decode()
    assert 'data-testid="state-withdrawn"' not in page
    with assert_db_unchanged():
        client.post(url("patent_state", city_a, pk=seeds["draft"].pk), {"state": "withdrawn"})
    published = client.get(url("patent_detail", city_a, pk=seeds["published"].pk)).content.decode()
    # A published seed can be taken down, after a confirmation in the browser.
    assert 'data-testid="state-withdrawn"' in published
    assert "data-confirm=" in published
