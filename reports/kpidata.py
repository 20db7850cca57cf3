"""The records behind the KPIs, read once per table: every figure of the KPI page and the annual report
is computed from these rows, so a page makes the same few queries whatever the number of records
(one per table, each on first use; issue 13: at most 15 a page).

The rules of what the KPIs count are the negotiations app's (`licences_counted`, `products_counted`,
`meetings_counted`, `kpi_exclusions`); here they are applied to rows already read, and
tests/reports/test_kpidata.py checks that both give the same records.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.core.cache import cache
from django.db.models import Count, F, FilteredRelation, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from kawasaki.models import Municipality
from matching.models import Decision, Meeting, MeetingStatus, ScreeningCandidate
from matching.selectors import candidates_version
from negotiations.models import EntryKind, Negotiation, Product, State, TimelineEntry
from negotiations.selectors import LICENCE_COUNTED_STATES
from patents.models import LargeCompany
from patents.selectors import published_counts_by_company
from smes.models import SeedInterest, Visit
from subsidies.models import Application

from .models import CaseStudy, KpiTarget, ProductSales

# The summaries cover this many fiscal years up to the report's year (the table "against previous years").
SUMMARY_YEARS = 5


@dataclass(frozen=True)
class HeldMeeting:
    """A meeting marked held: its kind, day (Asia/Tokyo), company or presenting companies, attendees."""

    pk: int
    kind: str
    day: dt.date
    company_id: int | None
    presenting: frozenset[int]
    attended: frozenset[int]

    @property
    def companies(self) -> frozenset[int]:
        """The companies the meeting was held with: its own, or a symposium's presenting ones."""
        return frozenset({self.company_id}) if self.company_id else self.presenting


def _rows(values: Iterable[Any]) -> list[dict[str, Any]]:
    """A `.values()` queryset's rows as plain dicts (to add computed keys)."""
    return [dict(row) for row in values]


class KpiData:
    """The KPI records of one municipality, as seen on `today`, for a report of `fiscal_year`."""

    def __init__(
        self, *, municipality: Municipality, fiscal_year: int | None = None, today: dt.date | None = None
    ):
        self.municipality = municipality
        self.today = today or timezone.localdate()
        self.fiscal_year = fiscal_year if fiscal_year is not None else municipality.fiscal_year_of(self.today)
        self.years = list(range(self.fiscal_year - SUMMARY_YEARS + 1, self.fiscal_year + 1))

    def bounds(self, fiscal_year: int) -> tuple[dt.date, dt.date]:
        return self.municipality.fiscal_year_bounds(fiscal_year)

    def in_year(self, day: dt.date | None, fiscal_year: int) -> bool:
        start, end = self.bounds(fiscal_year)
        return day is not None and start <= day <= end

    # --- one query each ------------------------------------------------------------------------------

    @cached_property
    def negotiations(self) -> list[dict[str, Any]]:
        """Every deal with its licence terms' date and rate (None without terms)."""
        rows = _rows(
            Negotiation.objects.filter(municipality=self.municipality)
            .values(
                "pk",
                "state",
                "created_at",
                "sme_id",
                "company_id",
                "nda_signed_on",
                signed_on=F("terms__signed_on"),
                royalty_percent=F("terms__royalty_percent"),
            )
            .order_by("pk")
        )
        for row in rows:
            row["opened_on"] = timezone.localtime(row["created_at"]).date()
        return rows

    @cached_property
    def products(self) -> list[Any]:
        """Every product with its deal, SME, company and terms; the sales reported for the report's year
        (`fy_sales`, `fy_base`, None without a report) and the English case study (`case_title_en`,
        `case_text_en`)."""
        sales = ProductSales.objects.filter(product=OuterRef("pk"), fiscal_year=self.fiscal_year)
        case = CaseStudy.objects.filter(product=OuterRef("pk"))
        return list(
            Product.objects.filter(municipality=self.municipality)
            .select_related("negotiation__sme", "negotiation__company", "negotiation__terms")
            .annotate(
                fy_sales=Subquery(sales.values("sales_yen")[:1]),
                fy_base=Subquery(sales.values("royalty_base_yen")[:1]),
                case_title_en=Subquery(case.values("title_en")[:1]),
                case_text_en=Subquery(case.values("text_en")[:1]),
            )
            .order_by("launch_date", "name", "pk")
        )

    @cached_property
    def meetings(self) -> list[HeldMeeting]:
        """Every meeting marked held (one row per presenting company × attending SME, folded here)."""
        rows = (
            Meeting.objects.filter(municipality=self.municipality, status=MeetingStatus.HELD)
            .annotate(present=FilteredRelation("participants", condition=Q(participants__attended=True)))
            .values("pk", "kind", "starts_at", "company_id", "presenting_companies", "present__sme_id")
            .order_by("pk")
        )
        found: dict[int, dict] = {}
        for row in rows:
            meeting = found.setdefault(
                row["pk"],
                {
                    "kind": row["kind"],
                    "day": timezone.localtime(row["starts_at"]).date(),
                    "company_id": row["company_id"],
                    "presenting": set(),
                    "attended": set(),
                },
            )
            if row["presenting_companies"]:
                meeting["presenting"].add(row["presenting_companies"])
            if row["present__sme_id"]:
                meeting["attended"].add(row["present__sme_id"])
        return [
            HeldMeeting(
                pk=pk,
                kind=m["kind"],
                day=m["day"],
                company_id=m["company_id"],
                presenting=frozenset(m["presenting"]),
                attended=frozenset(m["attended"]),
            )
            for pk, m in found.items()
        ]

    @cached_property
    def visits(self) -> list[tuple[dt.date, int]]:
        """(day, SME) of every coordinator visit."""
        return list(Visit.objects.filter(municipality=self.municipality).values_list("visited_on", "sme_id"))

    @cached_property
    def state_changes(self) -> list[dict[str, Any]]:
        """Every deal's state changes, in order."""
        return _rows(
            TimelineEntry.objects.filter(municipality=self.municipality, kind=EntryKind.STATE_CHANGE)
            .values("negotiation_id", "from_state", "to_state", "created_at")
            .order_by("negotiation_id", "created_at", "pk")
        )

    @cached_property
    def companies(self) -> list[Any]:
        """Every large company by name, with its published seeds (`seeds`) and the SMEs' interest in
        them (`interest`). The seed counts come from patents' cached per-company counts (a GROUP BY
        over every seed otherwise: about 100 ms at 100,000 seeds), kept until the seeds change."""
        interest = (
            SeedInterest.objects.filter(patent__company=OuterRef("pk"))
            .order_by()
            .values("patent__company")
            .annotate(n=Count("pk"))
            .values("n")[:1]
        )
        seeds = published_counts_by_company(municipality=self.municipality)
        companies = list(
            LargeCompany.objects.filter(municipality=self.municipality)
            .annotate(interest=Coalesce(Subquery(interest, output_field=IntegerField()), Value(0)))
            .order_by("name_ja")
        )
        for company in companies:
            company.seeds = seeds.get(company.pk, 0)  # type: ignore[attr-defined]
        return companies

    @cached_property
    def screening(self) -> dict[str, int]:
        """Seeds screened in each summary year (`screened_<year>`) and the matches (candidates
        shortlisted) of the report's year (`matches`)."""
        figures = {}
        for year in self.years:
            start, end = self.bounds(year)
            figures[f"screened_{year}"] = Count(
                "patent",
                distinct=True,
                filter=Q(run__created_at__date__gte=start, run__created_at__date__lte=end),
            )
        start, end = self.bounds(self.fiscal_year)
        figures["matches"] = Count(
            "pk",
            filter=Q(decision=Decision.SHORTLISTED, decided_at__date__gte=start, decided_at__date__lte=end),
        )
        # Read over every candidate of every run (10,000 a portfolio run): cached until a run or a
        # decision of the municipality changes (matching.selectors.candidates_changed).
        key = (
            f"reports:screening:{candidates_version(municipality=self.municipality)}:"
            f"{self.fiscal_year}:{','.join(map(str, self.years))}"
        )
        cached = cache.get(key)
        if cached is None:
            cached = ScreeningCandidate.objects.filter(municipality=self.municipality).aggregate(**figures)
            cache.set(key, cached, timeout=24 * 3600)
        return cached

    @cached_property
    def applications(self) -> list[dict[str, Any]]:
        """Every subsidy application's SME, status, dates and amounts."""
        return _rows(
            Application.objects.filter(municipality=self.municipality).values(
                "sme_id", "status", "submitted_on", "decided_on", "amount_requested_jpy", "amount_granted_jpy"
            )
        )

    @cached_property
    def targets(self) -> dict[str, int]:
        """The targets set for the report's year, by figure."""
        return dict(
            KpiTarget.objects.filter(
                municipality=self.municipality, fiscal_year=self.fiscal_year
            ).values_list("figure", "target")
        )

    # --- what the KPIs count (negotiations.selectors' rules, on the rows above) -------------------------

    @cached_property
    def licences(self) -> list[dict[str, Any]]:
        """The deals whose licence the KPIs count."""
        return [
            row for row in self.negotiations if row["signed_on"] is not None and self._licence_counted(row)
        ]

    def _licence_counted(self, row: dict[str, Any]) -> bool:
        return (
            row["state"] in LICENCE_COUNTED_STATES
            and row["signed_on"] <= self.today
            and not (row["nda_signed_on"] is not None and row["nda_signed_on"] > row["signed_on"])
        )

    def _product_counted(self, product: Product) -> bool:
        terms = getattr(product.negotiation, "terms", None)
        return (
            product.negotiation.state == State.LAUNCHED
            and product.launch_date <= self.today
            and not (terms is not None and terms.signed_on > product.launch_date)
        )

    @cached_property
    def products_counted(self) -> list[Any]:
        """The products the KPIs count."""
        return [p for p in self.products if self._product_counted(p)]

    @cached_property
    def meetings_counted(self) -> list[HeldMeeting]:
        """The held meetings the KPIs count (started by today)."""
        return [m for m in self.meetings if m.day <= self.today]

    def exclusion_counts(self) -> dict[str, int]:
        """What `negotiations.selectors.kpi_exclusions` counts, from the rows already read."""
        terms = [row for row in self.negotiations if row["signed_on"] is not None]
        counts = dict.fromkeys(
            (
                "terms_reopened",
                "terms_future",
                "terms_before_nda",
                "products_reopened",
                "products_future",
                "products_before_licence",
            ),
            0,
        )
        for row in terms:
            counts["terms_reopened"] += row["state"] not in LICENCE_COUNTED_STATES
            counts["terms_future"] += row["signed_on"] > self.today
            counts["terms_before_nda"] += (
                row["nda_signed_on"] is not None and row["nda_signed_on"] > row["signed_on"]
            )
        for product in self.products:
            terms_of = getattr(product.negotiation, "terms", None)
            counts["products_reopened"] += product.negotiation.state != State.LAUNCHED
            counts["products_future"] += product.launch_date > self.today
            counts["products_before_licence"] += (
                terms_of is not None and terms_of.signed_on > product.launch_date
            )
        counts["held_early"] = sum(1 for m in self.meetings if m.day > self.today)
        return counts

    def royalty_of(self, product: Product) -> Decimal | None:
        terms = getattr(product.negotiation, "terms", None)
        return terms.royalty_percent if terms is not None else None
