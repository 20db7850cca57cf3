"""allauth adapters: nobody signs up on their own; accounts come from invitations."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal.httpkit import clean_client_ip
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse


def client_ip(request) -> str | None:
    """The address of the person's machine, as the trusted proxies in front of us saw it.

    ``ALLAUTH_TRUSTED_CLIENT_IP_HEADER`` (a header the proxy sets and the client cannot) wins;
    otherwise the entry ``ALLAUTH_TRUSTED_PROXY_COUNT`` places from the right of X-Forwarded-For (each
    trusted proxy appends the address it saw, so anything further left may be forged by the client);
    with no trusted proxy, the socket's address. Unlike allauth's own, a header shorter than the count
    takes its leftmost entry instead of failing the request with a 500.
    """
    header = getattr(settings, "ALLAUTH_TRUSTED_CLIENT_IP_HEADER", None)
    count = getattr(settings, "ALLAUTH_TRUSTED_PROXY_COUNT", 0)
    if header:
        ip = request.headers.get(header)
    elif count > 0 and request.headers.get("x-forwarded-for"):
        hops = [hop.strip() for hop in request.headers["x-forwarded-for"].split(",")]
        ip = hops[-min(count, len(hops))]
    else:
        ip = request.META.get("REMOTE_ADDR")
    return clean_client_ip(ip) if ip else None


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # Accounts are created only by accepting an invitation (kawasaki.services.invitation_accept).
        return False

    def get_login_redirect_url(self, request) -> str:
        return reverse("home")

    def get_client_ip(self, request) -> str:
        """Login throttles count per client address (and per account), not per proxy."""
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip
