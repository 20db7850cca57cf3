"""Deadline reminders: the one mechanism behind NDA-expiry, subsidy-deadline and other lead-time reminders.

An app says which items have a deadline, who hears about each, how a sent reminder is recorded (a row
with a unique key: the claim) and which message to send; this module picks the lead time reached, claims
and sends each reminder in one transaction (so a re-run, or a second beat process, sends nothing twice,
and a failed send leaves no claim and is retried on the next run) and writes the audit entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import transaction

from .mail import mail_user
from .models import Membership, Municipality, Role, User
from .services import audit_log

T = TypeVar("T")


def lead_reached(*, days_left: int, leads: Sequence[int]) -> int | None:
    """The tightest configured lead time that ``days_left`` has reached, or None before the first.

    An item recorded late gets one reminder (for the tightest lead reached), not one per lead passed.
    """
    reached = [lead for lead in leads if days_left <= lead]
    return min(reached) if reached else None


def coordinator_and_sme_members(
    *, municipality_id: int, coordinator_id: int | None, sme_id: int | None
) -> list[User]:
    """The coordinator in charge (while still staff here and active), then the SME's active members."""
    recipients: list[User] = []
    if coordinator_id is not None:
        staff = Membership.objects.filter(
            municipality_id=municipality_id,
            user_id=coordinator_id,
            role__in=[Role.COORDINATOR, Role.MUNICIPALITY_ADMIN],
            is_active=True,
            user__is_active=True,
        ).select_related("user")
        recipients += [membership.user for membership in staff[:1]]
    if sme_id is not None:
        members = (
            Membership.objects.filter(
                municipality_id=municipality_id,
                role=Role.SME_MEMBER,
                sme_id=sme_id,
                is_active=True,
                user__is_active=True,
            )
            .select_related("user")
            .order_by("user__email")
        )
        recipients += [membership.user for membership in members if membership.user not in recipients]
    return recipients


@dataclass(frozen=True)
class ReminderKind(Generic[T]):
    """What one kind of reminder needs from its app."""

    #: the message's templates, e.g. "subsidies/email/deadline_reminder" (see kawasaki.mail)
    template: str
    #: audit action written once per reminder sent, on the item
    audit_action: str
    #: the deadline an item is reminded about
    deadline: Callable[[T], dt.date]
    #: who hears about an item
    recipients: Callable[[T], list[User]]
    #: record that this reminder goes out; False when it was already recorded (nothing is sent)
    claim: Callable[[T, User, int, dt.date], bool]
    #: the templates' context for an item and the days left
    context: Callable[[T, int], dict[str, Any]]
    #: the name of the deadline in the audit entry's changes
    deadline_field: str = "deadline"


def reminders_send(
    *,
    municipality: Municipality,
    kind: ReminderKind[T],
    items: Iterable[T],
    leads: Sequence[int],
    today: dt.date,
) -> int:
    """Send the reminders of ``items`` whose deadline is within a lead time; returns the e-mails sent.

    Each (item, recipient) is claimed and mailed in one transaction: the claim's unique key makes a
    re-run send nothing twice, and a send that raises rolls the claim back so the next run retries it.
    Side effect: an audit entry per reminder sent.
    """
    if not leads:
        return 0
    sent = 0
    for item in items:
        deadline = kind.deadline(item)
        days_left = (deadline - today).days
        lead = lead_reached(days_left=days_left, leads=leads)
        if lead is None or days_left < 0:
            continue
        for user in kind.recipients(item):
            with transaction.atomic():
                if not kind.claim(item, user, lead, deadline):
                    continue
                mail_user(user=user, template=kind.template, context=kind.context(item, days_left))
                audit_log(
                    municipality=municipality,
                    actor=None,
                    action=kind.audit_action,
                    obj=item,  # type: ignore[arg-type]
                    changes={
                        "recipient": {"new": user.email},
                        "lead_days": {"new": lead},
                        kind.deadline_field: {"new": deadline.isoformat()},
                    },
                )
                sent += 1
    return sent
