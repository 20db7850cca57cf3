"""Core background tasks. Each task calls exactly one service."""

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
