"""/health/: is this web process able to serve? For load balancers, docker compose and monitoring.

Answered by the first middleware, before SecurityMiddleware and host validation, so that a probe on
http://127.0.0.1:8000 from inside the container works whatever DJANGO_ALLOWED_HOSTS and the HTTPS
redirect say. It checks what every page needs: the database, the shared cache (sessions' rate limits,
used TOTP codes) and the Celery broker (imports, screening, PDFs). The body names each check as ok or
failed, never why (the reason goes to the log), so it tells an outsider nothing about the setup.
"""

from __future__ import annotations

import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse

log = logging.getLogger(__name__)

HEALTH_PATH = "/health/"


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _cache() -> None:
    key = f"kawasaki:health:{uuid.uuid4().hex}"
    cache.set(key, "ok", timeout=10)
    value = cache.get(key)
    cache.delete(key)
    if value != "ok":
        raise RuntimeError("the cache did not return what was stored")


def _broker() -> None:
    from kombu import Connection

    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    with Connection(settings.CELERY_BROKER_URL, transport_options=options) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, timeout=settings.KAWASAKI_HEALTH_TIMEOUT)


CHECKS = {"database": _database, "cache": _cache, "broker": _broker}


def health_report() -> tuple[bool, dict[str, str]]:
    """Run every check; (all ok, {check: "ok" | "failed"})."""
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception:  # any failure makes the process unhealthy; the reason is logged
            log.exception("health check %s failed", name)
            results[name] = "failed"
        else:
            results[name] = "ok"
    return all(v == "ok" for v in results.values()), results


class HealthCheckMiddleware:
    """Answer GET/HEAD /health/ with 200 (all checks ok) or 503, as JSON, before anything else runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info != HEALTH_PATH or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        healthy, checks = health_report()
        response = JsonResponse(
            {"status": "ok" if healthy else "failed", "checks": checks}, status=200 if healthy else 503
        )
        response["Cache-Control"] = "no-store"
        return response
