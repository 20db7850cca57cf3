"""Reads of the matching app. Every query starts from the municipality and, where parties see only
their own, the user: coordinators see the whole municipality, company IP staff what concerns their
company, SME members what their SME is invited to or registered for."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, Window
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone

from kawasaki.models import Municipality, Role, User
from kawasaki.rules import is_coordinator
from patents.models import LargeCompany, Patent

from .engine.directions import seeds_for_text
from .engine.index import Candidate
from .engine.needs import needs_json, split_needs
from .indexing import index_for_request
from .models import (
    Decision,
    Direction,
    GlossaryEntry,
    IndexKind,
    Meeting,
    MeetingKind,
    MeetingProposal,
    MeetingStatus,
    OneOnOneRequest,
    Participant,
    Reply,
    RequestStatus,
    ScreeningCandidate,
    ScreeningRun,
    ShortlistEntry,
)
from .rules import party_ids
from .services.screening import SeedFilters, explanation_json
from .translation import translator_for


def runs_of(*, municipality: Municipality) -> QuerySet[ScreeningRun]:
    """The municipality's screening runs, newest first."""
    return ScreeningRun.objects.filter(municipality=municipality).select_related(
        "sme", "patent", "company", "created_by"
    )


def candidates_of(*, run: ScreeningRun, decision: str | None = None) -> QuerySet[ScreeningCandidate]:
    """A run's candidates, best first: by rank (the engine's score order), grouped by SME (in name
    order) only for portfolio runs, where each SME has its own ranking."""
    order = ("sme__name_ja", "sme_id", "rank") if run.direction == Direction.PORTFOLIO else ("rank", "pk")
    qs = run.candidates.select_related("patent", "patent__company", "sme", "decided_by").order_by(*order)
    return qs.filter(decision=decision) if decision else qs


def run_hides_weaker(*, run: ScreeningRun, candidates: Iterable[ScreeningCandidate] | None = None) -> bool:
    """Whether the run's page hides candidates below the weak band. Runs on a typed need always do;
    runs from a whole SME profile or seed text (and portfolio runs) do once their candidates were
    banded with the cut-offs of their kind of query (``query_kind`` stored, matching.engine.bands); older runs from
    whole texts were banded with the typed-need cut-offs only, so they hide nothing. ``candidates``:
    the run's candidates already loaded (any of them will do: a run stores one kind), saving a query."""
    from .indexing import sme_query_text

    if run.direction == Direction.SME_TO_SEEDS and (
        run.sme is None or run.query_text != sme_query_text(run.sme)
    ):
        return True
    if candidates is not None:
        return any("query_kind" in (c.explanation or {}) for c in candidates)
    return run.candidates.filter(explanation__has_key="query_kind").exists()


#: A portfolio run's page: SMEs per page and candidates shown per SME before "more".
SMES_PER_PAGE = 50
TOP_PER_SME = 5


def hide_weaker_pending(candidates: QuerySet[ScreeningCandidate]) -> QuerySet[ScreeningCandidate]:
    """The candidates without the pending ones below the weak band (what a run's page hides unless
    asked), in the database so that a large run is never loaded to be counted."""
    from .models import Decision

    return candidates.exclude(Q(band="below") & Q(decision=Decision.PENDING))


def sme_groups_page(
    *,
    candidates: QuerySet[ScreeningCandidate],
    page: str | int | None,
    top: int = TOP_PER_SME,
    hide_weaker: bool = False,
) -> tuple[Page, list[dict], int]:
    """One page of a portfolio run's SMEs (``SMES_PER_PAGE``, by SME name) with each SME's first
    ``top`` candidates by rank: ``{"sme", "candidates", "total", "more"}``, and how many pending
    candidates below the weak band were left out (``hide_weaker``, see hide_weaker_pending).

    Two queries whatever the size of the run: one count of each SME's shown and hidden candidates
    (GROUP BY over the band and decision columns, from the candidate_run_sme_band_idx index; the SME
    list is a few hundred rows, paged here), then a window function picks the first rows of the
    page's SMEs only. No query reads the explanations of candidates the page does not show."""
    hidden_q = Q(band="below") & Q(decision=Decision.PENDING)
    per_sme = (
        candidates.order_by()
        .values("sme_id")
        .annotate(
            n=Count("id", filter=~hidden_q) if hide_weaker else Count("id"),
            hidden=Count("id", filter=hidden_q) if hide_weaker else Value(0),
        )
        .order_by("sme__name_ja", "sme_id")
        .values_list("sme_id", "n", "hidden")
    )
    listing, hidden = [], 0
    for sme_id, shown, hidden_here in per_sme:
        hidden += hidden_here
        if shown:
            listing.append((sme_id, shown))
    page_obj = Paginator(listing, SMES_PER_PAGE).get_page(page)
    totals: dict[int | None, int] = dict(page_obj.object_list)
    visible = hide_weaker_pending(candidates) if hide_weaker else candidates
    rows = (
        visible.filter(sme_id__in=list(totals))
        .annotate(
            position=Window(
                RowNumber(), partition_by=[F("sme_id")], order_by=[F("rank").asc(), F("pk").asc()]
            )
        )
        .filter(position__lte=top)
        .order_by("sme__name_ja", "sme_id", "rank", "pk")
    )
    groups: list[dict] = []
    for candidate in rows:
        if not groups or groups[-1]["sme_id"] != candidate.sme_id:
            total = totals.get(candidate.sme_id, 0)
            groups.append(
                {
                    "sme_id": candidate.sme_id,
                    "sme": candidate.sme,
                    "candidates": [],
                    "total": total,
                    "more": max(total - top, 0),
                }
            )
        groups[-1]["candidates"].append(candidate)
    return page_obj, groups, hidden


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


@dataclass(frozen=True)
class SeedSearch:
    """A quick search's answer: ranked seeds with their candidates, and whether new or changed seeds
    are still being indexed (``behind``: the answer comes from the index as it was at ``indexed_at``)."""

    results: list[tuple[Patent, Candidate]]
    behind: bool = False
    indexed_at: dt.datetime | None = None


def seed_search_answer(
    *, municipality: Municipality, text: str, filters: SeedFilters | None = None, top_k: int = 20
) -> SeedSearch:
    """Interactive screening (no job): ranked seeds with explanations for free text, in well under a
    second. Never waits for a large index to build: when seeds changed since the last build, the answer
    comes from that build and says so (:func:`~matching.indexing.index_for_request`)."""
    answer = index_for_request(municipality=municipality, kind=IndexKind.SEEDS)
    index = answer.index
    indexed_at = answer.record.built_at if answer.record is not None else None
    if index is None:
        return SeedSearch([], behind=True, indexed_at=None)
    query = index.analyse_query(text, translator=translator_for(municipality))
    hits = seeds_for_text(
        index, query, top_k=top_k, filters=(filters or SeedFilters()).to_engine(timezone.localdate())
    )
    patents = Patent.objects.filter(
        municipality=municipality, pk__in=[int(h.doc_id) for h in hits]
    ).select_related("company")
    by_id = {str(p.pk): p for p in patents}
    # A seed deleted since the index was built has no row: it is left out.
    results = [(by_id[h.doc_id], h) for h in hits if h.doc_id in by_id]
    return SeedSearch(results, behind=answer.behind, indexed_at=indexed_at)


def seed_search(
    *, municipality: Municipality, text: str, filters: SeedFilters | None = None, top_k: int = 20
) -> list[tuple[Patent, Candidate]]:
    """:func:`seed_search_answer`'s ranked seeds alone."""
    return seed_search_answer(municipality=municipality, text=text, filters=filters, top_k=top_k).results


def seed_reasons(*, municipality: Municipality, text: str, patent: Patent) -> dict:
    """Why a seed fits a quick search's words, as the search showed it (band, the needs of the text it
    meets, the matched terms with their bridges), to keep with a shortlist entry; `{}` when the seed
    is not in the index or no longer matches the words."""
    # A web request: answer from the registered index, never build a large one here.
    index = index_for_request(municipality=municipality, kind=IndexKind.SEEDS).index
    if index is None:
        return {}
    query = index.analyse_query(text, translator=translator_for(municipality))
    hit = index.candidate(query, str(patent.pk))
    if hit is None or hit.explanation is None:
        return {}
    needs = split_needs(text)
    return {
        "source": "search",
        "query": text,
        "band": hit.band,
        "matched_terms": explanation_json(hit.explanation)["matched_terms"],
        # One need would only repeat the words typed (as on the results page).
        "needs_met": needs_json(needs, hit.explanation.matched_terms) if len(needs) > 1 else [],
    }


# --- meetings ---------------------------------------------------------------------------------


def meetings_visible_to(*, user: User, municipality: Municipality) -> QuerySet[Meeting]:
    """Meetings a user may see: coordinators all; company staff where their company meets or presents;
    SME members those their SME is invited to or registered for."""
    qs = Meeting.objects.filter(municipality=municipality).select_related("company", "coordinator")
    if is_coordinator(user, municipality):
        return qs
    role, party = party_ids(user, municipality)
    if party is None:
        return qs.none()
    if role == Role.COMPANY_STAFF:
        return qs.filter(Q(company_id=party) | Q(presenting_companies=party)).distinct()
    return qs.filter(participants__sme_id=party).distinct()


def meeting_list(*, user: User, municipality: Municipality) -> QuerySet[Meeting]:
    """The meetings page: what the user may see, newest first, each with `sme_count` (its invited or
    registered SMEs), counted in the database rather than by loading every participant."""
    participants = (
        Participant.objects.filter(meeting=OuterRef("pk"))
        .order_by()
        .values("meeting")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return meetings_visible_to(user=user, municipality=municipality).annotate(
        sme_count=Coalesce(Subquery(participants, output_field=IntegerField()), 0)
    )


def seeds_of_meeting(*, meeting: Meeting) -> QuerySet[Patent]:
    return meeting.seeds.select_related("company").order_by("number", "pk")


def presenters_of(*, meeting: Meeting) -> QuerySet[LargeCompany]:
    return meeting.presenting_companies.all()


def open_requests(*, municipality: Municipality) -> QuerySet[OneOnOneRequest]:
    """One-on-one requests after symposiums that wait for a meeting to be scheduled."""
    return OneOnOneRequest.objects.filter(
        municipality=municipality, status=RequestStatus.OPEN
    ).select_related("sme", "company")


def requests_of_sme(*, sme_id: int | None, municipality: Municipality) -> QuerySet[OneOnOneRequest]:
    """An SME's own one-on-one requests, newest first, with the company, symposium and seeds."""
    if sme_id is None:
        return OneOnOneRequest.objects.none()
    return (
        OneOnOneRequest.objects.filter(municipality=municipality, sme_id=sme_id)
        .select_related("company", "symposium", "meeting")
        .prefetch_related("seeds")
        .order_by("-created_at", "-pk")
    )


def symposiums_of(*, municipality: Municipality) -> QuerySet[Meeting]:
    """Every symposium of the municipality (open exchange meetings: any SME of the city may register)."""
    return Meeting.objects.filter(municipality=municipality, kind=MeetingKind.SYMPOSIUM)


def symposiums_open_for_registration(*, municipality: Municipality) -> QuerySet[Meeting]:
    """Planned symposiums that have not started, soonest first, with `registered` (attending SMEs)."""
    return (
        symposiums_of(municipality=municipality)
        .filter(status=MeetingStatus.PLANNED, starts_at__gt=timezone.now())
        .annotate(registered=Count("participants", filter=Q(participants__reply=Reply.ATTENDING)))
        .prefetch_related("presenting_companies", "seeds")
        .order_by("starts_at", "pk")
    )


def registrations_of(*, sme_id: int | None, municipality: Municipality) -> dict[int, str]:
    """{symposium id: reply} of an SME's symposium places (empty without an SME)."""
    if sme_id is None:
        return {}
    return dict(
        Participant.objects.filter(
            municipality=municipality, sme_id=sme_id, meeting__kind=MeetingKind.SYMPOSIUM
        ).values_list("meeting_id", "reply")
    )


def participants_of(*, meeting: Meeting) -> QuerySet[Participant]:
    return meeting.participants.select_related("sme")


def participants_visible_to(
    *, user: User, municipality: Municipality, meeting: Meeting, participants: list[Participant] | None = None
) -> list[Participant]:
    """The participants of a meeting that this person may see, with their replies and attendance.

    Coordinators and the company's staff see every invited SME. An SME member sees its own SME and,
    at a symposium only, the SMEs that consented to be listed to the other attendees: in a closed
    meeting or a one-on-one the other SMEs (competitors, often) are not named to each other.
    `participants` (the meeting's, already loaded) saves the query.
    """
    if participants is None:
        participants = list(participants_of(meeting=meeting))
    role, party = party_ids(user, municipality)
    if role != Role.SME_MEMBER:
        return participants
    symposium = meeting.kind == MeetingKind.SYMPOSIUM
    return [p for p in participants if p.sme_id == party or (symposium and p.listed_to_attendees)]


def requests_of(*, meeting: Meeting) -> QuerySet[OneOnOneRequest]:
    return meeting.requests.select_related("sme", "company", "meeting").prefetch_related("seeds")


def glossary_of(*, municipality: Municipality) -> QuerySet[GlossaryEntry]:
    """The municipality's own screening glossary, by term."""
    return GlossaryEntry.objects.filter(municipality=municipality).select_related("created_by")


def shortlist_of(*, sme) -> QuerySet[ShortlistEntry]:
    """An SME's shortlist, newest first, with the seed and its company (for the page and the handouts)."""
    return (
        ShortlistEntry.objects.filter(municipality_id=sme.municipality_id, sme=sme)
        .select_related("patent", "patent__company", "candidate", "added_by")
        .order_by("-added_at", "-id")
    )


def shortlist_counts(*, municipality: Municipality) -> dict[int, int]:
    """How many seeds each SME of the municipality has on its shortlist ({sme id: n})."""
    rows = (
        ShortlistEntry.objects.filter(municipality=municipality)
        .order_by()
        .values("sme_id")
        .annotate(n=Count("id"))
    )
    return {row["sme_id"]: row["n"] for row in rows}


def shortlisted_smes_for_company(*, municipality: Municipality, company: LargeCompany) -> list[dict]:
    """For a company's handout: each SME with the company's seeds on its shortlist, and whether its
    profile may be shown ([{"sme", "consented", "entries"}], SMEs by name; each entry with its seed and
    why it fits)."""
    entries = (
        ShortlistEntry.objects.filter(municipality=municipality, patent__company=company)
        .select_related("sme", "patent")
        .order_by("sme__name_ja", "patent__title")
    )
    rows: dict[int, dict] = {}
    for entry in entries:
        row = rows.setdefault(
            entry.sme_id, {"sme": entry.sme, "consented": entry.sme.consent_to_share, "entries": []}
        )
        row["entries"].append(entry)
    return list(rows.values())


def _candidates_version_key(municipality_id: int) -> str:
    return f"matching:candidates-version:{municipality_id}"


def candidates_changed(*, municipality_id: int) -> None:
    """A run or a candidate of the municipality changed (a run finished or was removed, a decision was
    taken): figures cached from its candidates (the KPIs' screening counts) are read again. Set now,
    for this transaction's own reads, and again after commit (matching.signals)."""
    from kawasaki.transactions import on_write

    def bump() -> None:
        cache.set(_candidates_version_key(municipality_id), time.time_ns(), timeout=None)

    on_write(("candidates", municipality_id), now=bump, after_commit=bump)


def candidates_version(*, municipality: Municipality) -> str:
    """Part of a cache key for figures read from a municipality's candidates: changes on every write
    to them (and with the municipality row, so a restored database never reuses another's)."""
    version = cache.get(_candidates_version_key(municipality.pk)) or 0
    return f"{municipality.pk}:{municipality.created_at.timestamp()}:{version}"
