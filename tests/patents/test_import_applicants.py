"""Imports that protect the company: other applicants' rows, drafts without abstract or IPC, and the
template's plain-language and SME-fit columns (CSV and XLSX)."""

import csv
import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django_scopes import scope, scopes_disabled

from kawasaki.models import AuditEntry
from patents import services
from patents.exports import template_csv, template_xlsx
from patents.models import CompanyAlias, ImportState, OtherApplicants, Patent
from tests.helpers.db_state import assert_db_unchanged
from tests.patents.helpers import confirm_and_commit, problems_of, upload_and_validate

pytestmark = pytest.mark.django_db

GOOGLE_HEADER = (
    "search URL:,https://patents.google.com/?assignee=Google\n"
    "id,title,assignee,inventor/author,priority date,filing/creation date,publication date,grant date,"
    "result link,representative figure link\n"
)
GOOGLE_EXPORT = (
    GOOGLE_HEADER
    + "US-9000001-B2,Search ranking,Google Inc.,A,2010-01-01,2011-01-01,2012-01-01,2013-01-01,,\n"
    "US-9000002-B2,Map tiles,GOOGLE INC.,B,2010-01-01,2011-01-01,2012-01-01,2013-01-01,,\n"
    "US-9000003-B2,Gear bearing,Kawasaki Denki Inc.,C,2010-01-01,2011-01-01,2012-01-01,2013-01-01,,\n"
)


def url(name, municipality, **kwargs):
    return reverse(name, kwargs={"municipality": municipality.slug, **kwargs})


def numbers_of(company):
    with scopes_disabled():
        return sorted(Patent.objects.filter(company=company).values_list("number", flat=True))


def upload(company, actor, name, content, policy):
    with scope(municipality=company.municipality):
        started = services.portfolio_import_start(
            municipality=company.municipality,
            actor=actor,
            company=company,
            upload=SimpleUploadedFile(name, content),
            other_applicants=policy,
        )
        return services.portfolio_import_validate(portfolio_import=started)


def test_other_applicants_rows_are_reported_with_names_compared_loosely(company_a, staff_a):
    imp = upload_and_validate(company_a, staff_a, "google.csv", GOOGLE_EXPORT.encode())
    assert imp.state == ImportState.VALID
    # "Google Inc." and "GOOGLE INC." are one applicant; Kawasaki Denki Inc. is the company itself.
    assert imp.other_applicant_count == 2
    assert imp.other_applicants == [{"name": "Google Inc.", "rows": 2, "first_row": 3}]


def test_confirm_without_accepting_other_applicants_changes_nothing(company_a, staff_a):
    imp = upload_and_validate(company_a, staff_a, "google.csv", GOOGLE_EXPORT.encode())
    with (
        translation.override("en"),
        scope(municipality=company_a.municipality),
        pytest.raises(ValidationError) as error,
    ):
        services.portfolio_import_confirm(portfolio_import=imp, actor=staff_a)
    assert error.value.message_dict["accept_other_applicants"] == [
        "2 rows name another applicant. Tick the box to confirm they belong in this company's "
        "portfolio, or upload a file without them."
    ]
    imp.refresh_from_db()
    assert imp.state == ImportState.VALID
    assert numbers_of(company_a) == []


def test_accepted_other_applicants_are_imported_and_audited(company_a, staff_a):
    imp = upload_and_validate(company_a, staff_a, "google.csv", GOOGLE_EXPORT.encode())
    with scope(municipality=company_a.municipality):
        services.portfolio_import_confirm(portfolio_import=imp, actor=staff_a, accept_other_applicants=True)
        imp = services.portfolio_import_commit(portfolio_import=imp)
    assert imp.state == ImportState.COMMITTED
    assert numbers_of(company_a) == ["US-9000001-B2", "US-9000002-B2", "US-9000003-B2"]
    with scopes_disabled():
        entry = AuditEntry.objects.get(action="portfolio_import.confirmed")
    assert entry.changes == {"other_applicant_rows": {"new": 2}}


def test_an_alias_makes_the_rows_the_companys_own(company_a, staff_a):
    with scopes_disabled():
        CompanyAlias.objects.create(municipality=company_a.municipality, company=company_a, name="Google LLC")
    imp = upload_and_validate(company_a, staff_a, "google.csv", GOOGLE_EXPORT.encode())
    assert (imp.state, imp.other_applicant_count, imp.other_applicants) == (ImportState.VALID, 0, [])
    confirm_and_commit(imp, staff_a)
    assert len(numbers_of(company_a)) == 3


def test_refusing_import_lists_each_other_applicants_row_by_row_and_column(company_a, staff_a):
    imp = upload(company_a, staff_a, "google.csv", GOOGLE_EXPORT.encode(), OtherApplicants.REFUSE)
    assert imp.state == ImportState.INVALID
    message = "The applicant “{}” is not this company; this import refuses rows of other applicants."
    assert problems_of(imp) == [
        (3, "assignee", message.format("Google Inc.")),
        (4, "assignee", message.format("GOOGLE INC.")),
    ]
    with scope(municipality=company_a.municipality), pytest.raises(ValidationError):
        services.portfolio_import_confirm(portfolio_import=imp, actor=staff_a, accept_other_applicants=True)
    assert numbers_of(company_a) == []


def test_report_page_explains_other_applicants_and_drafts(client_of, city_a, company_a, staff_a):
    imp = upload_and_validate(company_a, staff_a, "google.csv", GOOGLE_EXPORT.encode())
    assert (imp.flagged_count, imp.no_ipc_count) == (3, 3)
    client = client_of(staff_a)
    page = client.get(url("import_detail", city_a, pk=imp.pk)).content.decode()
    assert "2 行に 川崎電機株式会社 以外の出願人が記載されています。" in page
    assert "<td>Google Inc.</td>" in page
    assert "3 件のシーズに要約がありません" in page
    assert "3 件のシーズに IPC コードがありません" in page
    assert 'name="accept_other_applicants"' in page
    # Confirming without ticking the box: told why, nothing written.
    with assert_db_unchanged():
        response = client.post(url("import_confirm", city_a, pk=imp.pk))
    assert response.status_code == 400
    error = response.content.decode().split('data-testid="accept-error">')[1].split("<")[0]
    assert error.startswith("2 行に他の出願人が記載されています。")
    client.post(url("import_confirm", city_a, pk=imp.pk), {"accept_other_applicants": "on"})
    imp.refresh_from_db()
    assert imp.state == ImportState.COMMITTING


def test_template_fills_plain_summary_applications_and_fit(company_a, staff_a):
    content = (
        "番号,発明の名称,出願人,わかりやすい説明,用途の例,適合_用途が明確,適合_試作品・実験データあり,"
        "適合_大企業の事業規模に合わない\n"
        "JP7100001B2,歯車,川崎電機株式会社,機械を小さくできます。,ロボット; 工具,はい,△,\n"
    )
    imp = upload_and_validate(company_a, staff_a, "t.csv", content.encode())
    assert imp.state == ImportState.VALID, problems_of(imp)
    confirm_and_commit(imp, staff_a)
    with scopes_disabled():
        seed = Patent.objects.get(company=company_a)
    assert (seed.plain_summary, seed.application_examples) == ("機械を小さくできます。", "ロボット; 工具")
    assert (seed.fit_clear_use, seed.fit_prototype, seed.fit_not_large_business) == (
        "yes",
        "partly",
        "unknown",
    )
    assert seed.fit_low_effort == "unknown"  # no column: left as it was


def test_bad_fit_answer_is_named_by_row_and_column(company_a, staff_a):
    content = "number,title,fit_clear_use,fit_prototype\nJP1,a,yes,no\nJP2,b,maybe,yes\n"
    imp = upload_and_validate(company_a, staff_a, "t.csv", content.encode())
    assert imp.state == ImportState.INVALID
    assert problems_of(imp) == [
        (
            3,
            "fit_clear_use",
            "Unknown answer “maybe”: use yes, partly, no or unknown (はい, 一部, いいえ, 不明).",
        )
    ]
    assert numbers_of(company_a) == []


def test_xlsx_template_documents_its_columns_and_imports(company_a, staff_a):
    content = template_xlsx(language="ja")
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    first, notes = workbook.worksheets
    headers = [c.value for c in first[1]]
    assert headers == template_csv(language="ja").decode("utf-8-sig").splitlines()[0].split(",")
    documented = {row[0].value: row[1].value for row in notes.iter_rows(min_row=2) if row[0].value}
    assert documented["適合_用途が明確"].startswith("中小企業適合の基準「用途が明確」")
    assert "わかりやすい説明" in documented
    imp = upload_and_validate(company_a, staff_a, "template.xlsx", content)
    assert imp.state == ImportState.VALID, problems_of(imp)
    confirm_and_commit(imp, staff_a)
    with scopes_disabled():
        seed = Patent.objects.get(company=company_a)
    assert (seed.fit_direct_contribution, seed.fit_prototype) == ("partly", "no")


def test_xlsx_template_download(client_of, city_a, staff_a):
    response = client_of(staff_a).get(url("import_template_xlsx", city_a), {"lang": "en"})
    assert response["Content-Disposition"] == 'attachment; filename="portfolio-template-en.xlsx"'
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert [c.value for c in workbook.worksheets[1][1]] == ["Column", "What to write"]


def test_plain_summaries_filled_in_bulk_through_export_and_reimport(client_of, city_a, company_a, staff_a):
    imp = upload_and_validate(company_a, staff_a, "google.csv", GOOGLE_EXPORT.encode())
    with scope(municipality=city_a):
        services.portfolio_import_confirm(portfolio_import=imp, actor=staff_a, accept_other_applicants=True)
        services.portfolio_import_commit(portfolio_import=imp)
    exported = client_of(staff_a).get(url("patent_export", city_a), {"company": company_a.pk})
    text = b"".join(exported.streaming_content).decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].split(",")[15:18] == ["わかりやすい説明", "用途の例", "適合_用途が明確"]
    # The staff member fills the plain summary of every row and imports the file again.
    rows = list(csv.reader(lines))
    for row in rows[1:]:
        row[15] = f"{row[3]} をやさしく説明"
        row[17] = "はい"
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    again = upload_and_validate(company_a, staff_a, "filled.csv", out.getvalue().encode())
    assert (again.state, again.changed_count, again.new_count) == (ImportState.VALID, 3, 0)
    with scope(municipality=city_a):
        services.portfolio_import_confirm(portfolio_import=again, actor=staff_a, accept_other_applicants=True)
        services.portfolio_import_commit(portfolio_import=again)
    with scopes_disabled():
        seed = Patent.objects.get(company=company_a, number="US-9000002-B2")
    assert (seed.plain_summary, seed.fit_clear_use) == ("Map tiles をやさしく説明", "yes")
