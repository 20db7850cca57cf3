"""Token authentication for programs: `Authorization: Token <key>`; the key selects the municipality."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from ..selectors import api_token_by_key, memberships_of


class ApiTokenAuthentication(authentication.TokenAuthentication):
    keyword = "Token"

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
