"""Tenant scope and MFA enforcement for every request."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
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


def user_must_use_mfa(user) -> bool:
    """Admins and coordinators in any municipality, and staff of the Django admin, sign in with TOTP."""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return any(m.role in (Role.MUNICIPALITY_ADMIN, Role.COORDINATOR) for m in active_memberships(user=user))


def user_needs_mfa(user) -> bool:
    """True for a user who must use TOTP but has not enrolled an authenticator yet."""
    if not user_must_use_mfa(user):
        return False
    from allauth.mfa.models import Authenticator

    return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def session_passed_mfa(request) -> bool:
    """Did *this session* present the second factor (at login, reauthentication or enrolment)?

    allauth records each step of a sign-in in the session (method "password", then "mfa"); a session
    made any other way (the Django admin's login form, a password alone) has no "mfa" record.
    """
    from allauth.account.authentication import get_authentication_records

    return any(record.get("method") == "mfa" for record in get_authentication_records(request, request.user))


class MfaRequiredMiddleware:
    """Admins, coordinators and Django staff: enrolled TOTP, and this session passed it.

    Without an authenticator they are sent to enrolment; with one, a session that did not present
    the code (made by a login path other than allauth's, or from before enrolment) is sent to the
    second-factor step of reauthentication before any other page opens. allauth has no setting
    that makes MFA mandatory for some users, hence this middleware. API requests authenticate with
    tokens, not sessions, and are not affected.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.KAWASAKI_REQUIRE_MFA and self._applies(request) and user_must_use_mfa(request.user):
            if user_needs_mfa(request.user):
                return redirect("mfa_required")
            if not session_passed_mfa(request):
                return redirect_to_login(request.get_full_path(), login_url=reverse("mfa_reauthenticate"))
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


def record_enrolment_as_mfa(sender, request, user, authenticator, **kwargs) -> None:
    """Enrolling TOTP means typing a valid code: this session has presented the second factor."""
    from allauth.account.internal.flows.login import record_authentication

    if request is not None and authenticator.type == authenticator.Type.TOTP and request.user == user:
        record_authentication(
            request, user, "mfa", id=authenticator.pk, type=authenticator.type, enrolled=True
        )


class PrivateCacheMiddleware:
    """``Cache-Control: private, no-store`` on every answer to a signed-in person or an API token.

    Pages, downloads (PDFs, exports, attachments), .ics feeds and API answers of a signed-in user hold
    one municipality's data: neither a shared proxy nor the browser's disk cache may keep them (a
    shared office computer's cache outlives the 8-hour session). Anonymous pages keep their headers.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or "HTTP_AUTHORIZATION" in request.META:
            response["Cache-Control"] = "private, no-store"
        return response
