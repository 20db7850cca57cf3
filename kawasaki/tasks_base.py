"""Task bases for work that belongs to a municipality: the tenant scope and failure handling, once.

A task of one municipality subclasses ``MunicipalityTask``; a beat task that walks every municipality
calls ``each_municipality``. Task bodies then only look up their object and call one service.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from celery.exceptions import Ignore, Reject, Retry, SoftTimeLimitExceeded
from django.contrib.contenttypes.models import ContentType
from django_scopes import get_scope, scope

from .celery import KawasakiTask
from .jobs import Heartbeat
from .models import Municipality

logger = logging.getLogger(__name__)

# Not failures: Celery's own signals that the message is retried, dropped or handed back.
_CONTROL_FLOW = (Retry, Ignore, Reject)


def _fresh_content_types() -> None:
    # A long-lived worker must not trust its cached content type ids: audit entries reference them,
    # and the table can be rebuilt under it (a flushed test database, a restored dump).
    ContentType.objects.clear_cache()


class MunicipalityTask(KawasakiTask):
    """A task called with ``municipality_id=``: its body runs inside that municipality's scope.

    The municipality is looked up first; if it is gone the task returns ``None`` without running the
    body, which reads it as ``self.municipality``. When a run ends in an error that will not be
    retried (any error but a database ``OperationalError``, or that one once ``max_retries`` are
    spent), ``on_final_failure(**kwargs)`` is called once, in the scope, with the task's keyword
    arguments, so that the job's page stops waiting. A task gives it as an option:
    ``@app.task(..., base=MunicipalityTask, bind=True, on_final_failure=mark_failed)`` with
    ``def mark_failed(task, *, municipality_id, <the task's ids>) -> None``; the reason (a short,
    readable text) is ``task.failure_reason``.

    A task of a job row (``kawasaki.jobs.BackgroundJob``) names it with ``job=(Model, "run_id")``:
    while the body runs, a heartbeat thread stamps the row, so that a killed worker shows as
    interrupted and the sweep re-queues it. The soft time limit (``CELERY_TASK_SOFT_TIME_LIMIT``,
    below the hard one) raises ``SoftTimeLimitExceeded`` in the body, which is final: the hook runs
    before the hard limit would kill the process with no chance to record anything.
    """

    job: tuple[type, str] | None = None
    failure_reason: str = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # @app.task makes a subclass whose run is the decorated function; Celery then wraps run with
        # its autoretry, so wrapping it here puts the lookup inside the retry too.
        body = cls.__dict__.get("run")
        if body is not None:
            cls.run = _in_municipality_scope(body)

    def on_final_failure(self, **kwargs: Any) -> None:
        """Mark the task's job failed; nothing to mark unless a task says so."""

    @property
    def municipality(self) -> Municipality:
        """The municipality whose scope the running task is in."""
        return get_scope()["municipality"]

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        # Out here the autoretry wrapper around run has decided: a retry arrives as Retry, and any
        # other error is final (OperationalError too, once max_retries are spent).
        try:
            return super().__call__(*args, **kwargs)
        except _CONTROL_FLOW:
            raise
        except SoftTimeLimitExceeded:
            self.failure_reason = "time limit exceeded"
            self._mark_failed(kwargs)
            raise
        except Exception as error:
            self.failure_reason = f"{type(error).__name__}: {error}"[:500]
            self._mark_failed(kwargs)
            raise

    def _mark_failed(self, kwargs: dict[str, Any]) -> None:
        try:
            municipality = Municipality.objects.filter(pk=kwargs["municipality_id"]).first()
            if municipality is not None:
                with scope(municipality=municipality):
                    self.on_final_failure(**kwargs)
        except Exception:
            # The task's own error is the one to report; the job stays pending (its page says so).
            logger.exception("%s: could not mark the job failed", self.name)


def _in_municipality_scope(body: Any) -> Callable[..., Any]:
    """Wrap a task body: look up the municipality and run the body in its scope.

    This sits inside Celery's autoretry wrapper, so a database outage during the lookup is retried
    like one in the body. The message keeps ``municipality_id``: retries are sent from it.
    """
    bound = not isinstance(body, staticmethod)
    function = body if bound else body.__func__

    @functools.wraps(function)
    def run(self: MunicipalityTask, *args: Any, **kwargs: Any) -> Any:
        municipality = Municipality.objects.filter(pk=kwargs["municipality_id"]).first()
        if municipality is None:
            logger.info("%s: municipality %s is gone; nothing to do", self.name, kwargs["municipality_id"])
            return None
        _fresh_content_types()
        job = getattr(self, "job", None)
        with scope(municipality=municipality):
            if job is None:
                return function(self, *args, **kwargs) if bound else function(*args, **kwargs)
            model, id_kwarg = job
            with Heartbeat(model, kwargs[id_kwarg]):
                return function(self, *args, **kwargs) if bound else function(*args, **kwargs)

    return run


def each_municipality(service: Callable[..., int], *, municipality_id: int | None = None) -> int:
    """For every municipality (or only ``municipality_id``), in its scope, call
    ``service(municipality=...)``; answer the sum of what the calls answer (beat tasks' counts)."""
    wanted = Municipality.objects.order_by("pk")
    if municipality_id is not None:
        wanted = wanted.filter(pk=municipality_id)
    municipalities = list(wanted)
    _fresh_content_types()
    total = 0
    for municipality in municipalities:
        with scope(municipality=municipality):
            total += service(municipality=municipality)
    return total
