"""The report pages, downloads, PDFs and KPI API on the known data set."""

import io
import subprocess

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled
from openpyxl import load_workbook

from kawasaki.models import Role
from tests.conftest import make_member
from tests.helpers.db_state import assert_db_unchanged
from tests.matching.conftest import make_company

pytestmark = pytest.mark.django_db


def test_reporting_token_reads_kpis_of_its_municipality_only(api_client_of, city_a, city_b, data):
    reporter = make_member(city_a, Role.REPORTING)
    api = api_client_of(reporter, city_a, read_only=True)
    results = api.get(reverse("api_kpi_results"), {"fiscal_year": 2025}).json()
    assert results["licences"] == [
        {"fiscal_year": 2024, "count": 1, "cumulative": 1},
        {"fiscal_year": 2025, "count": 1, "cumulative": 2},
    ]
    summary = api.get(reverse("api_kpi_summary"), {"fiscal_year": 2025}).json()
    assert (summary["licences"], summary["products"], summary["visits"]) == (1, 1, 2)
    companies = api.get(reverse("api_kpi_companies")).json()
    assert [c["company"] for c in companies] == ["乙社", "甲社"]  # B's 丙社 never appears
    bad = api.get(reverse("api_kpi_summary"), {"fiscal_year": "last"}, HTTP_ACCEPT_LANGUAGE="en")
    assert bad.status_code == 400
    assert bad.json()["error"]["fields"] == {"fiscal_year": ["Give the fiscal year as a number, e.g. 2025."]}
    # A reporting token can never write, and B's reporting token sees B's figures.
    with assert_db_unchanged():
        refused = api.post(reverse("api_screeningrun_list"), {"direction": "sme_to_seeds", "query_text": "x"})
    assert refused.status_code == 403
    reporter_b = make_member(city_b, Role.REPORTING)
    b_results = (
        api_client_of(reporter_b, city_b).get(reverse("api_kpi_results"), {"fiscal_year": 2025}).json()
    )
    assert b_results["licences"] == [{"fiscal_year": 2025, "count": 1, "cumulative": 1}]


def test_sme_member_cannot_read_kpis(api_client_of, city_a, data):
    sme_user = make_member(city_a, Role.SME_MEMBER)
    assert api_client_of(sme_user, city_a).get(reverse("api_kpi_summary")).status_code == 403


def test_dashboard_tables_and_downloads(client_of, city_a, coordinator_a, data):
    client = client_of(coordinator_a)
    page = client.get(reverse("report_dashboard", kwargs={"municipality": "city-a"}), {"fy": 2025})
    assert page.status_code == 200
    body = page.content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in body
    assert page.context["summary"]["licences"] == 1
    csv_body = client.get(
        reverse("report_table_export", kwargs={"municipality": "city-a", "table": "results", "fmt": "csv"}),
        {"fy": 2025},
    ).content.decode("utf-8-sig")
    assert csv_body.splitlines()[1:] == ["2024年度,1,1,1,1", "2025年度,1,2,1,2"]
    xlsx = client.get(
        reverse("report_table_export", kwargs={"municipality": "city-a", "table": "companies", "fmt": "xlsx"})
    )
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert rows[1:] == [("乙社", 0, 1, 0, 0, 0), ("甲社", 2, 2, 1, 2, 2)]
    missing = reverse("report_table_export", kwargs={"municipality": "city-a", "table": "nope", "fmt": "csv"})
    assert client.get(missing).status_code == 404


def test_exports_neutralise_formulas(client_of, city_a, coordinator_a, data):
    with scopes_disabled():
        make_company(city_a, '=HYPERLINK("http://evil")')
    client = client_of(coordinator_a)
    csv_body = client.get(
        reverse("report_table_export", kwargs={"municipality": "city-a", "table": "companies", "fmt": "csv"})
    ).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in csv_body
    xlsx = client.get(
        reverse("report_table_export", kwargs={"municipality": "city-a", "table": "companies", "fmt": "xlsx"})
    )
    book = load_workbook(io.BytesIO(xlsx.content))
    names = [row[0] for row in book.active.iter_rows(min_row=2, values_only=True)]
    assert '\'=HYPERLINK("http://evil")' in names


def test_annual_report_pdf_embeds_a_cjk_font_and_renders(client_of, city_a, coordinator_a, data, tmp_path):
    response = client_of(coordinator_a).get(
        reverse("report_annual_pdf", kwargs={"municipality": "city-a"}), {"fy": 2025}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "report.pdf"
    path.write_bytes(response.content)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "CJK" in fonts or "JP" in fonts
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:])  # every font embedded
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "2025年度" in text
    assert "事例" in text  # one case-study page per product launched in the year
    assert "P1" in text
    pages = int(
        next(
            line.split()[-1]
            for line in subprocess.run(
                ["pdfinfo", str(path)], capture_output=True, text=True, check=True
            ).stdout.splitlines()
            if line.startswith("Pages:")
        )
    )
    assert pages == 5  # cover, figures, funnel, the year against its targets and companies, one product
    subprocess.run(
        ["pdftoppm", "-png", "-r", "30", "-f", "2", "-l", "2", str(path), str(tmp_path / "p")], check=True
    )
    png = next(tmp_path.glob("p-*.png"))
    assert png.stat().st_size > 3000  # a page with tables and a chart, not a blank one


def test_company_report_pdf(client_of, city_a, coordinator_a, data):
    response = client_of(coordinator_a).get(
        reverse("report_company_pdf", kwargs={"municipality": "city-a", "pk": data["company"].pk})
    )
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_dashboard_shows_this_years_results(client_of, city_a, coordinator_a, data):
    from django.utils import timezone

    page = client_of(coordinator_a).get(reverse("dashboard", kwargs={"municipality": "city-a"}))
    panel = next(p for p in page.context["panels"] if str(p["title"]) in ("Results", "成果"))
    figures = [value for _label, value, _url in panel["figures"]]
    this_year = city_a.fiscal_year_of(timezone.localdate())
    expected_this_year = {2024: 1, 2025: 1}.get(this_year, 0)
    assert figures == [expected_this_year, expected_this_year, 2, 2]


def test_menu_has_the_reports_entry_for_those_who_may_read_them(client_of, city_a, coordinator_a):
    reports_url = reverse("report_dashboard", kwargs={"municipality": "city-a"})
    page = client_of(coordinator_a).get(reverse("dashboard", kwargs={"municipality": "city-a"}))
    sales_url = reverse("report_sales_list", kwargs={"municipality": "city-a"})
    entry = next(group for group in page.context["nav_items"] if group["key"] == "reports")
    assert str(entry["label"]) == "レポート"
    assert [(str(link["label"]), link["url"]) for link in entry["links"]] == [
        ("レポート", reports_url),
        ("発売後の売上", sales_url),
    ]
    assert '<li data-group="reports">' in page.content.decode()
    # An SME member reports its products' sales there, but never sees the programme's figures.
    sme_member = make_member(city_a, Role.SME_MEMBER)
    sme_page = client_of(sme_member).get(reverse("dashboard", kwargs={"municipality": "city-a"}))
    sme_entry = next(g for g in sme_page.context["nav_items"] if g["key"] == "reports")
    assert (str(sme_entry["label"]), sme_entry["url"]) == ("発売後の売上", sales_url)
    assert f'href="{reports_url}"' not in sme_page.content.decode()
    # The municipality admin also sets the year's targets.
    admin = make_member(city_a, Role.MUNICIPALITY_ADMIN)
    admin_page = client_of(admin).get(reverse("dashboard", kwargs={"municipality": "city-a"}))
    admin_entry = next(g for g in admin_page.context["nav_items"] if g["key"] == "reports")
    assert reverse("report_targets", kwargs={"municipality": "city-a"}) in [
        link["url"] for link in admin_entry["links"]
    ]
