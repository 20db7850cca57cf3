"""Per-municipality screening indexes: built from the database, stored as files, loaded lazily.

An index is current when its content stamp equals the stamp of the rows now in the database (count,
newest change, highest id). A query never runs on a stale index: `current_index` finds the stored
index for the current stamp, or builds one in the calling process (and logs that it did), so a
coordinator's answer always reflects the data. Celery rebuilds indexes ahead of time after imports
and profile edits (`matching.tasks.run_index_build`), so that fallback is the exception.

Those rebuilds are job rows (`IndexBuild`, one per municipality and kind; kawasaki.jobs): a change
asks for a build by moving the row back to "queued" (many edits in a row queue one build), the task
beats while it builds, and the jobs sweep queues a build the broker never got and re-queues one whose
worker died. The screening page shows an interrupted or failed build with a "rebuild" button.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from pathlib import Path

from django.conf import settings
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kawasaki.models import Municipality
from patents.models import FIT_FIELDS, Patent, PublicationState
from smes.models import SME

from .conf import engine_settings
from .engine.fit import FIT_PROFILE_FIELDS, DocMeta, FitProfile
from .engine.index import ENGINE_VERSION, Document, IndexVersionError, ScreeningIndex
from .engine.text import Analyzer
from .engine.translate import JA_STOP_WORDS
from .models import IndexBuild, IndexBuildState, IndexKind, SearchIndex

log = logging.getLogger(__name__)

# Patent fit fields -> engine criteria: both lists are in the programme's order.
FIT_FIELD_MAP = dict(zip(FIT_FIELDS, FIT_PROFILE_FIELDS, strict=True))

SEED_FIELDS = [
    "pk",
    "title",
    "abstract",
    "plain_summary",
    "application_examples",
    "publication_state",
    "expiry_date",
    "company_id",
    "ipc_codes",
    "offer_non_exclusive",
    "offer_exclusive",
    "offer_assignment",
    *FIT_FIELD_MAP,
]
SME_FIELDS = [
    "pk",
    "name_ja",
    "name_en",
    "products",
    "needs",
    "capabilities",
    "equipment",
    "industry_detail",
]


def _querysets(municipality: Municipality, kind: str):
    if kind == IndexKind.SEEDS:
        return Patent.objects.filter(municipality=municipality)
    return SME.objects.filter(municipality=municipality)


def content_stamp(*, municipality: Municipality, kind: str) -> str:
    """A cheap stamp of the rows an index is built from: changes with any insert, edit or delete."""
    agg = _querysets(municipality, kind).aggregate(n=Count("pk"), newest=Max("updated_at"), top=Max("pk"))
    raw = f"{ENGINE_VERSION}|{kind}|{agg['n']}|{agg['newest']}|{agg['top']}|{sorted(engine_settings().index_key().items())}"
    return hashlib.sha256(raw.encode()).hexdigest()


def licence_types_of(row: dict) -> frozenset[str]:
    offered = {
        "non_exclusive": row["offer_non_exclusive"],
        "exclusive": row["offer_exclusive"],
        "assignment": row["offer_assignment"],
    }
    return frozenset(name for name, yes in offered.items() if yes)


def seed_document(patent: Patent) -> Document:
    """A seed as the engine sees it: the one definition used by the index, every direction and the
    explanations. The plain-language summary and uses are what SMEs' words are most likely to meet, so
    they join the abstract; the fit profile, licence offers, company and IPC codes go to the metadata.

    ``patent`` may be a model instance or any object with the same attributes (only those in
    ``SEED_FIELDS`` are read)."""
    abstract = "\n".join(t for t in (patent.abstract, patent.plain_summary, patent.application_examples) if t)
    meta = DocMeta(
        published=patent.publication_state == PublicationState.PUBLISHED,
        expires_on=patent.expiry_date,
        licence_types=licence_types_of(
            {
                "offer_non_exclusive": patent.offer_non_exclusive,
                "offer_exclusive": patent.offer_exclusive,
                "offer_assignment": patent.offer_assignment,
            }
        ),
        company_id=str(patent.company_id),
        ipc=tuple((patent.ipc_codes or "").split()),
        fit=seed_fit_profile(patent),
    )
    return Document(id=str(patent.pk), title=patent.title, abstract=abstract or None, meta=meta)


def seed_fit_profile(patent: Patent) -> FitProfile:
    """The seed's six SME-fit answers as the engine's profile."""
    return FitProfile(**{criterion: getattr(patent, field) for field, criterion in FIT_FIELD_MAP.items()})


def seed_documents(*, municipality: Municipality) -> list[Document]:
    """Every patent of the municipality as an engine document (unpublished ones too, filtered at query)."""
    return [
        seed_document(patent)
        for patent in _querysets(municipality, IndexKind.SEEDS)
        .only(*SEED_FIELDS)
        .order_by("pk")
        .iterator(chunk_size=2000)
    ]


def sme_document(sme: SME) -> Document:
    """An SME as the engine sees it: the one definition used by the SME index, the SME -> seeds query,
    portfolio runs and the explanations. Title: what it makes and its trade; body: what it needs, what
    it can do and with what equipment."""
    title = " ".join(t for t in (sme.products, sme.industry_detail) if t)
    body = "\n".join(t for t in (sme.needs, sme.capabilities, sme.equipment) if t)
    return Document(id=str(sme.pk), title=title, abstract=body or None)


def sme_query_text(sme: SME) -> str:
    """The SME's engine text as one editable query (the screening form's initial value). A run whose
    query is exactly this text is scored as :func:`sme_document`, title weighted like the index's."""
    doc = sme_document(sme)
    return "\n".join(t for t in (doc.title, doc.abstract) if t)


def sme_documents(*, municipality: Municipality) -> list[Document]:
    """Every SME of the municipality as an engine document."""
    return [
        sme_document(sme)
        for sme in _querysets(municipality, IndexKind.SMES)
        .only(*SME_FIELDS)
        .order_by("pk")
        .iterator(chunk_size=2000)
    ]


def query_has_words(text: str) -> bool:
    """Whether a need has anything to search for: not empty, not only function words, generic verbs
    (する, 探す ...) and formal nouns (こと, もの ...)."""
    return any(t not in JA_STOP_WORDS for t in Analyzer().terms(text or "", subtokens=False))


EMPTY_QUERY_MESSAGE = _(
    "These words are too general to search with (such as 「もの」 or 「探す」). Describe what the SME makes, "
    "needs or can do: materials, parts, processes or the problem to solve."
)


def _index_dir(municipality: Municipality) -> Path:
    path = Path(settings.MEDIA_ROOT) / "indexes" / municipality.slug
    path.mkdir(parents=True, exist_ok=True)
    return path


def index_build(*, municipality: Municipality, kind: str) -> SearchIndex:
    """Build, store and register the index of one kind for the current rows. Removes older files."""
    stamp = content_stamp(municipality=municipality, kind=kind)
    existing = SearchIndex.objects.filter(municipality=municipality, kind=kind, stamp=stamp).first()
    if existing is not None and Path(existing.path).exists():
        return existing
    started = time.perf_counter()
    docs = (
        seed_documents(municipality=municipality)
        if kind == IndexKind.SEEDS
        else sme_documents(municipality=municipality)
    )
    index = ScreeningIndex.build(docs, engine_settings())
    path = _index_dir(municipality) / f"{kind}-{stamp[:16]}.npz"
    index.save(path)
    record = SearchIndex.objects.create(
        municipality=municipality,
        kind=kind,
        stamp=stamp,
        fingerprint=index.fingerprint,
        engine_version=ENGINE_VERSION,
        doc_count=len(docs),
        path=str(path),
        build_seconds=time.perf_counter() - started,
    )
    for old in SearchIndex.objects.filter(municipality=municipality, kind=kind).exclude(pk=record.pk):
        Path(old.path).unlink(missing_ok=True)
        old.delete()
    _cache_put(municipality.pk, kind, record, index)
    log.info(
        "built %s index of %s: %d documents in %.2f s",
        kind,
        municipality.slug,
        len(docs),
        record.build_seconds,
    )
    return record


# Loaded indexes per process: {(municipality id, kind): (SearchIndex id, ScreeningIndex)}.
_CACHE: dict[tuple[int, str], tuple[int, ScreeningIndex]] = {}
_CACHE_LOCK = threading.Lock()


def _cache_put(municipality_id: int, kind: str, record: SearchIndex, index: ScreeningIndex) -> None:
    with _CACHE_LOCK:
        _CACHE[(municipality_id, kind)] = (record.pk, index)


def current_index(*, municipality: Municipality, kind: str) -> tuple[ScreeningIndex, SearchIndex]:
    """The index for the rows as they are now: from this process's cache, the stored file, or built here."""
    stamp = content_stamp(municipality=municipality, kind=kind)
    record = SearchIndex.objects.filter(municipality=municipality, kind=kind, stamp=stamp).first()
    if record is not None:
        cached = _CACHE.get((municipality.pk, kind))
        if cached is not None and cached[0] == record.pk:
            return cached[1], record
        try:
            index = ScreeningIndex.load(record.path)
        except (OSError, IndexVersionError, ValueError) as error:
            log.warning("index file %s unusable (%s); rebuilding in process", record.path, error)
            record.delete()
        else:
            _cache_put(municipality.pk, kind, record, index)
            return index, record
    else:
        log.warning(
            "no current %s index for %s (data changed since the last build); building in process at %s",
            kind,
            municipality.slug,
            timezone.now().isoformat(),
        )
    record = index_build(municipality=municipality, kind=kind)
    return _CACHE[(municipality.pk, kind)][1], record


# --- index builds as job rows ----------------------------------------------------------------------


def index_build_request(*, municipality_id: int, kind: str) -> IndexBuild | None:
    """Ask for a rebuild of one kind of index: the row moves to QUEUED (once, however many ask) and
    its task is published after commit. A row already queued is left alone (its task will build for
    the rows as they are then); a running build is asked again and cannot finish over the request
    (``index_build_execute`` finishes only the request it claimed). Answers the row when a task was
    queued, else None.
    """
    from kawasaki.jobs import enqueue

    from .tasks import run_index_build

    now = timezone.now()
    build, created = IndexBuild._base_manager.get_or_create(
        municipality_id=municipality_id,
        kind=kind,
        defaults={"state": IndexBuildState.QUEUED, "requested_at": now},
    )
    if not created:
        moved = (
            IndexBuild._base_manager.filter(pk=build.pk)
            .exclude(state=IndexBuildState.QUEUED)
            .update(
                state=IndexBuildState.QUEUED,
                requested_at=now,
                error="",
                enqueued_at=None,
                heartbeat_at=None,
                attempts=0,
            )
        )
        if not moved:
            return None
    enqueue(run_index_build, job=build, municipality_id=municipality_id, build_id=build.pk)
    return build


def index_build_execute(*, build: IndexBuild) -> IndexBuild:
    """Build the index a queued (or re-queued interrupted) build asks for; the worker's job.

    Safe to run twice, also at once: the row is claimed by a conditional update, ``index_build``
    changes nothing when the current rows already have their index (two at once each write a whole
    index, the later is current), and the row is marked done only for the request this copy claimed
    (its ``requested_at``), so a change made meanwhile keeps its own queued build.
    """
    requested_at = build.requested_at
    claimed = IndexBuild._base_manager.filter(
        pk=build.pk,
        requested_at=requested_at,
        state__in=(IndexBuildState.QUEUED, IndexBuildState.RUNNING),
    ).update(state=IndexBuildState.RUNNING, started_at=timezone.now())
    if claimed:
        index_build(municipality=build.municipality, kind=build.kind)
        IndexBuild._base_manager.filter(
            pk=build.pk, requested_at=requested_at, state=IndexBuildState.RUNNING
        ).update(state=IndexBuildState.DONE, finished_at=timezone.now(), error="")
    build.refresh_from_db()
    return build


def index_build_fail(*, build: IndexBuild, reason: str) -> bool:
    """Mark a build whose task failed for good (or was interrupted too often) failed, with the reason.

    Conditional: never overwrites a finished build or a newer request. Answers whether it did.
    """
    failed = IndexBuild._base_manager.filter(
        pk=build.pk,
        requested_at=build.requested_at,
        state__in=(IndexBuildState.QUEUED, IndexBuildState.RUNNING),
    ).update(state=IndexBuildState.FAILED, error=reason[:500], finished_at=timezone.now())
    if failed:
        log.warning("index build %s (%s) failed: %s", build.pk, build.kind, reason)
    return bool(failed)


def index_build_retry(*, build: IndexBuild, actor) -> IndexBuild:
    """Rebuild an interrupted or failed index now (a person's retry). Side effects: audit entry, task."""
    from django.core.exceptions import ValidationError

    from kawasaki.services import audit_log

    if not (build.state == IndexBuildState.FAILED or build.is_interrupted):
        raise ValidationError(_("Only a failed or interrupted build can be started again."))
    audit_log(municipality=build.municipality, actor=actor, action="index_build.retried", obj=build)
    index_build_request(municipality_id=build.municipality_id, kind=build.kind)
    build.refresh_from_db()
    return build


def index_builds_needing_attention(*, municipality: Municipality) -> list[IndexBuild]:
    """The builds a coordinator should hear of: interrupted, failed, or waiting for the queue."""
    from kawasaki.jobs import queue_grace

    now = timezone.now()
    return [
        build
        for build in IndexBuild.objects.filter(municipality=municipality)
        if build.state == IndexBuildState.FAILED
        or build.is_interrupted
        or (
            build.state == IndexBuildState.QUEUED
            and build.enqueued_at is None
            and build.requested_at < now - queue_grace()
        )
    ]
