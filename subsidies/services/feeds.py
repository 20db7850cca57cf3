"""Calendar feeds: secret .ics addresses of a coordinator's deadlines."""

from __future__ import annotations

import secrets

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from kawasaki.models import Municipality, User
from kawasaki.models.users import hash_secret
from kawasaki.services import audit_log

from ..models import CalendarFeed


def calendar_feed_issue(*, municipality: Municipality, user: User) -> tuple[CalendarFeed, str]:
    """Give a coordinator a new secret .ics address, revoking the previous one.

    Returns the feed and the raw token (shown once; only its digest is stored). Side effect: audit entry.
    """
    if not user.has_perm("subsidies.manage_feed", municipality):
        raise PermissionDenied
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        CalendarFeed.objects.filter(municipality=municipality, user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        feed = CalendarFeed.objects.create(
            municipality=municipality, user=user, token_hash=hash_secret(token), prefix=token[:8]
        )
        audit_log(municipality=municipality, actor=user, action="subsidy_calendar_feed.issued", obj=feed)
    return feed, token


def calendar_feed_revoke(*, feed: CalendarFeed, actor: User) -> CalendarFeed:
    """Stop a feed address at once. Side effect: audit entry."""
    feed.revoked_at = timezone.now()
    feed.save(update_fields=["revoked_at"])
    audit_log(municipality=feed.municipality, actor=actor, action="subsidy_calendar_feed.revoked", obj=feed)
    return feed
