"""Health answers for load balancers, docker compose and the operator's monitoring.

Two paths, both answered by the first middleware, before SecurityMiddleware and host validation, so
that a probe on http://127.0.0.1:8000 from inside the container works whatever DJANGO_ALLOWED_HOSTS
and the HTTPS redirect say:

- ``/health/`` (liveness, public): this web process is up and answering. It touches nothing else (no
  database query, no cache write, no broker connection), so probing it often costs nothing and an
  outage of Redis or PostgreSQL does not get the web containers restarted.
- ``/health/ready/`` (readiness, for the operator): the database, the shared cache (rate limits, used
  TOTP codes) and the Celery broker (imports, screening, PDFs), each within
  ``KAWASAKI_HEALTH_TIMEOUT`` seconds (a check that hangs counts as failed; the answer does not wait
  for it). It needs ``Authorization: Bearer <KAWASAKI_HEALTH_TOKEN>``; without the token set it is
  closed. The body names each check as ok, failed or timeout, never why (the reason goes to the log).
"""

from __future__ import annotations

import hmac
import logging
import threading
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse

log = logging.getLogger(__name__)

HEALTH_PATH = "/health/"
READY_PATH = "/health/ready/"


def _database() -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        connection.close()  # each check runs in its own thread, with its own connection


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


def _run_with_timeout(name: str, check, timeout: float) -> str:
    """ "ok", "failed" or "timeout": the check runs in a daemon thread that is not waited for longer."""
    outcome: dict[str, str] = {}

    def run() -> None:
        try:
            check()
        except Exception:  # any failure makes the process not ready; the reason is logged
            log.exception("health check %s failed", name)
            outcome["result"] = "failed"
        else:
            outcome["result"] = "ok"

    thread = threading.Thread(target=run, name=f"health-{name}", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        log.error("health check %s did not answer within %s s", name, timeout)
        return "timeout"
    return outcome.get("result", "failed")


def health_report() -> tuple[bool, dict[str, str]]:
    """Run every readiness check, each within its timeout; (all ok, {check: "ok" | "failed" | "timeout"})."""
    timeout = float(settings.KAWASAKI_HEALTH_TIMEOUT)
    results = {name: _run_with_timeout(name, check, timeout) for name, check in CHECKS.items()}
    return all(v == "ok" for v in results.values()), results


def _token_ok(request: HttpRequest) -> bool:
    expected = getattr(settings, "KAWASAKI_HEALTH_TOKEN", "")
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return bool(expected) and scheme.lower() == "bearer" and hmac.compare_digest(given.strip(), expected)


def _json(body: dict, status: int) -> JsonResponse:
    response = JsonResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    return response


class HealthCheckMiddleware:
    """Answer GET/HEAD /health/ (liveness) and /health/ready/ (readiness), before anything else runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info not in (HEALTH_PATH, READY_PATH) or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        if request.path_info == HEALTH_PATH:
            return _json({"status": "ok"}, 200)
        if not _token_ok(request):
            return _json({"status": "forbidden"}, 403)
        ready, checks = health_report()
        return _json({"status": "ok" if ready else "failed", "checks": checks}, 200 if ready else 503)
