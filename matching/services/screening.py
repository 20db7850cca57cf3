"""Screening writes: start and execute runs, review candidates, share a run with the company."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kawasaki.jobs import enqueue
from kawasaki.models import Municipality, User
from kawasaki.services import audit_log
from patents.models import LargeCompany, Patent
from smes.models import SME

from ..engine.directions import seeds_for_text, smes_for_seed
from ..engine.explain import Explanation, fit_report
from ..engine.fit import Filters
from ..engine.index import ENGINE_VERSION, Candidate, QueryTerms, ScreeningIndex
from ..engine.needs import Need, needs_json, split_needs
from ..engine.translate import Translator
from ..indexing import (
    EMPTY_QUERY_MESSAGE,
    SME_FIELDS,
    current_index,
    query_has_words,
    seed_document,
    sme_document,
    sme_query_text,
)
from ..models import (
    Decision,
    Direction,
    IndexKind,
    RejectReason,
    RunStatus,
    ScreeningCandidate,
    ScreeningRun,
)
from ..translation import translator_for
from .shortlists import candidate_to_shortlist

log = logging.getLogger(__name__)

LICENCE_TYPES = ("non_exclusive", "exclusive", "assignment")
MAX_TOP_K = 200


@dataclasses.dataclass(frozen=True)
class SeedFilters:
    """What a coordinator may restrict seeds to. Published and unexpired are on unless switched off."""

    include_unpublished: bool = False
    include_expired: bool = False
    licence_types: tuple[str, ...] = ()
    company_ids: tuple[int, ...] = ()
    ipc_prefixes: tuple[str, ...] = ()

    def to_engine(self, today: dt.date) -> Filters:
        return Filters(
            published_only=not self.include_unpublished,
            valid_on=None if self.include_expired else today,
            licence_types=frozenset(self.licence_types) or None,
            company_ids=frozenset(str(c) for c in self.company_ids) or None,
            ipc_prefixes=tuple(self.ipc_prefixes) or None,
        )

    def to_json(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: dict | None) -> SeedFilters:
        data = data or {}
        return cls(
            include_unpublished=bool(data.get("include_unpublished", False)),
            include_expired=bool(data.get("include_expired", False)),
            licence_types=tuple(t for t in data.get("licence_types", ()) if t in LICENCE_TYPES),
            company_ids=tuple(int(c) for c in data.get("company_ids", ())),
            ipc_prefixes=tuple(
                str(p).replace(" ", "").upper() for p in data.get("ipc_prefixes", ()) if str(p).strip()
            ),
        )


def explanation_json(explanation: Explanation | None) -> dict:
    """What a stored candidate keeps of the engine's explanation: terms, highlighted texts, fit report."""
    if explanation is None:
        return {}
    return {
        "matched_terms": [
            {
                "term": t.term,
                "surfaces": list(t.surfaces),
                "synonym_of": t.synonym_of,
                "bridge": t.bridge,
                "contribution": round(t.contribution, 4),
            }
            for t in explanation.matched_terms
        ],
        # Escaped by the engine (highlight_html) with only <mark> added.
        "title_html": explanation.title_html(),
        "abstract_html": explanation.abstract_html(),
        # As dataclasses.asdict would give it, without its deep copy (10,000 times in a portfolio run).
        "fit": {f.name: getattr(explanation.fit, f.name) for f in dataclasses.fields(explanation.fit)},
    }


def screening_run_start(
    *,
    municipality: Municipality,
    actor: User,
    direction: str,
    query_text: str = "",
    sme: SME | None = None,
    patent: Patent | None = None,
    company: LargeCompany | None = None,
    top_k: int = 20,
    filters: SeedFilters | None = None,
) -> ScreeningRun:
    """Record a screening run and queue it. Side effects: audit entry, Celery task after commit."""
    from ..tasks import execute_screening_run

    if direction not in Direction.values:
        raise ValidationError({"direction": _("Choose a valid direction.")})
    for subject in (sme, patent, company):
        if subject is not None and subject.municipality_id != municipality.pk:
            raise ValidationError(_("The SME, seed and company must belong to this municipality."))
    if not 1 <= top_k <= MAX_TOP_K:
        raise ValidationError({"top_k": _("Ask for between 1 and %(max)d candidates.") % {"max": MAX_TOP_K}})
    if direction == Direction.SME_TO_SEEDS and not (query_text or "").strip() and sme is not None:
        query_text = sme_query_text(sme)  # started from an SME: its own words are the query
    if direction == Direction.SME_TO_SEEDS and not (query_text or "").strip():
        raise ValidationError({"query_text": _("Describe the SME's needs, products or capabilities.")})
    if direction == Direction.SME_TO_SEEDS and not query_has_words(query_text):
        raise ValidationError({"query_text": EMPTY_QUERY_MESSAGE})
    if direction == Direction.SEED_TO_SMES and patent is None:
        raise ValidationError({"patent": _("Choose the seed to screen.")})
    if direction == Direction.PORTFOLIO and company is None:
        raise ValidationError({"company": _("Choose the company whose portfolio to screen.")})
    with transaction.atomic():
        if direction == Direction.PORTFOLIO:
            assert company is not None
            # The company's row lock makes two simultaneous starts queue up: the second sees the first.
            LargeCompany.objects.select_for_update().filter(pk=company.pk).first()
            _refuse_second_portfolio_run(municipality=municipality, company=company)
        run = _create_run(
            municipality=municipality,
            actor=actor,
            direction=direction,
            query_text=query_text,
            sme=sme,
            patent=patent,
            company=company,
            top_k=top_k,
            filters=filters,
        )
    # The row is the record: if Redis is down the page says so and the jobs sweep queues it later.
    enqueue(execute_screening_run, job=run, municipality_id=municipality.pk, run_id=run.pk)
    return run


def _refuse_second_portfolio_run(*, municipality: Municipality, company: LargeCompany) -> None:
    """A portfolio run for a company whose portfolio is being screened is refused, naming that run
    (one that stopped sending its heartbeat is interrupted and does not block)."""
    for running in ScreeningRun.objects.filter(
        municipality=municipality,
        direction=Direction.PORTFOLIO,
        company=company,
        status__in=[RunStatus.QUEUED, RunStatus.RUNNING],
    ).order_by("pk"):
        if not running.is_interrupted:
            raise ValidationError(
                _(
                    "The portfolio of %(company)s is already being screened (run #%(run)d, started "
                    "%(when)s). Wait for it to finish or open it."
                )
                % {
                    "company": company,
                    "run": running.pk,
                    "when": timezone.localtime(running.created_at).strftime("%Y-%m-%d %H:%M"),
                }
            )


def _create_run(
    *,
    municipality: Municipality,
    actor: User,
    direction: str,
    query_text: str,
    sme: SME | None,
    patent: Patent | None,
    company: LargeCompany | None,
    top_k: int,
    filters: SeedFilters | None,
) -> ScreeningRun:
    run = ScreeningRun.objects.create(
        municipality=municipality,
        direction=direction,
        query_text=(query_text or "").strip(),
        sme=sme,
        patent=patent,
        company=company,
        top_k=top_k,
        created_by=actor,
        parameters={"filters": (filters or SeedFilters()).to_json()},
    )
    audit_log(
        municipality=municipality,
        actor=actor,
        action="screening_run.started",
        obj=run,
        changes={"direction": {"new": direction}},
    )
    return run


#: A running portfolio run writes its progress at most this often (seconds): the page polls it, and a
#: write per SME would be 500 UPDATEs in a large run.
PROGRESS_EVERY_SECONDS = 2.0

#: Candidates per INSERT when a run's candidates are written (one transaction whatever the size).
CANDIDATE_BATCH = 2000


def _set_progress(run: ScreeningRun, percent: int) -> None:
    run.progress = percent
    run.save(update_fields=["progress"])


def screening_run_execute(*, run: ScreeningRun) -> ScreeningRun:
    """Run a queued screening and store its candidates. Re-running a finished run changes nothing.

    Safe to run twice, also at the same time (a redelivered message, a re-queue by the jobs sweep
    after a killed worker): the status moves by conditional update, and the candidates are written
    under a row lock on the run only while it is not finished, so a second copy finds it done and
    never replaces candidates that may already be reviewed (their key is unique per run, seed, SME).
    An error is not recorded here: the task decides whether it is retried (a database outage) or
    final (``screening_run_fail``).
    Side effects: candidates written in one transaction, run status/progress updated, audit entry.
    """
    if run.is_finished:
        return run
    now = timezone.now()
    ScreeningRun.objects.filter(pk=run.pk, status__in=[RunStatus.QUEUED, RunStatus.RUNNING]).update(
        status=RunStatus.RUNNING, started_at=now, progress=5
    )
    run.status, run.started_at, run.progress = RunStatus.RUNNING, now, 5
    rows = _screen(run)
    with transaction.atomic():
        locked = ScreeningRun.objects.select_for_update().get(pk=run.pk)
        if locked.is_finished:
            return locked  # another copy finished first: its candidates stay
        run.candidates.all().delete()  # nothing reviewed yet: the run was not done
        # bulk_create: no per-row save(), signals or full_clean; the rows are built complete above.
        ScreeningCandidate.objects.bulk_create(rows, batch_size=CANDIDATE_BATCH)
        run.status = RunStatus.DONE
        run.progress = 100
        run.candidate_count = len(rows)
        run.finished_at = timezone.now()
        run.save(
            update_fields=[
                "status",
                "progress",
                "candidate_count",
                "finished_at",
                "engine_version",
                "index_fingerprint",
            ]
        )
        audit_log(
            municipality=run.municipality,
            actor=None,
            action="screening_run.finished",
            obj=run,
            changes={"candidates": {"new": len(rows)}},
        )
    return run


def screening_run_fail(*, run: ScreeningRun, reason: str) -> bool:
    """Mark a run whose task failed for good (or was interrupted too often) as failed, with the reason.

    A conditional update: a run that another copy finished meanwhile stays done. Answers whether it
    was marked.
    """
    marked = ScreeningRun.objects.filter(pk=run.pk, status__in=[RunStatus.QUEUED, RunStatus.RUNNING]).update(
        status=RunStatus.FAILED, error=reason[:2000], finished_at=timezone.now()
    )
    if marked:
        log.warning("screening run %s failed: %s", run.pk, reason)
    return bool(marked)


def screening_run_retry(*, run: ScreeningRun, actor: User) -> ScreeningRun:
    """Start an interrupted or failed run again (a person's retry). Side effects: audit entry, task queued."""
    from ..tasks import execute_screening_run

    if not (run.status == RunStatus.FAILED or run.is_interrupted):
        raise ValidationError(_("Only a failed or interrupted run can be started again."))
    claimed = ScreeningRun.objects.filter(pk=run.pk, status=run.status, heartbeat_at=run.heartbeat_at).update(
        status=RunStatus.QUEUED, progress=0, error="", finished_at=None, heartbeat_at=None, enqueued_at=None
    )
    if not claimed:
        raise ValidationError(_("The run changed meanwhile; reload the page."))
    audit_log(municipality=run.municipality, actor=actor, action="screening_run.retried", obj=run)
    enqueue(execute_screening_run, job=run, municipality_id=run.municipality_id, run_id=run.pk)
    run.refresh_from_db()
    return run


def _candidate(
    run: ScreeningRun, c: Candidate, *, patent_id: int, sme_id: int | None, needs: tuple[Need, ...] = ()
) -> ScreeningCandidate:
    """The stored candidate; ``needs`` are the SME's needs (matching.engine.needs.split_needs), of
    which the ones the candidate meets are stored with their matched words."""
    return ScreeningCandidate(
        municipality=run.municipality,
        run=run,
        patent_id=patent_id,
        sme_id=sme_id,
        rank=c.rank,
        score=float(c.score.final),
        relevance=float(c.score.bm25),
        fit_adjustment=float(c.score.fit_adjustment),
        band=c.band,
        explanation={
            **explanation_json(c.explanation),
            "strength": c.strength,
            "band": c.band,
            "query_kind": c.query_kind,
            "needs_met": needs_json(needs, c.explanation.matched_terms if c.explanation else ()),
        },
    )


def _sme_query(run: ScreeningRun, seeds: ScreeningIndex, translator: Translator) -> QueryTerms:
    """What an SME -> seeds run searches for: the SME's own document when the query is its unedited
    text (scored exactly as a portfolio run scores that SME), otherwise the text the coordinator wrote."""
    if run.sme is not None and run.query_text == sme_query_text(run.sme):
        return seeds.document_query(sme_document(run.sme), translator=translator)
    return seeds.analyse_query(run.query_text, translator=translator)


def _screen(run: ScreeningRun) -> list[ScreeningCandidate]:
    municipality = run.municipality
    filters = SeedFilters.from_json(run.parameters.get("filters")).to_engine(timezone.localdate())
    run.engine_version = ENGINE_VERSION
    translator = translator_for(municipality)
    if run.direction == Direction.SME_TO_SEEDS:
        seeds, record = current_index(municipality=municipality, kind=IndexKind.SEEDS)
        run.index_fingerprint = record.fingerprint
        _set_progress(run, 40)
        hits = seeds_for_text(seeds, _sme_query(run, seeds, translator), top_k=run.top_k, filters=filters)
        needs = split_needs(run.sme.needs if run.sme is not None else run.query_text)
        return [_candidate(run, c, patent_id=int(c.doc_id), sme_id=run.sme_id, needs=needs) for c in hits]
    if run.direction == Direction.SEED_TO_SMES:
        smes, record = current_index(municipality=municipality, kind=IndexKind.SMES)
        run.index_fingerprint = record.fingerprint
        _set_progress(run, 40)
        patent = run.patent
        assert patent is not None  # screening_run_start requires the seed for this direction
        seed = seed_document(patent)
        hits = smes_for_seed(smes, seed, top_k=run.top_k, translator=translator)
        # The explanation highlights the SME's profile; the fit criteria are the seed's own answers.
        seed_fit = fit_report(seed.meta.fit)
        hits = [
            dataclasses.replace(
                c, explanation=dataclasses.replace(c.explanation, fit=seed_fit) if c.explanation else None
            )
            for c in hits
        ]
        sme_needs = dict(SME.objects.filter(pk__in=[int(c.doc_id) for c in hits]).values_list("pk", "needs"))
        return [
            _candidate(
                run,
                c,
                patent_id=patent.pk,
                sme_id=int(c.doc_id),
                needs=split_needs(sme_needs.get(int(c.doc_id))),
            )
            for c in hits
        ]
    return _screen_portfolio(run, filters, translator)


def _screen_portfolio(
    run: ScreeningRun, filters: Filters, translator: Translator
) -> list[ScreeningCandidate]:
    """Every SME against the company's seeds: the top K seeds per SME, each SME's document scored
    exactly as an SME -> seeds run from that SME scores it (same query, filters, fit)."""
    municipality = run.municipality
    seeds, record = current_index(municipality=municipality, kind=IndexKind.SEEDS)
    run.index_fingerprint = record.fingerprint
    company_filters = dataclasses.replace(filters, company_ids=frozenset({str(run.company_id)}))
    _set_progress(run, 30)
    rows: list[ScreeningCandidate] = []
    sme_rows = SME.objects.filter(municipality=municipality)
    if run.parameters.get("consenting_smes_only"):  # a company's own run (services/company.py)
        sme_rows = sme_rows.filter(consent_to_share=True)
    smes = list(sme_rows.only(*SME_FIELDS).order_by("pk"))
    queries = (seeds.document_query(sme_document(sme), translator=translator) for sme in smes)
    # One pass per SME over the index, fit and filters computed once, only the top K explained.
    results = seeds.search_many(queries, top_k=run.top_k, filters=company_filters)
    reported = time.monotonic()
    for done, (sme, hits) in enumerate(zip(smes, results, strict=True), start=1):
        needs = split_needs(sme.needs)
        rows.extend(
            _candidate(run, hit, patent_id=int(hit.doc_id), sme_id=sme.pk, needs=needs) for hit in hits
        )
        # The page stays live without an UPDATE per SME: at most one every PROGRESS_EVERY_SECONDS.
        if time.monotonic() - reported >= PROGRESS_EVERY_SECONDS:
            _set_progress(run, 30 + int(60 * done / len(smes)))
            reported = time.monotonic()
    _set_progress(run, 90)
    return rows


def candidate_decide(
    *, candidate: ScreeningCandidate, actor: User, decision: str, reason: str = "", note: str | None = None
) -> ScreeningCandidate:
    """Shortlist, reject (a reason is required) or reset a candidate. Side effect: audit entry."""
    if decision not in Decision.values:
        raise ValidationError({"decision": _("Choose a valid decision.")})
    if decision == Decision.REJECTED and reason not in RejectReason.values:
        raise ValidationError({"reject_reason": _("Say why the candidate is rejected.")})
    changes = {}
    if candidate.decision != decision:
        changes["decision"] = {"old": candidate.decision, "new": decision}
    candidate.decision = decision
    candidate.reject_reason = reason if decision == Decision.REJECTED else ""
    if note is not None:
        candidate.note = note
    candidate.decided_by = actor
    candidate.decided_at = timezone.now()
    with transaction.atomic():
        candidate.save(update_fields=["decision", "reject_reason", "note", "decided_by", "decided_at"])
        audit_log(
            municipality=candidate.municipality,
            actor=actor,
            action="screening_candidate.decided",
            obj=candidate,
            changes=changes,
        )
        if decision == Decision.SHORTLISTED:
            # A shortlisted seed lands on the SME's shortlist, ready to hand out.
            candidate_to_shortlist(candidate=candidate, actor=actor)
    return candidate


def screening_run_share(*, run: ScreeningRun, actor: User, shared: bool = True) -> ScreeningRun:
    """Let the company's IP staff see the run's candidates for their seeds. Side effect: audit entry."""
    run.shared_with_company = shared
    run.save(update_fields=["shared_with_company"])
    audit_log(
        municipality=run.municipality,
        actor=actor,
        action="screening_run.shared" if shared else "screening_run.unshared",
        obj=run,
    )
    return run
