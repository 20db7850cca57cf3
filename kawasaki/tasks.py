"""Core background tasks. Each task calls exactly one service."""

from .celery import KawasakiTask, app
from .services import invitations_purge_expired


@app.task(name="kawasaki.purge_expired_invitations", base=KawasakiTask, bind=True)
def purge_expired_invitations(self) -> int:
    return invitations_purge_expired()


@app.task(name="kawasaki.ping", base=KawasakiTask, bind=True)
def ping(self, *, marker: str) -> str:
    """Health check of the queue: writes a cache key the caller can wait for."""
    from django.core.cache import cache

    cache.set(f"kawasaki:ping:{marker}", "pong", 300)
    return marker
