"""Reads of the patents app. Pages, the API, exports and other apps (SME seed browsing) call these."""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from kawasaki.models import Municipality, Role, User
from kawasaki.selectors import membership_in

from .models import (
    FIT_FIELDS,
    CompanyAlias,
    LargeCompany,
    Patent,
    PatentAttachment,
    PortfolioImport,
    PublicationState,
    _add_months,
    company_name_key,
    expiry_warning_months,
)


def published_seeds(*, municipality: Municipality) -> QuerySet[Patent]:
    """The seeds a company has published to SMEs in this municipality, with their company."""
    return Patent.objects.filter(
        municipality=municipality, publication_state=PublicationState.PUBLISHED
    ).select_related("company")


def patents_visible_to(*, user: User, municipality: Municipality) -> QuerySet[Patent]:
    """The patents a user may see: coordinators all of the municipality, company IP staff their own
    company's (whatever the state), SME members only published seeds, anyone else none."""
    membership = membership_in(user=user, municipality=municipality)
    if membership is None:
        return Patent.objects.none()
    base = Patent.objects.filter(municipality=municipality).select_related("company")
    if membership.role in (Role.MUNICIPALITY_ADMIN, Role.COORDINATOR):
        return base
    if membership.role == Role.COMPANY_STAFF:
        if membership.company_id is None:
            return Patent.objects.none()
        return base.filter(company_id=membership.company_id)
    if membership.role == Role.SME_MEMBER:
        return base.filter(publication_state=PublicationState.PUBLISHED)
    return Patent.objects.none()


def attachments_visible_to(*, user: User, municipality: Municipality) -> QuerySet[PatentAttachment]:
    """Attachments of the seeds the user may see (patents_visible_to): an SME member gets only those
    of published seeds, company IP staff those of their company's seeds."""
    return (
        PatentAttachment.objects.filter(
            municipality=municipality, patent__in=patents_visible_to(user=user, municipality=municipality)
        )
        .select_related("patent", "uploaded_by")
        .order_by("kind", "created_at", "id")
    )


def patents_curatable_by(*, user: User, municipality: Municipality) -> QuerySet[Patent]:
    """The patents a user may edit and publish: coordinators all, company IP staff their company's."""
    membership = membership_in(user=user, municipality=municipality)
    if membership is None or membership.role == Role.SME_MEMBER:
        return Patent.objects.none()
    return patents_visible_to(user=user, municipality=municipality)


def companies_visible_to(*, user: User, municipality: Municipality) -> QuerySet[LargeCompany]:
    """Coordinators see every large company of the municipality, company IP staff their own."""
    membership = membership_in(user=user, municipality=municipality)
    if membership is None:
        return LargeCompany.objects.none()
    base = LargeCompany.objects.filter(municipality=municipality)
    if membership.role in (Role.MUNICIPALITY_ADMIN, Role.COORDINATOR):
        return base
    if membership.role == Role.COMPANY_STAFF and membership.company_id is not None:
        return base.filter(pk=membership.company_id)
    return LargeCompany.objects.none()


def companies_with_counts(*, user: User, municipality: Municipality) -> list[LargeCompany]:
    """Visible companies with their number of patents (`patent_count`) and of published seeds
    (`published_count`): the counts from the cached per-company counts (a join over every seed
    otherwise: 36 ms at 100,000 seeds), in name order."""
    companies = list(companies_visible_to(user=user, municipality=municipality).order_by("name_ja", "pk"))
    return attach_seed_counts(companies, user=user, municipality=municipality)


def attach_seed_counts(companies: list[LargeCompany], *, user: User, municipality: Municipality):
    """Set `patent_count` and `published_count` (what this user may see) on each company."""
    visible = patents_visible_to(user=user, municipality=municipality)
    every = counts_by_company(visible, municipality=municipality)
    published = counts_by_company(
        visible.filter(publication_state=PublicationState.PUBLISHED), municipality=municipality
    )
    for company in companies:
        company.patent_count = every.get(company.pk, 0)  # type: ignore[attr-defined]
        company.published_count = published.get(company.pk, 0)  # type: ignore[attr-defined]
    return companies


def companies_with_published_seeds(*, municipality: Municipality) -> QuerySet[LargeCompany]:
    """Companies that have at least one published seed: what SMEs may filter by (a semi-join that
    stops at each company's first published seed, not a join over all of them)."""
    published = Patent.objects.filter(company=OuterRef("pk"), publication_state=PublicationState.PUBLISHED)
    return LargeCompany.objects.filter(municipality=municipality).filter(Exists(published))


def company_by_name(*, municipality: Municipality, name: str) -> LargeCompany | None:
    """The company a name (or any alias of it) stands for: "GOOGLE INC." finds "Google Inc."."""
    key = company_name_key(name)
    if not key:
        return None
    alias = CompanyAlias.objects.filter(municipality=municipality, key=key).select_related("company").first()
    return alias.company if alias is not None else None


def imports_visible_to(*, user: User, municipality: Municipality) -> QuerySet[PortfolioImport]:
    """Portfolio imports of the companies the user may see, newest first."""
    companies = companies_visible_to(user=user, municipality=municipality)
    return PortfolioImport.objects.filter(municipality=municipality, company__in=companies).select_related(
        "company", "uploaded_by"
    )


@dataclass
class PatentFilters:
    """The filters of the portfolio list, shared by the page, the API and exports."""

    q: str = ""
    company: int | None = None
    ipc: str = ""
    legal_status: str = ""
    publication_state: str = ""
    fit_yes: tuple[str, ...] = ()
    expiry: str = ""  # "expired", "expiring", "valid"
    needs_completion: bool = False


def filter_patents(queryset: QuerySet[Patent], filters: PatentFilters, *, today: dt.date | None = None):
    """Apply the list filters to a queryset from patents_visible_to()."""
    qs = queryset
    if filters.q:
        for word in filters.q.split()[:8]:
            qs = qs.filter(
                Q(title__icontains=word)
                | Q(abstract__icontains=word)
                | Q(plain_summary__icontains=word)
                | Q(number__icontains=word)
            )
    if filters.company:
        qs = qs.filter(company_id=filters.company)
    if filters.ipc:
        code = filters.ipc.strip().upper().replace(" ", "")
        qs = qs.filter(Q(ipc_codes__startswith=code) | Q(ipc_codes__contains=" " + code))
    if filters.legal_status:
        qs = qs.filter(legal_status=filters.legal_status)
    if filters.publication_state:
        qs = qs.filter(publication_state=filters.publication_state)
    for field in filters.fit_yes:
        if field in FIT_FIELDS:
            qs = qs.filter(**{field: "yes"})
    if filters.expiry:
        today = today or timezone.localdate()
        horizon = _add_months(today, expiry_warning_months())
        if filters.expiry == "expired":
            qs = qs.filter(expiry_date__lt=today)
        elif filters.expiry == "expiring":
            qs = qs.filter(expiry_date__gte=today, expiry_date__lte=horizon)
        elif filters.expiry == "valid":
            qs = qs.filter(Q(expiry_date__gt=horizon) | Q(expiry_date__isnull=True))
    if filters.needs_completion:
        qs = qs.filter(abstract="")
    return qs


#: How long dashboard seed counts may stay cached; a write to the municipality's seeds ends it sooner.
COUNTS_CACHE_SECONDS = 600


def _counts_version_key(municipality_id: int) -> str:
    return f"patents:counts-version:{municipality_id}"


def _counts_key(municipality: Municipality, version: int, visibility: str) -> str:
    # The creation time too: a restored or rebuilt database may give another municipality this id.
    return f"patents:counts:{municipality.pk}:{municipality.created_at.timestamp()}:{version}:{visibility}"


def patent_counts_invalidate(*, municipality_id: int) -> None:
    """Forget the cached seed counts of a municipality (after a write to its seeds commits).

    The counts' cache keys carry a version that this changes, so every variant (coordinators,
    each company's staff, SMEs) is recomputed at its next read."""
    cache.set(_counts_version_key(municipality_id), time.time_ns(), timeout=None)


def patent_counts(*, user: User, municipality: Municipality) -> dict[str, int]:
    """Figures for the dashboard: visible patents per publication state and those needing completion.

    Cached per municipality and visibility (two scans of every seed otherwise: 100 ms at 100,000
    seeds), invalidated on commit of any write to the seeds (patents.signals.connect)."""
    membership = membership_in(user=user, municipality=municipality)
    if membership is None:
        visibility = "none"
    elif membership.role in (Role.MUNICIPALITY_ADMIN, Role.COORDINATOR):
        visibility = "all"
    elif membership.role == Role.COMPANY_STAFF:
        visibility = f"company-{membership.company_id}"
    else:
        visibility = membership.role
    version = cache.get(_counts_version_key(municipality.pk)) or 0
    key = _counts_key(municipality, version, visibility)
    cached = cache.get(key)
    if cached is not None:
        return cached
    qs = patents_visible_to(user=user, municipality=municipality)
    counts = dict.fromkeys(PublicationState.values, 0)
    for row in qs.values("publication_state").annotate(n=Count("id")).order_by():
        counts[row["publication_state"]] = row["n"]
    counts["needs_completion"] = qs.filter(abstract="").count()
    cache.set(key, counts, timeout=COUNTS_CACHE_SECONDS)
    return counts


def counts_by_company(queryset: QuerySet[Patent], *, municipality: Municipality) -> dict[int, int]:
    """How many rows of `queryset` (any filters) each company has: {company id: count}.

    One GROUP BY, cached under the same version as the dashboard counts, so any write to the
    municipality's seeds ends it; the key is the query itself (its filters, the reader's visibility
    and today's date for the expiry filters are all in its SQL and parameters)."""
    grouped = queryset.order_by().values("company_id").annotate(n=Count("id")).values_list("company_id", "n")
    try:
        sql, params = grouped.query.sql_with_params()
    except EmptyResultSet:
        return {}
    digest = hashlib.sha256(repr((sql, params)).encode()).hexdigest()[:32]
    version = cache.get(_counts_version_key(municipality.pk)) or 0
    key = _counts_key(municipality, version, f"by-company:{digest}")
    cached = cache.get(key)
    if cached is not None:
        return cached
    counts = dict(grouped)
    cache.set(key, counts, timeout=COUNTS_CACHE_SECONDS)
    return counts


def published_counts_by_company(*, municipality: Municipality) -> dict[int, int]:
    """Published seeds per company of the municipality (the KPI page and the annual report)."""
    published = Patent.objects.filter(municipality=municipality, publication_state=PublicationState.PUBLISHED)
    return counts_by_company(published, municipality=municipality)


class SeedsInListOrder:
    """The rows of a patent queryset in the lists' order (company name, then number), a page at a time.

    Ordering by the company's name sorts every matching row on each page (about 240 ms for the last
    page of 100,000 seeds). Instead, each company's rows are counted once (`counts_by_company`, cached),
    the companies are put in name order (a few dozen rows), and a page reads the ids of its slice of one
    or two companies through the (company, number) index, then those rows by id. Django's `Paginator`
    and DRF's page-number pagination take it as their object list (`count()` and slices)."""

    def __init__(self, queryset: QuerySet[Patent], *, municipality: Municipality) -> None:
        self.queryset = queryset
        self.municipality = municipality
        self._companies: list[tuple[int, int]] | None = None

    def companies(self) -> list[tuple[int, int]]:
        """(company id, rows) in list order, companies without rows left out."""
        if self._companies is None:
            counts = counts_by_company(self.queryset, municipality=self.municipality)
            order = (
                LargeCompany.objects.filter(municipality=self.municipality, pk__in=list(counts))
                .order_by("name_ja", "pk")
                .values_list("pk", flat=True)
            )
            self._companies = [(pk, counts[pk]) for pk in order]
        return self._companies

    def count(self) -> int:
        return sum(n for _pk, n in self.companies())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key):
        if isinstance(key, int):
            rows = self[key : key + 1]
            if not rows:
                raise IndexError(key)
            return rows[0]
        if key.step not in (None, 1):
            raise ValueError("SeedsInListOrder takes plain slices")
        start = key.start or 0
        stop = self.count() if key.stop is None else key.stop
        ids: list[int] = []
        offset = 0
        for company_id, n in self.companies():
            if offset >= stop:
                break
            if offset + n > start:
                low, high = max(start - offset, 0), min(stop - offset, n)
                ids += (
                    self.queryset.filter(company_id=company_id)
                    .order_by("number")
                    .values_list("pk", flat=True)[low:high]
                )
            offset += n
        if not ids:
            return []
        rows = self.queryset.order_by().in_bulk(ids)
        return [rows[pk] for pk in ids if pk in rows]
