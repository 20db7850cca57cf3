"""Project package: settings, URLs, the Celery app and the cross-cutting core (tenancy, users, audit)."""

from .celery import app as celery_app

__all__ = ["celery_app"]
