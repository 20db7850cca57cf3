"""API throttles that count the real client, not the TLS proxy in front of gunicorn.

DRF's own throttles know only ``NUM_PROXIES``; behind a proxy that names the client in a header of its
own (``KAWASAKI_TRUSTED_CLIENT_IP_HEADER``, e.g. X-Real-IP) they would count every program of the city
as the proxy. Both throttles here take the address from ``kawasaki.adapters.client_ip``, the one the
login throttles use: the trusted header, else the entry ``KAWASAKI_TRUSTED_PROXY_COUNT`` places from
the right of X-Forwarded-For (entries further left are the client's own and may be forged), else the
socket's address.

- ``ApiUserThrottle`` (``KAWASAKI_API_RATE``): per signed-in token user, per client address otherwise.
- ``FailedAuthThrottle`` (``KAWASAKI_API_FAILED_AUTH_RATE``): failed token authentications per client
  address. Checked by ``ApiTokenAuthentication`` before it looks a key up, so that a client guessing
  keys gets 429 (with Retry-After) once it has spent its failures, even with a key that would work.
"""

from __future__ import annotations

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle, UserRateThrottle

from ..adapters import client_ip


def client_ident(request) -> str:
    """The client's address behind the trusted proxies (the socket's address if there is none)."""
    return client_ip(request) or request.META.get("REMOTE_ADDR") or "unknown"


class ApiUserThrottle(UserRateThrottle):
    """The API's request rate: per token user, or per real client address for anonymous requests."""

    def get_ident(self, request) -> str:
        return client_ident(request)


class FailedAuthThrottle(SimpleRateThrottle):
    """Failed API authentications per client address; a blocked client is refused before any lookup.

    Unlike DRF's throttles it does not count every request: ``wait_for`` only reads the history, and
    ``record_failure`` adds a failure. The history lives in the shared cache (every web process sees it).
    """

    scope = "failed_auth"

    def get_rate(self) -> str | None:
        # Read when used, not frozen at import as DRF's class attribute is (tests and settings change it).
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view=None) -> str:
        return self.cache_format % {"scope": self.scope, "ident": client_ident(request)}

    def _history(self, request) -> list[float]:
        self.key = self.get_cache_key(request)
        self.now = self.timer()
        history = [t for t in self.cache.get(self.key, []) if t > self.now - self.duration]
        self.history = history
        return history

    def wait_for(self, request) -> float | None:
        """Seconds until this client may try again, or None when it has failures to spare."""
        if self.rate is None:
            return None
        history = self._history(request)
        if len(history) < self.num_requests:
            return None
        return max(0.0, history[-1] + self.duration - self.now) if history else None

    def record_failure(self, request) -> None:
        if self.rate is None:
            return
        history = self._history(request)
        history.insert(0, self.now)
        self.cache.set(self.key, history, self.duration)
