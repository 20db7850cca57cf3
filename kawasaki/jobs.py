"""Background jobs whose row is the record: publishing that survives a broker outage, heartbeats, the sweep.

A job (a screening run, a portfolio import) is a row in PostgreSQL first and a broker message second.
``enqueue`` publishes its task after the transaction commits and, when the broker (Redis) is down or
hung, logs the error instead of failing the request: the row keeps ``enqueued_at`` empty ("recorded
but not handed to the broker") and the page says that background work is paused. ``jobs_sweep`` (a
beat task every minute, and once when a worker starts) publishes what was recorded but not queued and
re-queues running jobs whose heartbeat stopped (a killed worker), a bounded number of times, then
marks them failed.

Apps describe their jobs once in ``AppConfig.ready()`` with ``register_job(JobKind(...))``: the core
cannot import them (the dependency order).
"""

from __future__ import annotations

import contextvars
import dataclasses
import datetime as dt
import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db import close_old_connections, connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_scopes import scopes_disabled

log = logging.getLogger(__name__)

PAUSED_MESSAGE = gettext_lazy(
    "Background work is paused; your request is saved and will run when it is back."
)


class BackgroundJob(models.Model):
    """The columns every long job has: handed to the broker when, alive when, tried how often."""

    enqueued_at = models.DateTimeField(
        gettext_lazy("handed to the queue at"),
        null=True,
        blank=True,
        help_text=gettext_lazy("Empty while the request is recorded but not yet queued (queue down)."),
    )
    heartbeat_at = models.DateTimeField(gettext_lazy("last sign of life"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(gettext_lazy("attempts"), default=0)

    # Which states mean "a worker is on it": a row in one of these whose heartbeat stopped is interrupted.
    JOB_STATE_FIELD = "state"
    JOB_RUNNING_STATES: tuple[str, ...] = ()
    # When the row was (last) recorded: the sweep leaves it to its own publish for a grace period.
    JOB_RECORDED_FIELD = "created_at"

    class Meta:
        abstract = True

    @property
    def is_interrupted(self) -> bool:
        """Running, but no sign of life for longer than ``KAWASAKI_JOB_STALE_MINUTES`` (a dead worker)."""
        if getattr(self, self.JOB_STATE_FIELD) not in self.JOB_RUNNING_STATES:
            return False
        last = self.heartbeat_at or self.enqueued_at
        return last is not None and last < timezone.now() - stale_after()

    @property
    def is_waiting_for_queue(self) -> bool:
        """Recorded, but the broker was down when it was to be queued."""
        return self.enqueued_at is None


def stale_after() -> dt.timedelta:
    return dt.timedelta(minutes=settings.KAWASAKI_JOB_STALE_MINUTES)


def queue_grace() -> dt.timedelta:
    """How long a just-recorded job is left to its own publish (after commit) before it counts as unqueued."""
    return dt.timedelta(seconds=settings.KAWASAKI_JOB_QUEUE_GRACE_SECONDS)


# --- publishing ------------------------------------------------------------------------------------

# Set by BackgroundPausedMiddleware for each request: enqueue() records there that publishing failed.
_paused: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "kawasaki_jobs_paused", default=None
)


def broker_errors() -> tuple[type[BaseException], ...]:
    """What a publish raises when Redis is down or hung (kombu wraps most; redis-py and sockets the rest)."""
    import socket

    from kombu.exceptions import OperationalError as KombuOperationalError

    errors: list[type[BaseException]] = [KombuOperationalError, ConnectionError, TimeoutError, socket.timeout]
    try:
        import redis.exceptions

        errors += [redis.exceptions.ConnectionError, redis.exceptions.TimeoutError]
    except ImportError:  # pragma: no cover - redis is a dependency
        pass
    return tuple(errors)


def publish(
    task: Any, *, model: type[models.Model] | None = None, pk: int | None = None, **kwargs: Any
) -> bool:
    """Publish ``task`` with ``kwargs`` now; on success stamp ``enqueued_at`` of row ``pk`` of ``model``.

    Answers False (and logs) when the broker cannot be reached: the row is the record and the sweep
    publishes it later. Never raises a broker error.
    """
    try:
        task.apply_async(kwargs=kwargs, retry=False)
    except broker_errors() as error:
        log.warning(
            "could not queue %s %s (broker unreachable: %s); the sweep will", task.name, kwargs, error
        )
        paused = _paused.get()
        if paused is not None:
            paused.append(task.name)
        return False
    if model is not None and pk is not None:
        model._base_manager.filter(pk=pk).update(enqueued_at=timezone.now())
    return True


def enqueue(task: Any, *, job: BackgroundJob | None = None, **kwargs: Any) -> None:
    """Publish ``task(**kwargs)`` once the current transaction commits (at once outside one).

    With ``job``, its row records whether the message reached the broker (``enqueued_at``).
    """
    model = type(job) if job is not None else None
    pk = job.pk if job is not None else None
    transaction.on_commit(lambda: publish(task, model=model, pk=pk, **kwargs))


class BackgroundPausedMiddleware:
    """Say on the page when a request's job could not be queued (Redis down): saved, runs later."""

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response

    def __call__(self, request):
        token = _paused.set([])
        try:
            response = self.get_response(request)
            if _paused.get() and hasattr(request, "_messages"):
                messages.warning(request, _(str(PAUSED_MESSAGE)))
            if _paused.get():
                response["X-Background-Paused"] = "1"
        finally:
            _paused.reset(token)
        return response


# --- heartbeats ------------------------------------------------------------------------------------


class Heartbeat:
    """While a task runs, stamp its job's ``heartbeat_at`` every ``KAWASAKI_JOB_HEARTBEAT_SECONDS``.

    A thread of its own (with its own database connection), so a long engine call or a long
    transaction does not stop the beat; a killed worker does, which is what the sweep looks for.
    """

    def __init__(self, model: type[models.Model], pk: int) -> None:
        self.model = model
        self.pk = pk
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name=f"heartbeat-{model.__name__}-{pk}", daemon=True
        )

    def beat(self) -> None:
        self.model._base_manager.filter(pk=self.pk).update(heartbeat_at=timezone.now())

    def _run(self) -> None:
        try:
            while not self._stop.wait(settings.KAWASAKI_JOB_HEARTBEAT_SECONDS):
                try:
                    self.beat()
                except Exception:  # a database blip: the next beat tries again
                    log.warning("heartbeat of %s %s failed", self.model.__name__, self.pk, exc_info=True)
                    close_old_connections()
        finally:
            connection.close()

    def __enter__(self) -> Heartbeat:
        self.beat()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


# --- the registry and the sweep -------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class JobKind:
    """How the sweep finds, re-queues and fails one kind of job.

    ``task_for(row)`` answers the task to publish for a row (an import validates or commits by its
    state); ``id_kwarg`` names the row's id in the task's keyword arguments; ``pending`` are states
    waiting for a worker, ``running`` the states a worker is on; ``fail(row, reason)`` marks it failed
    by a conditional update.
    """

    model: type[BackgroundJob]
    task_for: Callable[[Any], Any]
    id_kwarg: str
    pending: tuple[str, ...]
    running: tuple[str, ...]
    fail: Callable[[Any, str], None]


_KINDS: list[JobKind] = []


def register_job(kind: JobKind) -> None:
    if kind not in _KINDS:
        _KINDS.append(kind)


def registered_jobs() -> Iterable[JobKind]:
    return tuple(_KINDS)


def _publish_row(kind: JobKind, row: Any) -> bool:
    task = kind.task_for(row)
    return publish(
        task, model=kind.model, pk=row.pk, municipality_id=row.municipality_id, **{kind.id_kwarg: row.pk}
    )


def jobs_sweep(*, stale: dt.timedelta | None = None, grace: dt.timedelta | None = None) -> dict[str, int]:
    """Queue what was recorded but never queued; re-queue (or, after the last attempt, fail) stalled jobs.

    Safe to run at any time and in several processes: each row is claimed by a conditional update
    (state and the time we read), so two sweeps queue a row once; a second copy of a task is harmless
    anyway (every job task checks its state under a row lock). Answers counts for the log.
    """
    stale = stale if stale is not None else stale_after()
    grace = grace if grace is not None else queue_grace()
    now = timezone.now()
    counts = {"queued": 0, "requeued": 0, "failed": 0}
    with scopes_disabled():  # a task lookup over every municipality; each row carries its own
        for kind in registered_jobs():
            _sweep_kind(kind, counts, now=now, stale=stale, grace=grace)
    if any(counts.values()):
        log.info("jobs sweep: %s", counts)
    return counts


def _sweep_kind(kind: JobKind, counts: dict[str, int], *, now, stale, grace) -> None:
    manager = kind.model._base_manager
    state = kind.model.JOB_STATE_FIELD
    # 1. Recorded, never handed to the broker (it was down). The grace leaves on_commit its turn.
    for row in manager.filter(**{f"{state}__in": kind.pending}, enqueued_at__isnull=True)[:500]:
        recorded = getattr(row, kind.model.JOB_RECORDED_FIELD, None)
        if recorded is not None and recorded > now - grace:
            continue
        if not _publish_row(kind, row):
            return  # the broker is still down: the next sweep tries again
        counts["queued"] += 1
    # 2. A worker was on it and went silent.
    stalled = manager.filter(**{f"{state}__in": kind.running}).filter(
        models.Q(heartbeat_at__lt=now - stale)
        | models.Q(heartbeat_at__isnull=True, enqueued_at__lt=now - stale)
    )
    for row in stalled[:500]:
        claimed = manager.filter(
            pk=row.pk,
            **{state: getattr(row, state)},
            heartbeat_at=row.heartbeat_at,
            attempts=row.attempts,
        ).update(heartbeat_at=now, attempts=models.F("attempts") + 1)
        if not claimed:
            continue  # another sweep, or the job came back to life
        if row.attempts + 1 > settings.KAWASAKI_JOB_MAX_ATTEMPTS:
            kind.fail(
                row, _("Interrupted %(n)d times (the worker stopped); given up.") % {"n": row.attempts + 1}
            )
            counts["failed"] += 1
        elif _publish_row(kind, row):
            counts["requeued"] += 1
        else:
            return
