"""The report's tables: one definition feeds the page, the CSV / XLSX downloads and the PDF."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kawasaki.exports import neutralise
from kawasaki.models import Municipality
from negotiations.models import State

from . import selectors
from .kpidata import KpiData
from .models import Figure


@dataclass
class Table:
    name: str
    title: str
    headers: list[str]
    rows: list[list]


def state_label(state: str) -> str:
    return str(State(state).label)


def council_rows(*, municipality: Municipality, fiscal_year: int, data: KpiData | None = None) -> dict:
    """The council's figures of a year (selectors.council_figures), each funnel figure with its label
    in the active language (the page and the PDF)."""
    figures = selectors.council_figures(municipality=municipality, fiscal_year=fiscal_year, data=data)
    labels = dict(Figure.choices)
    for row in figures["funnel"]:
        row["label"] = str(labels[row["figure"]])
    return figures


def results_table(*, municipality: Municipality, last_year: int, data: KpiData | None = None) -> Table:
    licences = {
        r["fiscal_year"]: r
        for r in selectors.licences_by_year(municipality=municipality, data=data).rows(last=last_year)
    }
    products = {
        r["fiscal_year"]: r
        for r in selectors.products_by_year(municipality=municipality, data=data).rows(last=last_year)
    }
    years = sorted(y for y in set(licences) | set(products) if y <= last_year)
    empty = {"count": 0, "cumulative": 0}
    rows = []
    for y in years:
        lic, prod = licences.get(y, empty), products.get(y, empty)
        rows.append(
            [
                _("FY%(year)d") % {"year": y},
                lic["count"],
                lic["cumulative"],
                prod["count"],
                prod["cumulative"],
            ]
        )
    return Table(
        "results",
        _("Licences and products by fiscal year"),
        [
            _("Fiscal year"),
            _("Licences"),
            _("Licences (cumulative)"),
            pgettext("report", "Products"),
            _("Products (cumulative)"),
        ],
        rows,
    )


def funnel_table(*, municipality: Municipality, funnel: list[dict] | None = None) -> Table:
    rows = [
        [
            state_label(r["state"]),
            r["reached"],
            "" if r["conversion_to_next"] is None else f"{r['conversion_to_next'] * 100:.0f}%",
            "" if r["median_days"] is None else r["median_days"],
        ]
        for r in (selectors.funnel(municipality=municipality) if funnel is None else funnel)
    ]
    return Table(
        "funnel",
        _("Negotiation funnel, all deals to date"),
        [
            _("Stage"),
            _("Negotiations that reached it"),
            _("Conversion to the next stage"),
            _("Median days in stage"),
        ],
        rows,
    )


def companies_table(*, municipality: Municipality, data: KpiData | None = None) -> Table:
    data = data or KpiData(municipality=municipality)
    # The company's name in the report's language (the English report names it in English where it can).
    names = {c.pk: c.name for c in data.companies}
    rows = [
        [
            names.get(r["company_id"], r["company"]),
            r["seeds_published"],
            r["interest_received"],
            r["meetings"],
            r["licences"],
            r["products"],
        ]
        for r in selectors.per_company(municipality=municipality, data=data)
    ]
    return Table(
        "companies",
        _("Results per large company"),
        [
            _("Company"),
            _("Seeds published"),
            _("Interest received"),
            pgettext("report", "Meetings"),
            _("Licences"),
            pgettext("report", "Products"),
        ],
        rows,
    )


def year_summaries(
    *, municipality: Municipality, fiscal_year: int, data: KpiData | None = None
) -> list[dict]:
    """The summaries of the fiscal years up to `fiscal_year` (KpiData.years), oldest first."""
    data = data or KpiData(municipality=municipality, fiscal_year=fiscal_year)
    return [selectors.year_summary(municipality=municipality, fiscal_year=y, data=data) for y in data.years]


def summary_table(
    *, municipality: Municipality, fiscal_year: int, summaries: list[dict] | None = None
) -> Table:
    if summaries is None:
        summaries = year_summaries(municipality=municipality, fiscal_year=fiscal_year)
    lines = [
        (pgettext("report", "Licences signed"), lambda s: s["licences"]),
        (_("Products launched"), lambda s: s["products"]),
        (_("Symposiums held"), lambda s: s["meetings_held"]["symposium"]),
        (_("Closed meetings held"), lambda s: s["meetings_held"]["closed"]),
        (_("One-on-one meetings held"), lambda s: s["meetings_held"]["one_on_one"]),
        (_("Company visits"), lambda s: s["visits"]),
        (_("Seeds screened"), lambda s: s["seeds_screened"]),
        (_("Active SMEs"), lambda s: s["active_smes"]),
        (_("Subsidy applications"), lambda s: s["subsidies_applied"]),
        (_("Subsidies granted"), lambda s: s["subsidies_granted"]),
        (_("Subsidies granted (yen)"), lambda s: s["subsidies_granted_yen"]),
    ]
    # Years before the programme recorded anything are left out (a column of zeros reads as a year
    # the programme did nothing); the report's own year always stays.
    while len(summaries) > 1 and not any(get(summaries[0]) for _label, get in lines):
        summaries = summaries[1:]
    headers = [_("Figure")] + [_("FY%(year)d") % {"year": s["fiscal_year"]} for s in summaries]
    return Table(
        "summary",
        _("The year's figures against previous years"),
        headers,
        [[label, *[get(s) for s in summaries]] for label, get in lines],
    )


TABLE_NAMES = ("summary", "results", "funnel", "companies")


def all_tables(
    *,
    municipality: Municipality,
    fiscal_year: int,
    only: str | None = None,
    summaries: list[dict] | None = None,
    funnel: list[dict] | None = None,
    data: KpiData | None = None,
) -> dict[str, Table]:
    """The report's tables by name; `only` builds just that one (a download needs no other). Callers
    that also show the summaries or the funnel elsewhere pass them in so they are computed once, and
    the records (`data`) so that each table is read once."""
    data = data or KpiData(municipality=municipality, fiscal_year=fiscal_year)
    if summaries is None and only in (None, "summary"):
        summaries = year_summaries(municipality=municipality, fiscal_year=fiscal_year, data=data)
    if funnel is None and only in (None, "funnel"):
        funnel = selectors.funnel(municipality=municipality, data=data)
    builders = {
        "summary": lambda: summary_table(
            municipality=municipality, fiscal_year=fiscal_year, summaries=summaries
        ),
        "results": lambda: results_table(municipality=municipality, last_year=fiscal_year, data=data),
        "funnel": lambda: funnel_table(municipality=municipality, funnel=funnel),
        "companies": lambda: companies_table(municipality=municipality, data=data),
    }
    return {name: build() for name, build in builders.items() if only in (None, name)}


def _safe(value) -> object:
    """Numbers stay numbers; text that a spreadsheet would run as a formula is neutralised."""
    return value if isinstance(value, int | float) else neutralise(value)


def table_csv(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_safe(h) for h in table.headers])
    writer.writerows([[_safe(v) for v in row] for row in table.rows])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: Excel opens UTF-8 Japanese correctly


def table_xlsx(table: Table) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=table.name[:31])
    sheet.append([_safe(h) for h in table.headers])
    for row in table.rows:
        sheet.append([_safe(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
