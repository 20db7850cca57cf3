"""Tenant scope and MFA enforcement for every request."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django_scopes import scope

from .models import Role
from .selectors import active_memberships, membership_for_slug_or_404

MUNICIPALITY_KWARG = "municipality"
SESSION_LAST_MUNICIPALITY = "kawasaki_last_municipality"


class MunicipalityScopeMiddleware:
    """Enter the django-scopes scope of the municipality named in the URL.

    URLs under /m/<municipality>/ belong to one tenant. Anonymous visitors are sent to the login page
    (before anything is looked up, so the answer says nothing about which slugs exist); a signed-in
    user who is not a member gets 404, the same answer as for a slug that does not exist. Everything
    else runs without a scope, so a stray query on a tenant model raises instead of leaking.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.municipality = None
        request.membership = None
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return self.get_response(request)
        slug = match.kwargs.get(MUNICIPALITY_KWARG)
        if slug is None:
            return self.get_response(request)
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        membership = membership_for_slug_or_404(user=request.user, slug=slug)
        request.membership = membership
        request.municipality = membership.municipality
        if request.session.get(SESSION_LAST_MUNICIPALITY) != slug:
            # Only on a change: writing every time would save the session row on every page.
            request.session[SESSION_LAST_MUNICIPALITY] = slug
        with scope(municipality=membership.municipality):
            return self.get_response(request)


# Pages a user who must enrol can still reach: enrolment itself, logout, language, static files.
_MFA_EXEMPT_URL_NAMES = frozenset(
    {
        "mfa_activate_totp",
        "mfa_index",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_download_recovery_codes",
        "account_logout",
        "account_login",
        "account_reauthenticate",
        "mfa_reauthenticate",
        "mfa_authenticate",
        "set_language",
        "mfa_required",
    }
)


def user_needs_mfa(user) -> bool:
    """Admins and coordinators in any municipality must have TOTP enrolled."""
    if not user.is_authenticated:
        return False
    if not any(m.role in (Role.MUNICIPALITY_ADMIN, Role.COORDINATOR) for m in active_memberships(user=user)):
        return False
    from allauth.mfa.models import Authenticator

    return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class MfaRequiredMiddleware:
    """Send admins and coordinators without TOTP to enrolment before anything else.

    allauth has no setting that makes MFA mandatory for some users, hence this middleware.
    API requests authenticate with tokens, not sessions, and are not affected.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.KAWASAKI_REQUIRE_MFA and self._applies(request) and user_needs_mfa(request.user):
            return redirect("mfa_required")
        return self.get_response(request)

    @staticmethod
    def _applies(request) -> bool:
        if not request.user.is_authenticated:
            return False
        path = request.path_info
        if path.startswith((settings.STATIC_URL, "/api/")):
            return False
        try:
            match = resolve(path)
        except Resolver404:
            return False
        return match.url_name not in _MFA_EXEMPT_URL_NAMES
