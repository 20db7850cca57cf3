"""allauth adapters: nobody signs up on their own; accounts come from invitations."""

from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # Accounts are created only by accepting an invitation (kawasaki.services.invitation_accept).
        return False

    def get_login_redirect_url(self, request) -> str:
        return reverse("home")
