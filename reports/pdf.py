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
from .kpidata import KpiData

STYLESHEET = "reports/report-print.css"


def results_chart(*, municipality: Municipality, fiscal_year: int, data: KpiData | None = None) -> SafeString:
    table = tables.results_table(municipality=municipality, last_year=fiscal_year, data=data)
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
        [(tables.state_label(r["state"]), r["reached"]) for r in rows],
        title=_("Negotiation funnel, all deals to date"),
    )


def case_studies(
    *, municipality: Municipality, fiscal_year: int, language: str, data: KpiData | None = None
) -> list[dict]:
    """The annual report's case pages: one per product launched in the year, in the report's language.
    In English, a case with no English text written shows the Japanese one, marked `japanese_only`."""
    data = data or KpiData(municipality=municipality, fiscal_year=fiscal_year)
    products = [p for p in data.products_counted if data.in_year(p.launch_date, fiscal_year)]
    english = language.startswith("en")
    seeds = selectors.seeds_of_deals(deal_ids=[p.negotiation_id for p in products])
    cases = []
    for product in products:
        deal = product.negotiation
        translated = english and bool(product.case_text_en)
        cases.append(
            {
                "title": (product.case_title_en or product.name) if translated else product.name,
                "text": product.case_text_en if translated else product.description,
                "japanese_only": english and not translated,
                "sme": deal.sme.name,
                "company": deal.company.name,
                # Seed titles are written in Japanese; the English report names the seeds by number.
                "seeds": [seed.number if english else str(seed) for seed in seeds.get(deal.pk, [])],
                "licence": getattr(deal, "terms", None),
                "launch_date": product.launch_date,
                "price_yen": product.price_yen,
                "source_note": product.source_note,
            }
        )
    return cases


def annual_report_pdf(*, municipality: Municipality, fiscal_year: int, language: str = "ja") -> bytes:
    """The council report: the year's figures against previous years, the charts, one page per product.
    Every figure comes from one read of the records (KpiData)."""
    # The tables and charts carry translated labels: build them in the report's language too.
    with translation.override(language):
        data = KpiData(municipality=municipality, fiscal_year=fiscal_year)
        summaries = tables.year_summaries(municipality=municipality, fiscal_year=fiscal_year, data=data)
        funnel = selectors.funnel(municipality=municipality, data=data)
        context = {
            "municipality": municipality,
            "fiscal_year": fiscal_year,
            "summary": summaries[-1],
            "tables": tables.all_tables(
                municipality=municipality,
                fiscal_year=fiscal_year,
                summaries=summaries,
                funnel=funnel,
                data=data,
            ),
            "results_chart": results_chart(municipality=municipality, fiscal_year=fiscal_year, data=data),
            "funnel_chart": funnel_chart(municipality=municipality, funnel=funnel),
            "cases": case_studies(
                municipality=municipality, fiscal_year=fiscal_year, language=language, data=data
            ),
            "council": tables.council_rows(municipality=municipality, fiscal_year=fiscal_year, data=data),
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
