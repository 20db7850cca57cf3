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
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum

from kawasaki.models import Municipality
from matching.models import Meeting, MeetingKind, MeetingStatus, ScreeningCandidate
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
