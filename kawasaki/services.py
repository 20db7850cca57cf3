"""Writes of the core. Every service that changes data writes an audit entry."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .mail import mail_addresses
from .models import ApiToken, AuditEntry, Colour, Invitation, Membership, Municipality, Role, User
from .models.users import hash_secret
from .selectors import forget_roles


def audit_log(
    *,
    municipality: Municipality,
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    """Record one change. `changes` maps a field to {"old": ..., "new": ...} where that matters."""
    return AuditEntry.objects.create(
        municipality=municipality,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_label=str(actor) if actor is not None and actor.is_authenticated else "system",
        action=action,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_label=str(obj)[:255] if obj is not None else "",
        changes=changes or {},
    )


def field_changes(instance: models.Model, data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The fields whose value differs, as {"field": {"old": ..., "new": ...}}."""
    diff = {}
    for field, new in data.items():
        old = getattr(instance, field)
        if old != new:
            diff[field] = {"old": old, "new": new}
    return diff


def municipality_create(
    *,
    slug: str,
    name_ja: str,
    name_en: str = "",
    prefecture: str,
    colour: str = "",
    actor: User | None,
) -> Municipality:
    """Set up a tenant. Refuses a slug in use or not URL-safe, empty names and a colour outside the
    palette; without a colour it takes the first one no other municipality has yet, so that people in
    several cities tell them apart in the header. Side effect: audit entry."""
    slug = slug.strip().lower()
    colour = colour.strip().lower()
    errors: dict[str, str] = {}
    if colour and colour not in Colour.values:
        errors["colour"] = _("Choose one of these colours: {colours}.").format(
            colours=", ".join(Colour.values)
        )
    elif not colour:
        taken = set(Municipality.objects.values_list("colour", flat=True))
        colour = next((c for c in Colour.values if c not in taken), Colour.BLUE)
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{1,49}", slug):
        errors["slug"] = _(
            "Use 2 to 50 lower-case letters, digits and hyphens, starting with a letter or digit."
        )
    elif Municipality.objects.filter(slug=slug).exists():
        errors["slug"] = _("A municipality with this slug already exists.")
    if not name_ja.strip():
        errors["name_ja"] = _("Enter the name in Japanese.")
    if not prefecture.strip():
        errors["prefecture"] = _("Enter the prefecture.")
    if errors:
        raise ValidationError(errors)
    municipality = Municipality.objects.create(
        slug=slug,
        name_ja=name_ja.strip(),
        name_en=name_en.strip(),
        prefecture=prefecture.strip(),
        colour=colour,
    )
    audit_log(
        municipality=municipality,
        actor=actor,
        action="municipality.created",
        obj=municipality,
        changes={"slug": {"new": slug}, "name_ja": {"new": municipality.name_ja}, "colour": {"new": colour}},
    )
    return municipality


def invitation_create(
    *, municipality: Municipality, actor: User | None, email: str, role: str
) -> tuple[Invitation, str]:
    """Invite an address with a role and e-mail the link.

    Returns the invitation and the raw token (only its digest is stored). Side effects: audit entry,
    e-mail sent after commit. Refuses an address that is already an active member.
    """
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Enter a valid e-mail address.")}) from None
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a valid role.")})
    if Membership.objects.filter(
        municipality=municipality, user__email__iexact=email, is_active=True
    ).exists():
        raise ValidationError({"email": _("This address is already a member of this municipality.")})
    token = Invitation.new_token()
    with transaction.atomic():
        invitation = Invitation.objects.create(
            municipality=municipality,
            email=email,
            role=role,
            token_hash=hash_secret(token),
            invited_by=actor,
            expires_at=timezone.now() + settings.KAWASAKI_INVITATION_TTL,
        )
        audit_log(
            municipality=municipality,
            actor=actor,
            action="invitation.created",
            obj=invitation,
            changes={"email": {"new": email}, "role": {"new": role}},
        )
        transaction.on_commit(lambda: _send_invitation_mail(invitation, token))
    return invitation, token


def _send_invitation_mail(invitation: Invitation, token: str) -> None:
    """Japanese first, English second, in one message: the invitee's language is not known yet."""
    from django.urls import reverse

    link = settings.KAWASAKI_BASE_URL.rstrip("/") + reverse("invitation_accept", kwargs={"token": token})
    mail_addresses(
        addresses=[invitation.email],
        template="kawasaki/email/invitation",
        context={"invitation": invitation, "link": link},
    )


def invitation_revoke(*, invitation: Invitation, actor: User) -> Invitation:
    """Withdraw an open invitation. Side effect: audit entry."""
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit_log(municipality=invitation.municipality, actor=actor, action="invitation.revoked", obj=invitation)
    return invitation


def invitation_accept(
    *, invitation: Invitation, user: User | None, password: str | None = None
) -> Membership:
    """Turn an open invitation into a membership.

    `user` is the signed-in user accepting it; when None, a new account is created for the invited
    address with `password`. Side effects: user created, membership created or reactivated, audit entry.
    """
    if not invitation.is_open:
        raise ValidationError(_("This invitation has expired or has already been used."))
    with transaction.atomic():
        if user is None:
            if User.objects.filter(email__iexact=invitation.email).exists():
                raise ValidationError(
                    _("An account with this address exists: sign in first, then open the link again.")
                )
            user = User.objects.create_user(email=invitation.email, password=password)
        elif user.email.lower() != invitation.email.lower():
            raise ValidationError(_("This invitation was sent to another e-mail address."))
        membership, created = Membership.objects.get_or_create(
            user=user, municipality=invitation.municipality, defaults={"role": invitation.role}
        )
        if not created:
            membership.role = invitation.role
            membership.is_active = True
            membership.save(update_fields=["role", "is_active"])
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        audit_log(
            municipality=invitation.municipality,
            actor=user,
            action="invitation.accepted",
            obj=membership,
            changes={"role": {"new": invitation.role}},
        )
    forget_roles(user)
    return membership


def invitations_purge_expired(*, municipality: Municipality, older_than_days: int = 30) -> int:
    """Delete a municipality's invitations that expired long ago (accepted ones stay as a record).

    Returns the count; runs in the municipality's scope (beat calls it for each one).
    """
    cutoff = timezone.now() - dt.timedelta(days=older_than_days)
    deleted, _counts = Invitation.objects.filter(
        municipality=municipality, accepted_at__isnull=True, expires_at__lt=cutoff
    ).delete()
    return deleted


def membership_update(*, membership: Membership, actor: User, role: str, is_active: bool) -> Membership:
    """Change a member's role or deactivate them. Refuses to leave a municipality without an active admin.

    Side effect: audit entry with the old and new values.
    """
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a valid role.")})
    demoting_admin = membership.role == Role.MUNICIPALITY_ADMIN and (
        role != Role.MUNICIPALITY_ADMIN or not is_active
    )
    if demoting_admin:
        other_admins = Membership.objects.filter(
            municipality=membership.municipality, role=Role.MUNICIPALITY_ADMIN, is_active=True
        ).exclude(pk=membership.pk)
        if not other_admins.exists():
            raise ValidationError(_("A municipality needs at least one active administrator."))
    changes = field_changes(membership, {"role": role, "is_active": is_active})
    if not changes:
        return membership
    membership.role = role
    membership.is_active = is_active
    membership.save(update_fields=["role", "is_active"])
    audit_log(
        municipality=membership.municipality,
        actor=actor,
        action="membership.updated",
        obj=membership,
        changes=changes,
    )
    forget_roles(membership.user)
    return membership


def api_token_issue(
    *, user: User, municipality: Municipality, name: str, read_only: bool = True, actor: User | None = None
) -> tuple[ApiToken, str]:
    """Issue an API key for a user in one municipality. Reporting clients only ever get read-only keys.

    Returns the token and the raw key (shown once, only its digest is stored). Side effect: audit entry.
    """
    membership = Membership.objects.filter(user=user, municipality=municipality, is_active=True).first()
    if membership is None:
        raise ValidationError(_("This user is not a member of this municipality."))
    if membership.role == Role.REPORTING:
        read_only = True
    key = "kw_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        municipality=municipality,
        user=user,
        name=name,
        key_hash=hash_secret(key),
        prefix=key[:10],
        read_only=read_only,
    )
    audit_log(
        municipality=municipality,
        actor=actor or user,
        action="api_token.issued",
        obj=token,
        changes={"read_only": {"new": read_only}},
    )
    return token, key


def api_token_revoke(*, token: ApiToken, actor: User) -> ApiToken:
    """Revoke a key at once. Side effect: audit entry."""
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_log(municipality=token.municipality, actor=actor, action="api_token.revoked", obj=token)
    return token
