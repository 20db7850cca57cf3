"""Token authentication for programs: `Authorization: Token <key>`; the key selects the municipality."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from ..selectors import api_token_by_key, memberships_of
from .throttling import FailedAuthThrottle


class ApiTokenAuthentication(authentication.TokenAuthentication):
    """A token in the Authorization header; failed attempts are limited per client address.

    A client that has failed ``KAWASAKI_API_FAILED_AUTH_RATE`` times is answered 429 before its key is
    looked up, so that guessing keys stops paying; requests without an Authorization header are not
    attempts (they get 401 from the permission check) and are not counted.
    """

    keyword = "Token"

    def authenticate(self, request):
        throttle = FailedAuthThrottle()
        if authentication.get_authorization_header(request):
            wait = throttle.wait_for(request)
            if wait is not None:
                raise exceptions.Throttled(wait=wait)
        try:
            return super().authenticate(request)
        except exceptions.AuthenticationFailed:
            throttle.record_failure(request)
            raise

    def authenticate_credentials(self, key):
        token = api_token_by_key(key=key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
        # A token outlives nothing: when the membership ends, the token stops working too.
        if not memberships_of(user=token.user).filter(municipality=token.municipality).exists():
            raise exceptions.AuthenticationFailed(
                _("The token's user is no longer a member of this municipality.")
            )
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            token.last_used_at = now
            token.save(update_fields=["last_used_at"])
        return token.user, token
