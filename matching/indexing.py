"""Per-municipality screening indexes: built from the database, stored as mapped files, one build at
a time.

Every write to seeds or SME profiles bumps a version number (:class:`~matching.models.IndexVersion`,
from model signals and the bulk paths); an index is current when it was built for that version.
Celery builds indexes after writes (`matching.tasks.build_index`). A web request asks
:func:`index_for_request`: it answers from the registered index, and when that is behind it queues
a build and says so, building in the request only a small index. Background jobs ask
:func:`current_index`, which builds if needed. Builds take a lock per municipality and kind
(:func:`build_lock`), write a fresh directory each, and never delete the registered one.

Index files are ``.npy`` arrays opened with ``mmap_mode="r"`` (:mod:`matching.engine.store`): the
processes of a host share one copy through the page cache.

Rebuilds are job rows (`IndexBuild`, one per municipality and kind; kawasaki.jobs): a change
asks for a build by moving the row back to "queued" (many edits in a row queue one build), the task
beats while it builds, and the jobs sweep queues a build the broker never got and re-queues one whose
worker died. The screening page shows an interrupted or failed build with a "rebuild" button.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import logging
import shutil
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import scope

from kawasaki.models import Municipality
from patents.models import FIT_FIELDS, Patent, PublicationState
from smes.models import SME

from .conf import engine_settings
from .engine.fit import FIT_PROFILE_FIELDS, DocMeta, FitProfile
from .engine.index import ENGINE_VERSION, Document, IndexVersionError, ScreeningIndex
from .engine.text import Analyzer
from .engine.translate import JA_STOP_WORDS
from .models import IndexBuild, IndexBuildState, IndexKind, IndexVersion, SearchIndex

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


# --- versions ------------------------------------------------------------------------------------


def index_version_bump(*, municipality_id: int, kind: str, queued: bool = False) -> None:
    """Record that rows of an index kind changed: one UPDATE in the writer's transaction (model
    signals and the bulk paths call this), so a query compares two numbers instead of counting rows.
    ``queued``: the caller queues a build for the new version (requests then queue none).

    Inside the writer's transaction on purpose: a build reads the version before the rows, so an
    index registered for version v holds v's rows or newer ones, never older."""
    changes: dict[str, object] = {"version": F("version") + 1}
    if queued:
        # Both right-hand sides read the row before the update: the new version, queued.
        changes.update(queued_version=F("version") + 1, queued_at=timezone.now())
    with scope(municipality=municipality_id):
        rows = IndexVersion.objects.filter(municipality_id=municipality_id, kind=kind)
        if rows.update(**changes):
            return
        try:
            with transaction.atomic():
                IndexVersion.objects.create(
                    municipality_id=municipality_id,
                    kind=kind,
                    version=2,
                    queued_version=2 if queued else 0,
                    queued_at=timezone.now() if queued else None,
                )
        except IntegrityError:  # created by a concurrent writer since the UPDATE
            rows.update(**changes)


def _state(municipality: Municipality, kind: str) -> IndexVersion:
    """The version row of an index kind, with its registered index (created at version 1 if none)."""
    state = (
        IndexVersion.objects.filter(municipality=municipality, kind=kind).select_related("current").first()
    )
    if state is not None:
        return state
    try:
        with transaction.atomic():
            return IndexVersion.objects.create(municipality=municipality, kind=kind)
    except IntegrityError:
        return IndexVersion.objects.select_related("current").get(municipality=municipality, kind=kind)


def index_stamp(*, kind: str, version: int) -> str:
    """What an index must have been built for to answer now: the data version, the engine's major
    version and the settings baked into the file."""
    raw = f"{ENGINE_VERSION.split('.')[0]}|{kind}|{version}|{sorted(engine_settings().index_key().items())}"
    return hashlib.sha256(raw.encode()).hexdigest()


def content_stamp(*, municipality: Municipality, kind: str) -> str:
    """The stamp of the rows an index is built from now: changes with any insert, edit or delete
    (one primary-key lookup of the version row, no scan of the rows)."""
    return index_stamp(kind=kind, version=_state(municipality, kind).version)


# --- one build at a time -----------------------------------------------------------------------------

# Advisory lock space of index builds (two int4 keys: this class, then municipality and kind).
_LOCK_CLASS = 0x4B4D4958  # "KMIX"
_KIND_NUMBER = {IndexKind.SEEDS: 0, IndexKind.SMES: 1}


@contextmanager
def build_lock(*, municipality: Municipality, kind: str, wait: float) -> Iterator[bool]:
    """Hold the one build lock of (municipality, kind) for the block; yields False if another build
    held it for ``wait`` seconds. PostgreSQL: a session advisory lock (every web and worker process of
    every host sees it); other databases (SQLite, one host): an exclusive lock on a file beside the
    index files."""
    deadline = time.monotonic() + wait
    if connection.vendor == "postgresql":
        key = (_LOCK_CLASS, municipality.pk * 2 + _KIND_NUMBER[kind])
        with connection.cursor() as cursor:
            while True:
                cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", key)
                if cursor.fetchone()[0]:
                    break
                if time.monotonic() >= deadline:
                    yield False
                    return
                time.sleep(0.1)
        try:
            yield True
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", key)
        return
    with open(_index_dir(municipality) / f".{kind}.lock", "a+b") as handle:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    yield False
                    return
                time.sleep(0.1)
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _usable(record: SearchIndex | None) -> bool:
    return record is not None and (Path(record.path) / "header.json").exists()


def index_build(*, municipality: Municipality, kind: str, wait: float | None = None) -> SearchIndex | None:
    """Build, store and register the index of one kind for the rows as they are now, one build at a
    time per municipality and kind (:func:`build_lock`). Returns the registered index, or None when
    another build held the lock for ``wait`` seconds (default ``KAWASAKI_INDEX_BUILD_LOCK_WAIT``).

    Each build writes a directory of its own (kind, version and a random part), registers it, then
    removes the files of the indexes before the previous one: never the registered one, and never
    the previous one, which a process that read the registration a moment ago may still open."""
    wait = settings.KAWASAKI_INDEX_BUILD_LOCK_WAIT if wait is None else wait
    with build_lock(municipality=municipality, kind=kind, wait=wait) as locked:
        if not locked:
            log.info("%s index of %s: another build is running", kind, municipality.slug)
            return None
        state = _state(municipality, kind)
        # The version first, then the rows: the index holds this version's rows or newer ones.
        version = state.version
        stamp = index_stamp(kind=kind, version=version)
        if state.current is not None and state.current.stamp == stamp and _usable(state.current):
            return state.current
        started = time.perf_counter()
        docs = (
            seed_documents(municipality=municipality)
            if kind == IndexKind.SEEDS
            else sme_documents(municipality=municipality)
        )
        index = ScreeningIndex.build(docs, engine_settings())
        path = _index_dir(municipality) / f"{kind}-v{version}-{uuid.uuid4().hex[:12]}"
        index.save(path)
        previous_id = state.current_id
        with transaction.atomic():
            record = SearchIndex.objects.create(
                municipality=municipality,
                kind=kind,
                stamp=stamp,
                version=version,
                fingerprint=index.fingerprint,
                engine_version=ENGINE_VERSION,
                doc_count=len(docs),
                path=str(path),
                build_seconds=time.perf_counter() - started,
            )
            IndexVersion.objects.filter(pk=state.pk).update(current=record)
        _cleanup(municipality, kind, keep={record.pk, previous_id})
    _cache_put(municipality.pk, kind, record, ScreeningIndex.load(path))
    log.info(
        "built %s index of %s (version %d): %d documents in %.2f s",
        kind,
        municipality.slug,
        version,
        len(docs),
        record.build_seconds,
    )
    return record


def _cleanup(municipality: Municipality, kind: str, *, keep: set[int | None]) -> None:
    """Remove older index records and their files, and files no record names (a crashed build's).
    Runs under the build lock, so no build of this kind is writing a file now."""
    for old in SearchIndex.objects.filter(municipality=municipality, kind=kind).exclude(pk__in=keep - {None}):
        old.delete()
    named = {
        Path(p).name
        for p in SearchIndex.objects.filter(municipality=municipality, kind=kind).values_list(
            "path", flat=True
        )
    }
    for entry in _index_dir(municipality).iterdir():
        mine = entry.name.startswith((f"{kind}-", f".{kind}-"))
        if mine and entry.name not in named:
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)


# --- answering queries ---------------------------------------------------------------------------------

# Loaded (mapped) indexes per process: {(municipality id, kind): (SearchIndex id, ScreeningIndex)}.
_CACHE: dict[tuple[int, str], tuple[int, ScreeningIndex]] = {}
_CACHE_LOCK = threading.Lock()


def _cache_put(municipality_id: int, kind: str, record: SearchIndex, index: ScreeningIndex) -> None:
    with _CACHE_LOCK:
        _CACHE[(municipality_id, kind)] = (record.pk, index)


def _open(municipality: Municipality, kind: str, record: SearchIndex) -> ScreeningIndex | None:
    """The registered index from this process's cache or its files (mapped); None if unreadable."""
    cached = _CACHE.get((municipality.pk, kind))
    if cached is not None and cached[0] == record.pk:
        return cached[1]
    try:
        index = ScreeningIndex.load(record.path)
    except (OSError, IndexVersionError, ValueError) as error:
        log.warning("index file %s unusable (%s)", record.path, error)
        return None
    _cache_put(municipality.pk, kind, record, index)
    return index


@dataclass(frozen=True)
class IndexAnswer:
    """The index a web request answers from. ``behind``: rows changed since it was built and a build
    is queued (the page says new data is being indexed); ``index`` is None only when there is no
    index yet and the municipality is too large to build one within the request."""

    index: ScreeningIndex | None
    record: SearchIndex | None
    behind: bool


def _queue_build(state: IndexVersion) -> None:
    """Ask for a build of the state's version once (again if the last one seems lost), through the
    build's job row (:func:`index_build_request`)."""
    now = timezone.now()
    requeue_before = now - dt.timedelta(minutes=settings.KAWASAKI_INDEX_REQUEUE_MINUTES)
    claimed = (
        IndexVersion.objects.filter(pk=state.pk)
        .filter(Q(queued_version__lt=state.version) | Q(queued_at__lt=requeue_before) | Q(queued_at=None))
        .update(queued_version=state.version, queued_at=now)
    )
    if claimed:
        index_build_request(municipality_id=state.municipality_id, kind=state.kind)


def index_for_request(*, municipality: Municipality, kind: str) -> IndexAnswer:
    """The index a web request answers from, in one query when nothing changed. A request never builds
    a large index: when rows changed it answers from the registered index and queues a build. It
    builds itself only an index of at most ``KAWASAKI_INDEX_INLINE_BUILD_MAX_DOCS`` documents (a
    second or two), and only if no other build is running."""
    state = _state(municipality, kind)
    record = state.current
    index = _open(municipality, kind, record) if record is not None else None
    if (
        index is not None
        and record is not None
        and record.stamp == index_stamp(kind=kind, version=state.version)
    ):
        return IndexAnswer(index, record, behind=False)
    limit = settings.KAWASAKI_INDEX_INLINE_BUILD_MAX_DOCS
    size = (
        record.doc_count
        if index is not None and record is not None
        else _querysets(municipality, kind).count()
    )
    if size <= limit:
        built = index_build(
            municipality=municipality, kind=kind, wait=min(5.0, settings.KAWASAKI_INDEX_BUILD_LOCK_WAIT)
        )
        if built is not None:
            fresh = _open(municipality, kind, built)
            if fresh is not None:
                return IndexAnswer(fresh, built, behind=False)
    _queue_build(state)
    log.info(
        "%s index of %s is behind (version %s, index %s): answering from %s, build queued",
        kind,
        municipality.slug,
        state.version,
        record.version if record is not None else None,
        "the previous index" if index is not None else "no index",
    )
    return IndexAnswer(index, record if index is not None else None, behind=True)


def current_index(*, municipality: Municipality, kind: str) -> tuple[ScreeningIndex, SearchIndex]:
    """The index for the rows as they are now, for background jobs (screening runs): the registered
    one if current, else built here under the build lock (waiting for a running build, which is
    then usually the current one)."""
    state = _state(municipality, kind)
    record = state.current
    if record is not None and record.stamp == index_stamp(kind=kind, version=state.version):
        index = _open(municipality, kind, record)
        if index is not None:
            return index, record
    log.info("no current %s index for %s; building it in this job", kind, municipality.slug)
    built = index_build(municipality=municipality, kind=kind)
    if built is None:
        raise RuntimeError(f"the {kind} index of {municipality.slug} is locked by another build")
    index = _open(municipality, kind, built)
    if index is None:
        raise RuntimeError(f"the {kind} index of {municipality.slug} could not be read after its build")
    return index, built


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
        if index_build(municipality=build.municipality, kind=build.kind) is None:
            # Another build held the lock all along: fail this attempt so that the task retries later.
            raise RuntimeError(f"the {build.kind} index is locked by another build")
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
