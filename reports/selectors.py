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

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from kawasaki.models import Municipality, Role, User
from kawasaki.selectors import membership_in
from matching.models import Decision, Meeting, MeetingKind, MeetingStatus, Participant, ScreeningCandidate
from negotiations.models import (
    EntryKind,
    Negotiation,
    Product,
    TimelineEntry,
)
from negotiations.selectors import licences_counted, meetings_counted, products_counted
from patents.models import LargeCompany, Patent, PublicationState
from smes.models import SME, SeedInterest, Visit
from subsidies.models import Application, ApplicationStatus

from .models import CaseStudy, Figure, KpiTarget, ProductSales

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


def _by_fiscal_year(municipality: Municipality, dates) -> YearSeries:
    counter = Counter(municipality.fiscal_year_of(d) for d in dates if d is not None)
    return YearSeries(dict(counter))


def licences_by_year(*, municipality: Municipality) -> YearSeries:
    dates = licences_counted(municipality=municipality).values_list("signed_on", flat=True)
    return _by_fiscal_year(municipality, dates)


def products_by_year(*, municipality: Municipality) -> YearSeries:
    dates = products_counted(municipality=municipality).values_list("launch_date", flat=True)
    return _by_fiscal_year(municipality, dates)


def funnel(*, municipality: Municipality) -> list[dict]:
    """Per pipeline stage: negotiations that reached it, conversion to the next, median days spent in it."""
    index = {state: i for i, state in enumerate(PIPELINE)}
    negotiations = {
        n["pk"]: n
        for n in Negotiation.objects.filter(municipality=municipality).values("pk", "state", "created_at")
    }
    furthest = {pk: index.get(n["state"], 0) for pk, n in negotiations.items()}
    durations: dict[str, list[float]] = defaultdict(list)
    entries = (
        TimelineEntry.objects.filter(municipality=municipality, kind=EntryKind.STATE_CHANGE)
        .values("negotiation_id", "from_state", "to_state", "created_at")
        .order_by("negotiation_id", "created_at", "pk")
    )
    last_change: dict[int, dt.datetime] = {}
    for e in entries:
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


def meetings_held_by_kind(*, municipality: Municipality, fiscal_year: int) -> dict[str, int]:
    start, end = municipality.fiscal_year_bounds(fiscal_year)
    counts = dict.fromkeys(MeetingKind.values, 0)
    rows = (
        meetings_counted(municipality=municipality)
        .filter(starts_at__date__gte=start, starts_at__date__lte=end)
        .values("kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        counts[row["kind"]] = row["n"]
    return counts


def year_summary(
    *,
    municipality: Municipality,
    fiscal_year: int,
    licences: YearSeries | None = None,
    products: YearSeries | None = None,
) -> dict:
    """The headline figures of one fiscal year. A caller summarising several years passes the
    licence and product series, which cover every year, so that they are read once."""
    if licences is None:
        licences = licences_by_year(municipality=municipality)
    if products is None:
        products = products_by_year(municipality=municipality)
    start, end = municipality.fiscal_year_bounds(fiscal_year)
    in_year = {"__gte": start, "__lte": end}

    def between(prefix: str) -> dict:
        return {f"{prefix}{k}": v for k, v in in_year.items()}

    visits = Visit.objects.filter(municipality=municipality, **between("visited_on"))
    applications = Application.objects.filter(municipality=municipality)
    submitted = applications.filter(**between("submitted_on"))
    applied = submitted.exclude(status=ApplicationStatus.WITHDRAWN)
    granted = applications.filter(
        status__in=[ApplicationStatus.GRANTED, ApplicationStatus.RESULT_REPORTED], **between("decided_on")
    )
    active_smes = SME.objects.filter(municipality=municipality).filter(
        Q(pk__in=visits.values("sme_id"))
        | Q(
            pk__in=Negotiation.objects.filter(
                municipality=municipality, **between("created_at__date")
            ).values("sme_id")
        )
        | Q(pk__in=submitted.values("sme_id"))
    )
    return {
        "fiscal_year": fiscal_year,
        "licences": licences.per_year.get(fiscal_year, 0),
        "products": products.per_year.get(fiscal_year, 0),
        "meetings_held": meetings_held_by_kind(municipality=municipality, fiscal_year=fiscal_year),
        "visits": visits.count(),
        "seeds_published": Patent.objects.filter(
            municipality=municipality, publication_state=PublicationState.PUBLISHED
        ).count(),
        "seeds_screened": ScreeningCandidate.objects.filter(
            municipality=municipality, **between("run__created_at__date")
        )
        .values("patent_id")
        .distinct()
        .count(),
        "active_companies": LargeCompany.objects.filter(
            municipality=municipality, patents__publication_state=PublicationState.PUBLISHED
        )
        .distinct()
        .count(),
        "active_smes": active_smes.distinct().count(),
        # A withdrawn application was not applied for; its SME still counts as active above.
        "subsidies_applied": applied.count(),
        "subsidies_applied_yen": applied.aggregate(s=Sum("amount_requested_jpy"))["s"] or 0,
        "subsidies_granted": granted.count(),
        "subsidies_granted_yen": granted.aggregate(s=Sum("amount_granted_jpy"))["s"] or 0,
    }


def companies_reported(*, municipality: Municipality) -> QuerySet[LargeCompany]:
    """Every large company of the municipality, for the per-company reports."""
    return LargeCompany.objects.filter(municipality=municipality).order_by("name_ja")


def per_company(*, municipality: Municipality) -> list[dict]:
    """What each large company's participation returned, all years."""
    companies = LargeCompany.objects.filter(municipality=municipality).annotate(
        seeds=Count("patents", filter=Q(patents__publication_state=PublicationState.PUBLISHED), distinct=True)
    )

    def counts(qs, key: str) -> Counter:
        return Counter(dict(qs.values_list(key).annotate(n=Count("pk")).order_by()))

    interest = counts(SeedInterest.objects.filter(municipality=municipality), "patent__company_id")
    negotiations = counts(Negotiation.objects.filter(municipality=municipality), "company_id")
    held = Meeting.objects.filter(municipality=municipality, status=MeetingStatus.HELD)
    meetings = counts(held.exclude(company=None), "company_id")
    for company_id in held.filter(company=None).values_list("presenting_companies", flat=True):
        if company_id:
            meetings[company_id] += 1
    licences = counts(licences_counted(municipality=municipality), "negotiation__company_id")
    products = counts(products_counted(municipality=municipality), "negotiation__company_id")
    return [
        {
            "company_id": c.pk,
            "company": str(c),
            "seeds_published": c.seeds,
            "interest_received": interest[c.pk] + negotiations[c.pk],
            "meetings": meetings[c.pk],
            "licences": licences[c.pk],
            "products": products[c.pk],
        }
        for c in companies.order_by("name_ja")
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
    return dict(
        KpiTarget.objects.filter(municipality=municipality, fiscal_year=fiscal_year).values_list(
            "figure", "target"
        )
    )


def year_funnel(*, municipality: Municipality, fiscal_year: int) -> list[dict]:
    """The council's funnel of one fiscal year, in order: each figure's count, the conversion from the
    figure before it (None for the first, or when the one before is 0), its target and the share of the
    target reached (None without a target)."""
    start, end = municipality.fiscal_year_bounds(fiscal_year)
    counts: dict[str, int] = {
        Figure.VISITS: Visit.objects.filter(
            municipality=municipality, visited_on__gte=start, visited_on__lte=end
        ).count(),
        Figure.MATCHES: ScreeningCandidate.objects.filter(
            municipality=municipality,
            decision=Decision.SHORTLISTED,
            decided_at__date__gte=start,
            decided_at__date__lte=end,
        ).count(),
        Figure.MEETINGS: meetings_counted(municipality=municipality)
        .filter(starts_at__date__gte=start, starts_at__date__lte=end)
        .count(),
        Figure.NDAS: Negotiation.objects.filter(
            municipality=municipality, nda_signed_on__gte=start, nda_signed_on__lte=end
        ).count(),
        Figure.LICENCES: licences_counted(municipality=municipality)
        .filter(signed_on__gte=start, signed_on__lte=end)
        .count(),
        Figure.PRODUCTS: products_counted(municipality=municipality)
        .filter(launch_date__gte=start, launch_date__lte=end)
        .count(),
    }
    targets = kpi_targets(municipality=municipality, fiscal_year=fiscal_year)
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


def _first_meetings(municipality: Municipality) -> dict[tuple[int, int], dt.date]:
    """(SME, company) → the day of the first held meeting the SME attended with the company (the
    meeting's company, or a presenting company of a symposium)."""
    attended = Participant.objects.filter(
        municipality=municipality, attended=True, meeting__status=MeetingStatus.HELD
    )
    first: dict[tuple[int, int], dt.date] = {}
    rows = list(
        attended.exclude(meeting__company=None).values_list(
            "sme_id", "meeting__company_id", "meeting__starts_at"
        )
    )
    rows += list(
        attended.filter(meeting__company=None)
        .exclude(meeting__presenting_companies=None)
        .values_list("sme_id", "meeting__presenting_companies", "meeting__starts_at")
    )
    for sme_id, company_id, starts_at in rows:
        day = timezone.localtime(starts_at).date()
        key = (sme_id, company_id)
        if key not in first or day < first[key]:
            first[key] = day
    return first


def meeting_to_licence(*, municipality: Municipality, fiscal_year: int) -> dict:
    """Days from the first meeting to the licence, for the licences signed in the fiscal year."""
    start, end = municipality.fiscal_year_bounds(fiscal_year)
    licences = (
        licences_counted(municipality=municipality)
        .filter(signed_on__gte=start, signed_on__lte=end)
        .values_list("negotiation__sme_id", "negotiation__company_id", "signed_on")
    )
    first = _first_meetings(municipality)
    days = []
    without = 0
    for sme_id, company_id, signed_on in licences:
        met = first.get((sme_id, company_id))
        if met is None or met > signed_on:
            without += 1
        else:
            days.append((signed_on - met).days)
    return {
        "licences": len(days) + without,
        "median_days": statistics.median(days) if days else None,
        "without_meeting": without,
    }


def sales_summary(*, municipality: Municipality, fiscal_year: int) -> dict:
    """The sales reported for a fiscal year, their royalty base and running royalty, and the products
    launched by the year's end without a report for it."""
    _start, end = municipality.fiscal_year_bounds(fiscal_year)
    reports = list(
        ProductSales.objects.filter(municipality=municipality, fiscal_year=fiscal_year).select_related(
            "product__negotiation__terms"
        )
    )
    royalty = Decimal(0)
    for report in reports:
        terms = getattr(report.product.negotiation, "terms", None)
        if terms is not None:
            royalty += Decimal(report.royalty_base_yen) * terms.royalty_percent / 100
    launched = Product.objects.filter(municipality=municipality, launch_date__lte=end)
    return {
        "products_reported": len(reports),
        "products_not_reported": launched.exclude(pk__in=[r.product_id for r in reports]).count(),
        "sales_yen": sum(r.sales_yen for r in reports),
        "royalty_base_yen": sum(r.royalty_base_yen for r in reports),
        "royalty_yen": int(royalty.quantize(Decimal(1), rounding=ROUND_HALF_UP)),
    }


def council_figures(*, municipality: Municipality, fiscal_year: int) -> dict:
    """What the council asks for in one fiscal year: the funnel against its targets, the time from
    first meeting to licence, and the sales follow-up."""
    return {
        "funnel": year_funnel(municipality=municipality, fiscal_year=fiscal_year),
        "meeting_to_licence": meeting_to_licence(municipality=municipality, fiscal_year=fiscal_year),
        "sales": sales_summary(municipality=municipality, fiscal_year=fiscal_year),
    }


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
