"""The reads behind the reports: the programme's figures, computed from the records (never typed in),
and the records the PDFs list. Every function starts from the municipality; fiscal years run April to
March (`Municipality.fiscal_year_of`).

Definitions (also in docs/kpis.md):
- licence: a negotiation's recorded licence terms, counted in the fiscal year of `signed_on`, while the
  deal is at or past "licence signed" and the dates agree (`negotiations.selectors.licences_counted`);
- product: a launched product record, counted in the fiscal year of `launch_date`, while its deal is
  launched and the dates agree (`negotiations.selectors.products_counted`); what the KPIs leave out,
  and why: `negotiations.selectors.kpi_exclusions` (shown on the KPI page);
- funnel: a negotiation "reached" a stage if its furthest stage so far is that stage or a later one;
  conversion is reached(next) / reached(stage); time in a stage is measured between state changes,
  for negotiations that have left the stage (median, in days);
- meetings held: meetings with status "held" that started by today, by kind, in the fiscal year of
  their start;
- visits: coordinator visits in the fiscal year of `visited_on`;
- seeds published: patents in state "published" now; seeds screened: distinct patents among
  screening candidates of runs started in the fiscal year;
- active companies: companies with at least one published seed; active SMEs: SMEs with a visit, a
  negotiation opened or a subsidy application submitted in the fiscal year;
- subsidies: applications submitted in the fiscal year (`submitted_on`), excluding withdrawn ones,
  with yen requested; granted
  ones (granted or result reported) by `decided_on`, with yen granted.
- the council's funnel of a fiscal year (`year_funnel`): visits (`visited_on`), matches (screening
  candidates shortlisted, by the day of the decision), meetings held (start), NDAs (`nda_signed_on`),
  licences (`signed_on`), products (`launch_date`); conversion is a figure over the one before it in the
  same year; each figure with the target the municipality set for the year (`KpiTarget`);
- meeting to licence: for each licence signed in the fiscal year, days from the first held meeting the
  SME attended with the licensing company (its own meeting, or a symposium where it presented) up to
  the signing date; the median, and how many licences had no such meeting;
- sales: the yearly sales the SMEs reported for the fiscal year (`ProductSales`), the royalty base, the
  running royalty on it (the licence's rate), and the products launched by the year's end that have no
  report for it.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import QuerySet

from kawasaki.models import Municipality, Role, User
from kawasaki.selectors import membership_in
from matching.models import MeetingKind
from negotiations.models import Negotiation, Product
from negotiations.selectors import kpi_exclusions, products_counted
from patents.models import LargeCompany, Patent
from subsidies.models import ApplicationStatus

from .kpidata import KpiData
from .models import CaseStudy, Figure, ProductSales

PIPELINE = [
    "interest",
    "introduced",
    "meeting_held",
    "nda_signed",
    "evaluation",
    "terms",
    "licence_signed",
    "prototype",
    "launched",
]


@dataclass
class YearSeries:
    """Counts per fiscal year, with the cumulative total, for every year from the first to `last`."""

    per_year: dict[int, int] = field(default_factory=dict)

    def rows(self, last: int | None = None) -> list[dict]:
        if not self.per_year:
            if last is None:
                return []
            first = last
        else:
            first = min(self.per_year)
        end = max([*self.per_year, last]) if last is not None else max(self.per_year)
        total = 0
        out = []
        for year in range(first, end + 1):
            total += self.per_year.get(year, 0)
            out.append({"fiscal_year": year, "count": self.per_year.get(year, 0), "cumulative": total})
        return out


def _data(municipality: Municipality, fiscal_year: int | None, data: KpiData | None) -> KpiData:
    """The records to compute from: the caller's (a page computing several figures reads each table
    once), or a fresh read for the one figure asked."""
    if data is not None:
        return data
    return KpiData(municipality=municipality, fiscal_year=fiscal_year)


def _by_fiscal_year(municipality: Municipality, dates) -> YearSeries:
    counter = Counter(municipality.fiscal_year_of(d) for d in dates if d is not None)
    return YearSeries(dict(counter))


def licences_by_year(*, municipality: Municipality, data: KpiData | None = None) -> YearSeries:
    data = _data(municipality, None, data)
    return _by_fiscal_year(municipality, [row["signed_on"] for row in data.licences])


def products_by_year(*, municipality: Municipality, data: KpiData | None = None) -> YearSeries:
    data = _data(municipality, None, data)
    return _by_fiscal_year(municipality, [p.launch_date for p in data.products_counted])


def funnel(*, municipality: Municipality, data: KpiData | None = None) -> list[dict]:
    """Per pipeline stage: negotiations that reached it, conversion to the next, median days spent in it."""
    data = _data(municipality, None, data)
    index = {state: i for i, state in enumerate(PIPELINE)}
    negotiations = {n["pk"]: n for n in data.negotiations}
    furthest = {pk: index.get(n["state"], 0) for pk, n in negotiations.items()}
    durations: dict[str, list[float]] = defaultdict(list)
    last_change: dict[int, dt.datetime] = {}
    for e in data.state_changes:
        pk = e["negotiation_id"]
        if pk not in negotiations:
            continue
        if e["to_state"] in index:
            furthest[pk] = max(furthest[pk], index[e["to_state"]])
        if e["from_state"] in index:
            entered = last_change.get(pk, negotiations[pk]["created_at"])
            durations[e["from_state"]].append((e["created_at"] - entered).total_seconds() / 86400)
        last_change[pk] = e["created_at"]
    reached = [sum(1 for f in furthest.values() if f >= i) for i in range(len(PIPELINE))]
    rows = []
    for i, state in enumerate(PIPELINE):
        nxt = reached[i + 1] if i + 1 < len(PIPELINE) else None
        rows.append(
            {
                "state": state,
                "reached": reached[i],
                "conversion_to_next": round(nxt / reached[i], 4) if nxt is not None and reached[i] else None,
                "median_days": round(statistics.median(durations[state]), 1) if durations[state] else None,
            }
        )
    return rows


def meetings_held_by_kind(
    *, municipality: Municipality, fiscal_year: int, data: KpiData | None = None
) -> dict[str, int]:
    data = _data(municipality, fiscal_year, data)
    counts = dict.fromkeys(MeetingKind.values, 0)
    for meeting in data.meetings_counted:
        if data.in_year(meeting.day, fiscal_year):
            counts[meeting.kind] = counts.get(meeting.kind, 0) + 1
    return counts


def year_summary(*, municipality: Municipality, fiscal_year: int, data: KpiData | None = None) -> dict:
    """The headline figures of one fiscal year. A caller summarising several years passes the records
    (`KpiData` of the last of them), so that each table is read once."""
    data = _data(municipality, fiscal_year, data)
    if fiscal_year not in data.years:
        data = KpiData(municipality=municipality, fiscal_year=fiscal_year, today=data.today)

    def within(day) -> bool:
        return data.in_year(day, fiscal_year)

    visits = [sme_id for day, sme_id in data.visits if within(day)]
    submitted = [a for a in data.applications if within(a["submitted_on"])]
    applied = [a for a in submitted if a["status"] != ApplicationStatus.WITHDRAWN]
    granted = [
        a
        for a in data.applications
        if a["status"] in (ApplicationStatus.GRANTED, ApplicationStatus.RESULT_REPORTED)
        and within(a["decided_on"])
    ]
    active_smes = (
        set(visits)
        | {n["sme_id"] for n in data.negotiations if within(n["opened_on"])}
        | {a["sme_id"] for a in submitted}
    )
    return {
        "fiscal_year": fiscal_year,
        "licences": sum(1 for row in data.licences if within(row["signed_on"])),
        "products": sum(1 for p in data.products_counted if within(p.launch_date)),
        "meetings_held": meetings_held_by_kind(municipality=municipality, fiscal_year=fiscal_year, data=data),
        "visits": len(visits),
        "seeds_published": sum(c.seeds for c in data.companies),
        "seeds_screened": data.screening[f"screened_{fiscal_year}"],
        "active_companies": sum(1 for c in data.companies if c.seeds),
        "active_smes": len(active_smes),
        # A withdrawn application was not applied for; its SME still counts as active above.
        "subsidies_applied": len(applied),
        "subsidies_applied_yen": sum(a["amount_requested_jpy"] or 0 for a in applied),
        "subsidies_granted": len(granted),
        "subsidies_granted_yen": sum(a["amount_granted_jpy"] or 0 for a in granted),
    }


def companies_reported(*, municipality: Municipality) -> QuerySet[LargeCompany]:
    """Every large company of the municipality, for the per-company reports."""
    return LargeCompany.objects.filter(municipality=municipality).order_by("name_ja")


def per_company(*, municipality: Municipality, data: KpiData | None = None) -> list[dict]:
    """What each large company's participation returned, all years (meetings: those the KPIs count)."""
    data = _data(municipality, None, data)
    negotiations = Counter(n["company_id"] for n in data.negotiations)
    meetings: Counter = Counter()
    for meeting in data.meetings_counted:
        meetings.update(meeting.companies)
    licences = Counter(row["company_id"] for row in data.licences)
    products = Counter(p.negotiation.company_id for p in data.products_counted)
    return [
        {
            "company_id": c.pk,
            "company": str(c),
            "seeds_published": c.seeds,
            "interest_received": c.interest + negotiations[c.pk],
            "meetings": meetings[c.pk],
            "licences": licences[c.pk],
            "products": products[c.pk],
        }
        for c in data.companies
    ]


def products_launched_in(*, municipality: Municipality, fiscal_year: int) -> QuerySet[Product]:
    """The products launched in the fiscal year, with their deal's SME, company, terms and seeds (the
    annual report's case pages)."""
    start, end = municipality.fiscal_year_bounds(fiscal_year)
    return (
        products_counted(municipality=municipality)
        .filter(launch_date__gte=start, launch_date__lte=end)
        .select_related("negotiation__sme", "negotiation__company", "negotiation__terms")
        .prefetch_related("negotiation__seeds")
        .order_by("launch_date", "name")
    )


def _prefixed(prefix: str, ordering) -> list[str]:
    return [f"-{prefix}{o[1:]}" if o.startswith("-") else f"{prefix}{o}" for o in ordering or ()]


def seeds_of_deals(*, deal_ids: list[int]) -> dict[int, list[Patent]]:
    """The seeds of some deals, by deal id, in the seeds' order (one query)."""
    through = Negotiation.seeds.through
    found: dict[int, list[Patent]] = defaultdict(list)
    rows = (
        through.objects.filter(negotiation_id__in=deal_ids)
        .select_related("patent")
        .order_by("negotiation_id", *_prefixed("patent__", Patent._meta.ordering), "patent_id")
        if deal_ids
        else []
    )
    for row in rows:
        found[row.negotiation_id].append(row.patent)
    return found


def negotiations_of_company(*, municipality: Municipality, company: LargeCompany) -> QuerySet[Negotiation]:
    """A large company's negotiations, newest first, with their SME (its report)."""
    return (
        Negotiation.objects.filter(municipality=municipality, company=company)
        .select_related("sme")
        .order_by("-created_at")
    )


def products_of_company(*, municipality: Municipality, company: LargeCompany) -> QuerySet[Product]:
    """The products made from a large company's licences, with their SME (its report)."""
    return Product.objects.filter(municipality=municipality, negotiation__company=company).select_related(
        "negotiation__sme"
    )


def kpi_targets(*, municipality: Municipality, fiscal_year: int) -> dict[str, int]:
    """The targets the municipality set for a fiscal year, by figure (figures without one are absent)."""
    return KpiData(municipality=municipality, fiscal_year=fiscal_year).targets


def year_funnel(*, municipality: Municipality, fiscal_year: int, data: KpiData | None = None) -> list[dict]:
    """The council's funnel of one fiscal year, in order: each figure's count, the conversion from the
    figure before it (None for the first, or when the one before is 0), its target and the share of the
    target reached (None without a target)."""
    data = _data(municipality, fiscal_year, data)
    if data.fiscal_year != fiscal_year:
        data = KpiData(municipality=municipality, fiscal_year=fiscal_year, today=data.today)

    def within(day) -> bool:
        return data.in_year(day, fiscal_year)

    counts: dict[str, int] = {
        Figure.VISITS: sum(1 for day, _sme in data.visits if within(day)),
        Figure.MATCHES: data.screening["matches"],
        Figure.MEETINGS: sum(1 for m in data.meetings_counted if within(m.day)),
        Figure.NDAS: sum(1 for n in data.negotiations if within(n["nda_signed_on"])),
        Figure.LICENCES: sum(1 for row in data.licences if within(row["signed_on"])),
        Figure.PRODUCTS: sum(1 for p in data.products_counted if within(p.launch_date)),
    }
    targets = data.targets
    rows = []
    previous: int | None = None
    for figure in Figure.values:
        count = counts[figure]
        target = targets.get(figure)
        rows.append(
            {
                "figure": figure,
                "count": count,
                "conversion": round(count / previous, 4) if previous else None,
                "target": target,
                "target_reached": round(count / target, 4) if target else None,
            }
        )
        previous = count
    return rows


def _first_meetings(data: KpiData) -> dict[tuple[int, int], dt.date]:
    """(SME, company) → the day of the first held meeting the SME attended with the company (the
    meeting's company, or a presenting company of a symposium)."""
    first: dict[tuple[int, int], dt.date] = {}
    for meeting in data.meetings:
        for sme_id in meeting.attended:
            for company_id in meeting.companies:
                key = (sme_id, company_id)
                if key not in first or meeting.day < first[key]:
                    first[key] = meeting.day
    return first


def meeting_to_licence(*, municipality: Municipality, fiscal_year: int, data: KpiData | None = None) -> dict:
    """Days from the first meeting to the licence, for the licences signed in the fiscal year."""
    data = _data(municipality, fiscal_year, data)
    first = _first_meetings(data)
    days = []
    without = 0
    for row in data.licences:
        if not data.in_year(row["signed_on"], fiscal_year):
            continue
        met = first.get((row["sme_id"], row["company_id"]))
        if met is None or met > row["signed_on"]:
            without += 1
        else:
            days.append((row["signed_on"] - met).days)
    return {
        "licences": len(days) + without,
        "median_days": statistics.median(days) if days else None,
        "without_meeting": without,
    }


def sales_summary(*, municipality: Municipality, fiscal_year: int, data: KpiData | None = None) -> dict:
    """The sales reported for a fiscal year, their royalty base and running royalty, and the products
    launched by the year's end without a report for it."""
    data = _data(municipality, fiscal_year, data)
    if data.fiscal_year != fiscal_year:
        data = KpiData(municipality=municipality, fiscal_year=fiscal_year, today=data.today)
    _start, end = data.bounds(fiscal_year)
    reported = [p for p in data.products if p.fy_sales is not None]
    royalty = Decimal(0)
    for product in reported:
        rate = data.royalty_of(product)
        if rate is not None:
            royalty += Decimal(product.fy_base) * rate / 100
    return {
        "products_reported": len(reported),
        "products_not_reported": sum(1 for p in data.products if p.launch_date <= end and p.fy_sales is None),
        "sales_yen": sum(p.fy_sales for p in reported),
        "royalty_base_yen": sum(p.fy_base for p in reported),
        "royalty_yen": int(royalty.quantize(Decimal(1), rounding=ROUND_HALF_UP)),
    }


def council_figures(*, municipality: Municipality, fiscal_year: int, data: KpiData | None = None) -> dict:
    """What the council asks for in one fiscal year: the funnel against its targets, the time from
    first meeting to licence, and the sales follow-up."""
    data = _data(municipality, fiscal_year, data)
    return {
        "funnel": year_funnel(municipality=municipality, fiscal_year=fiscal_year, data=data),
        "meeting_to_licence": meeting_to_licence(
            municipality=municipality, fiscal_year=fiscal_year, data=data
        ),
        "sales": sales_summary(municipality=municipality, fiscal_year=fiscal_year, data=data),
    }


def exclusions(*, municipality: Municipality, data: KpiData | None = None) -> list:
    """What the KPIs leave out, and why (`negotiations.selectors.kpi_exclusions`), from the records read."""
    data = _data(municipality, None, data)
    return kpi_exclusions(municipality=municipality, today=data.today, counts=data.exclusion_counts())


def products_with_sales_visible_to(*, user: User, municipality: Municipality) -> QuerySet[Product]:
    """The launched products whose sales a user may see: coordinators all, an SME member its SME's,
    company staff those made under their company's licences; nobody else any."""
    products = Product.objects.filter(municipality=municipality).select_related(
        "negotiation__sme", "negotiation__company", "negotiation__terms"
    )
    membership = membership_in(user=user, municipality=municipality)
    if membership is None:
        return products.none()
    if membership.role in (Role.MUNICIPALITY_ADMIN, Role.COORDINATOR):
        return products.order_by("-launch_date", "name")
    if membership.role == Role.SME_MEMBER and membership.sme_id:
        return products.filter(negotiation__sme_id=membership.sme_id).order_by("-launch_date", "name")
    if membership.role == Role.COMPANY_STAFF and membership.company_id:
        return products.filter(negotiation__company_id=membership.company_id).order_by("-launch_date", "name")
    return products.none()


def sales_of_product(*, product: Product) -> QuerySet[ProductSales]:
    """A product's yearly sales reports, latest year first."""
    return ProductSales.objects.filter(municipality=product.municipality, product=product).order_by(
        "-fiscal_year"
    )


def latest_sales(*, products: list[Product]) -> dict[int, ProductSales]:
    """Each product's latest yearly sales report, by product id (products without one are absent)."""
    latest: dict[int, ProductSales] = {}
    for report in ProductSales.objects.filter(product__in=products).order_by("product_id", "fiscal_year"):
        latest[report.product_id] = report
    return latest


def case_study_of(*, product: Product) -> CaseStudy | None:
    """The English case study of a product, if one was written."""
    return CaseStudy.objects.filter(municipality=product.municipality, product=product).first()


def case_studies_by_product(*, products) -> dict[int, CaseStudy]:
    """The English case studies of some products, by product id."""
    return {c.product_id: c for c in CaseStudy.objects.filter(product__in=products)}
