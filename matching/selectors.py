"""Screening reads. Every query starts from the municipality (and, for company staff, their company)."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.utils import timezone

from kawasaki.models import Municipality
from patents.models import LargeCompany, Patent

from .engine.directions import seeds_for_text
from .engine.index import Candidate
from .indexing import current_index
from .models import IndexKind, MeetingProposal, ScreeningCandidate, ScreeningRun
from .services import SeedFilters


def runs_of(*, municipality: Municipality) -> QuerySet[ScreeningRun]:
    """The municipality's screening runs, newest first."""
    return ScreeningRun.objects.filter(municipality=municipality).select_related(
        "sme", "patent", "company", "created_by"
    )


def candidates_of(*, run: ScreeningRun, decision: str | None = None) -> QuerySet[ScreeningCandidate]:
    """A run's candidates in rank order (grouped by SME for portfolio runs)."""
    qs = run.candidates.select_related("patent", "patent__company", "sme", "decided_by").order_by(
        "sme__name_ja", "rank"
    )
    return qs.filter(decision=decision) if decision else qs


def candidate_counts(*, run: ScreeningRun) -> dict[str, int]:
    """How many of a run's candidates have each decision, every decision present (zero when none)."""
    from .models import Decision

    counts = dict.fromkeys(Decision.values, 0)
    rows = run.candidates.order_by().values("decision").annotate(n=Count("id"))
    counts.update({row["decision"]: row["n"] for row in rows})
    return counts


def candidates_shared_with(
    *, municipality: Municipality, company: LargeCompany
) -> QuerySet[ScreeningCandidate]:
    """What a company's IP staff may see: candidates for their own seeds in runs shared with them."""
    return (
        ScreeningCandidate.objects.filter(
            municipality=municipality, run__shared_with_company=True, patent__company=company
        )
        .select_related("patent", "sme", "run")
        .order_by("-run__created_at", "sme__name_ja", "rank")
    )


def proposals_of(*, municipality: Municipality) -> QuerySet[MeetingProposal]:
    """Meeting proposals waiting to become meetings, newest first."""
    return (
        MeetingProposal.objects.filter(municipality=municipality)
        .select_related("company", "created_by")
        .prefetch_related("smes", "patents")
    )


def seed_search(
    *, municipality: Municipality, text: str, filters: SeedFilters | None = None, top_k: int = 20
) -> list[tuple[Patent, Candidate]]:
    """Interactive screening (no job): ranked seeds with explanations for free text, in well under a second."""
    index, _record = current_index(municipality=municipality, kind=IndexKind.SEEDS)
    hits = seeds_for_text(
        index, text, top_k=top_k, filters=(filters or SeedFilters()).to_engine(timezone.localdate())
    )
    patents = Patent.objects.filter(
        municipality=municipality, pk__in=[int(h.doc_id) for h in hits]
    ).select_related("company")
    by_id = {str(p.pk): p for p in patents}
    return [(by_id[h.doc_id], h) for h in hits if h.doc_id in by_id]
