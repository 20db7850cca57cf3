"""Core background tasks. Each task calls exactly one service."""

import logging

from celery.signals import worker_ready
from django.core.cache import cache

from .celery import KawasakiTask, app
from .services import invitations_purge_expired
from .tasks_base import each_municipality


@app.task(name="kawasaki.purge_expired_invitations", base=KawasakiTask, bind=True)
def purge_expired_invitations(self) -> int:
    """Beat: in every municipality, delete invitations that expired long ago."""
    return each_municipality(invitations_purge_expired)


@app.task(name="kawasaki.ping", base=KawasakiTask, bind=True)
def ping(self, *, marker: str) -> str:
    """Health check of the queue: writes a cache key the caller can wait for."""
    cache.set(f"kawasaki:ping:{marker}", "pong", 300)
    return marker


@app.task(name="kawasaki.jobs_sweep", base=KawasakiTask, bind=True)
def jobs_sweep(self) -> dict[str, int]:
    """Beat (every minute) and worker start: queue recorded jobs the broker never got, re-queue stalled ones."""
    from .jobs import jobs_sweep as sweep

    return sweep()


@worker_ready.connect(weak=False)
def _sweep_when_a_worker_starts(sender=None, **kwargs) -> None:
    # A worker coming back after an outage or a kill picks up what waited for it, without waiting
    # for beat. Published, not run here: the worker's main process does not run tasks.
    try:
        jobs_sweep.apply_async(retry=False)
    except Exception:
        logging.getLogger(__name__).warning("could not queue the start-up sweep", exc_info=True)
