"""The annual report for the city council and the per-company report, rendered with WeasyPrint.

Only files under static/ may be loaded while rendering (the patents app's SafeURLFetcher); the
Japanese font comes from the system (fonts-noto-cjk) and is embedded in the PDF.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from kawasaki.models import Municipality

from . import charts, kpis, tables

STATIC_DIR = Path(settings.BASE_DIR) / "static"


def _render(template: str, context: dict) -> bytes:
    from weasyprint import CSS, HTML

    from patents.sheets import SafeURLFetcher

    fetcher = SafeURLFetcher(allowed_dirs=[STATIC_DIR])
    html = render_to_string(template, context)
    css = CSS(filename=str(STATIC_DIR / "reporting" / "report-print.css"), url_fetcher=fetcher)
    return HTML(string=html, base_url=STATIC_DIR.as_uri() + "/", url_fetcher=fetcher).write_pdf(
        stylesheets=[css]
    )


def results_chart(*, municipality: Municipality, fiscal_year: int):
    from django.utils.translation import gettext as _

    table = tables.results_table(municipality=municipality, last_year=fiscal_year)
    return charts.bar_chart(
        [row[0] for row in table.rows],
        [
            (_("Licences (cumulative)"), [row[2] for row in table.rows], charts.BLUE),
            (_("Products (cumulative)"), [row[4] for row in table.rows], charts.GREEN),
        ],
        title=table.title,
    )


def funnel_chart(*, municipality: Municipality, funnel: list[dict] | None = None):
    from django.utils.translation import gettext as _

    rows = kpis.funnel(municipality=municipality) if funnel is None else funnel
    return charts.hbar_chart(
        [(tables.state_label(r["state"]), r["reached"]) for r in rows], title=_("Negotiation funnel")
    )


def annual_report_pdf(*, municipality: Municipality, fiscal_year: int, language: str = "ja") -> bytes:
    """The council report: the year's figures against previous years, the charts, one page per product."""
    from negotiations.models import Product

    start, end = municipality.fiscal_year_bounds(fiscal_year)
    with translation.override(language):
        products = (
            Product.objects.filter(municipality=municipality, launch_date__gte=start, launch_date__lte=end)
            .select_related("negotiation__sme", "negotiation__company", "negotiation__terms")
            .prefetch_related("negotiation__seeds")
            .order_by("launch_date", "name")
        )
        summaries = tables.year_summaries(municipality=municipality, fiscal_year=fiscal_year)
        funnel = kpis.funnel(municipality=municipality)
        context = {
            "municipality": municipality,
            "fiscal_year": fiscal_year,
            "summary": summaries[-1],
            "tables": tables.all_tables(
                municipality=municipality, fiscal_year=fiscal_year, summaries=summaries, funnel=funnel
            ),
            "results_chart": results_chart(municipality=municipality, fiscal_year=fiscal_year),
            "funnel_chart": funnel_chart(municipality=municipality, funnel=funnel),
            "products": products,
            "generated_at": timezone.localtime(),
            "LANGUAGE_CODE": language,
        }
        return _render("reporting/annual_report.html", context)


def company_report_pdf(*, municipality: Municipality, company, language: str = "ja") -> bytes:
    """What a large company's participation returned: its seeds, interest, meetings, licences, products."""
    from negotiations.models import Negotiation, Product

    with translation.override(language):
        row = next(
            (r for r in kpis.per_company(municipality=municipality) if r["company_id"] == company.pk), None
        )
        negotiations = (
            Negotiation.objects.filter(municipality=municipality, company=company)
            .select_related("sme")
            .order_by("-created_at")
        )
        products = Product.objects.filter(
            municipality=municipality, negotiation__company=company
        ).select_related("negotiation__sme")
        context = {
            "municipality": municipality,
            "company": company,
            "row": row,
            "negotiations": negotiations,
            "products": products,
            "generated_at": timezone.localtime(),
            "LANGUAGE_CODE": language,
        }
        return _render("reporting/company_report.html", context)
