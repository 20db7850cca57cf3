"""Reminders that a deal's NDA ends soon, to the coordinator and the SME, each sent once
(the mechanism is `kawasaki.reminders`; this module says which deals, who, and how a reminder is recorded)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from kawasaki.models import Municipality, User
from kawasaki.reminders import ReminderKind, coordinator_and_sme_members, reminders_send

from .. import conf
from ..models import NdaReminder, Negotiation
from .deals import FINAL_STATES


def _expires_on(negotiation: Negotiation) -> dt.date:
    assert negotiation.nda_expires_on is not None  # the query keeps deals with an end date only
    return negotiation.nda_expires_on


def _recipients(negotiation: Negotiation) -> list[User]:
    return coordinator_and_sme_members(
        municipality_id=negotiation.municipality_id,
        coordinator_id=negotiation.coordinator_id,
        sme_id=negotiation.sme_id,
    )


def _claim(negotiation: Negotiation, user: User, lead: int, expires_on: dt.date) -> bool:
    """The unique key (deal, end date, recipient, lead time): an NDA extended to a new end date is
    reminded about again; the same one never twice."""
    _record, created = NdaReminder.objects.get_or_create(
        negotiation=negotiation,
        expires_on=expires_on,
        recipient=user,
        lead_days=lead,
        defaults={"municipality_id": negotiation.municipality_id},
    )
    return created


def _context(negotiation: Negotiation, days_left: int) -> dict:
    link = settings.KAWASAKI_BASE_URL.rstrip("/") + reverse(
        "negotiation_detail",
        kwargs={"municipality": negotiation.municipality.slug, "pk": negotiation.pk},
    )
    return {"negotiation": negotiation, "days_left": days_left, "link": link}


NDA_REMINDER = ReminderKind[Negotiation](
    template="negotiations/email/nda_reminder",
    audit_action="negotiation.nda_reminder_sent",
    deadline=_expires_on,
    recipients=_recipients,
    claim=_claim,
    context=_context,
    deadline_field="nda_expires_on",
)


def nda_reminders_send(*, municipality: Municipality, today: dt.date | None = None) -> int:
    """E-mail the coordinator and the SME members of every open deal whose NDA ends soon.

    For each configured lead time (KAWASAKI_NDA_REMINDER_DAYS, e.g. [30]) a recipient gets at most one
    reminder per deal and NDA end date: the tightest lead time reached today (an NDA recorded late gets
    one reminder, not one per lead time passed). Claim and mail share a transaction (see
    `kawasaki.reminders.reminders_send`), so a re-run, or a second worker, sends nothing twice and a
    failed send is retried on the next run. Dropped deals and launched products get nothing. Returns the
    number of e-mails sent. Side effect: an audit entry per reminder.
    """
    today = today or timezone.localdate()
    leads = conf.nda_reminder_days()
    if not leads:
        return 0
    deals = (
        Negotiation.objects.filter(
            municipality=municipality,
            nda_expires_on__gte=today,
            nda_expires_on__lte=today + dt.timedelta(days=max(leads)),
        )
        .exclude(state__in=FINAL_STATES)
        .select_related("sme", "company", "municipality")
        .order_by("nda_expires_on", "pk")
    )
    return reminders_send(municipality=municipality, kind=NDA_REMINDER, items=deals, leads=leads, today=today)
