"""Reads of the core. Views, the API and reports call these instead of building their own querysets."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils import timezone
from django_scopes import scopes_disabled

from .models import ApiToken, AuditEntry, Invitation, Membership, Municipality, Role, User
from .models.users import hash_secret

_ROLE_CACHE = "_kawasaki_roles"  # tests of other apps clear it by this name


def memberships_of(*, user: User) -> QuerySet[Membership]:
    """The active memberships of a user, with their municipalities, in a stable order."""
    if not user.is_authenticated:
        return Membership.objects.none()
    return (
        Membership.objects.filter(user=user, is_active=True)
        .select_related("municipality")
        .order_by("municipality__slug")
    )


def active_memberships(*, user: User) -> list[Membership]:
    """`memberships_of` as a list, read once per request: the middleware, the permission rules, the MFA
    check and the header all ask, and the user object lives as long as the request."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, _ROLE_CACHE, None)
    if cached is None:
        cached = list(memberships_of(user=user))
        setattr(user, _ROLE_CACHE, cached)
    return cached


def membership_in(*, user: User, municipality: Municipality) -> Membership | None:
    """The user's active membership in a municipality, or None; cached on the user for the request."""
    return next((m for m in active_memberships(user=user) if m.municipality_id == municipality.pk), None)


def role_in(*, user: User, municipality: Municipality) -> str | None:
    """The user's role in a municipality, or None."""
    membership = membership_in(user=user, municipality=municipality)
    return membership.role if membership is not None else None


def forget_roles(user: User) -> None:
    """Drop the cached memberships after a membership change in the same request."""
    if hasattr(user, _ROLE_CACHE):
        delattr(user, _ROLE_CACHE)


def membership_for_slug_or_404(*, user: User, slug: str) -> Membership:
    """The user's membership in the municipality with this slug; 404 whether it is missing or not theirs."""
    membership = next((m for m in active_memberships(user=user) if m.municipality.slug == slug), None)
    if membership is None:
        raise Http404
    return membership


def members_of(*, municipality: Municipality) -> QuerySet[Membership]:
    """Everyone with a role in a municipality."""
    return (
        Membership.objects.filter(municipality=municipality)
        .select_related("user")
        .order_by("role", "user__email")
    )


def member_counts_by_role(*, municipality: Municipality) -> dict[str, int]:
    """Active members per role, every role present (zero when none)."""
    counts = dict.fromkeys(Role.values, 0)
    rows = (
        Membership.objects.filter(municipality=municipality, is_active=True)
        .values("role")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        counts[row["role"]] = row["n"]
    return counts


def invitations_open(*, municipality: Municipality) -> QuerySet[Invitation]:
    """Invitations that can still be accepted."""
    return Invitation.objects.filter(
        municipality=municipality,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).select_related("invited_by")


def invitations_of(*, municipality: Municipality) -> QuerySet[Invitation]:
    """All invitations of a municipality, newest first."""
    return Invitation.objects.filter(municipality=municipality).select_related("invited_by", "accepted_by")


def invitation_by_token(*, token: str) -> Invitation | None:
    """The invitation a link points to. The secret token is the capability, so this is the one read
    that looks across tenants; the caller enters the invitation's scope from the result."""
    with scopes_disabled():
        return Invitation.objects.select_related("municipality").filter(token_hash=hash_secret(token)).first()


def audit_entries_of(*, municipality: Municipality) -> QuerySet[AuditEntry]:
    """The municipality's audit log, newest first."""
    return AuditEntry.objects.filter(municipality=municipality).select_related("actor", "content_type")


def api_tokens_of(*, user: User, municipality: Municipality) -> QuerySet[ApiToken]:
    """A user's tokens in one municipality."""
    return ApiToken.objects.filter(user=user, municipality=municipality)


def api_token_by_key(*, key: str) -> ApiToken | None:
    """The live token for a key. Like invitations, the key selects the tenant, so the lookup is unscoped."""
    with scopes_disabled():
        return (
            ApiToken.objects.select_related("user", "municipality")
            .filter(key_hash=hash_secret(key), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
