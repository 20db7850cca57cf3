"""The annual report for the city council and the per-company report, and the charts they share with
the dashboard. The PDFs are rendered by the core's `kawasaki.pdf.render_pdf`: only our static files
may be loaded, the Japanese font comes from the system (fonts-noto-cjk) and is embedded in the PDF.
"""

from __future__ import annotations

from django.utils import timezone, translation
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from kawasaki.models import Municipality
from kawasaki.pdf import render_pdf
from patents.models import LargeCompany

from . import charts, selectors, tables

STYLESHEET = "reports/report-print.css"


def results_chart(*, municipality: Municipality, fiscal_year: int) -> SafeString:
    table = tables.results_table(municipality=municipality, last_year=fiscal_year)
    return charts.bar_chart(
        [row[0] for row in table.rows],
        [
            (_("Licences (cumulative)"), [row[2] for row in table.rows], charts.BLUE),
            (_("Products (cumulative)"), [row[4] for row in table.rows], charts.GREEN),
        ],
        title=table.title,
    )


def funnel_chart(*, municipality: Municipality, funnel: list[dict] | None = None) -> SafeString:
    rows = selectors.funnel(municipality=municipality) if funnel is None else funnel
    return charts.hbar_chart(
        [(tables.state_label(r["state"]), r["reached"]) for r in rows], title=_("Negotiation funnel")
    )


def annual_report_pdf(*, municipality: Municipality, fiscal_year: int, language: str = "ja") -> bytes:
    """The council report: the year's figures against previous years, the charts, one page per product."""
    # The tables and charts carry translated labels: build them in the report's language too.
    with translation.override(language):
        summaries = tables.year_summaries(municipality=municipality, fiscal_year=fiscal_year)
        funnel = selectors.funnel(municipality=municipality)
        context = {
            "municipality": municipality,
            "fiscal_year": fiscal_year,
            "summary": summaries[-1],
            "tables": tables.all_tables(
                municipality=municipality, fiscal_year=fiscal_year, summaries=summaries, funnel=funnel
            ),
            "results_chart": results_chart(municipality=municipality, fiscal_year=fiscal_year),
            "funnel_chart": funnel_chart(municipality=municipality, funnel=funnel),
            "products": selectors.products_launched_in(municipality=municipality, fiscal_year=fiscal_year),
            "council": tables.council_rows(municipality=municipality, fiscal_year=fiscal_year),
            "generated_at": timezone.localtime(),
        }
        return render_pdf(
            template_name="reports/annual_report.html",
            context=context,
            language=language,
            stylesheets=[STYLESHEET],
        )


def company_report_pdf(*, municipality: Municipality, company: LargeCompany, language: str = "ja") -> bytes:
    """What a large company's participation returned: its seeds, interest, meetings, licences, products."""
    with translation.override(language):
        row = next(
            (r for r in selectors.per_company(municipality=municipality) if r["company_id"] == company.pk),
            None,
        )
        context = {
            "municipality": municipality,
            "company": company,
            "row": row,
            "negotiations": selectors.negotiations_of_company(municipality=municipality, company=company),
            "products": selectors.products_of_company(municipality=municipality, company=company),
            "generated_at": timezone.localtime(),
        }
        return render_pdf(
            template_name="reports/company_report.html",
            context=context,
            language=language,
            stylesheets=[STYLESHEET],
        )
