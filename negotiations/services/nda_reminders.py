"""Reminders that a deal's NDA ends soon, to the coordinator and the SME, each sent once."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from kawasaki.models import Membership, Municipality, Role, User
from kawasaki.services import audit_log

from .. import conf
from ..models import NdaReminder, Negotiation
from .deals import FINAL_STATES


def _nda_reminder_recipients(negotiation: Negotiation) -> list[User]:
    """The deal's coordinator (while still staff here) and the SME's active members."""
    recipients: list[User] = []
    if negotiation.coordinator_id is not None:
        staff = Membership.objects.filter(
            municipality_id=negotiation.municipality_id,
            user_id=negotiation.coordinator_id,
            role__in=[Role.COORDINATOR, Role.MUNICIPALITY_ADMIN],
            is_active=True,
            user__is_active=True,
        ).select_related("user")
        recipients += [m.user for m in staff[:1]]
    members = (
        Membership.objects.filter(
            municipality_id=negotiation.municipality_id,
            role=Role.SME_MEMBER,
            sme_id=negotiation.sme_id,
            is_active=True,
            user__is_active=True,
        )
        .select_related("user")
        .order_by("user__email")
    )
    recipients += [m.user for m in members if m.user not in recipients]
    return recipients


def _send_nda_reminder(*, negotiation: Negotiation, user: User, days_left: int) -> None:
    link = settings.KAWASAKI_BASE_URL.rstrip("/") + reverse(
        "negotiation_detail",
        kwargs={"municipality": negotiation.municipality.slug, "pk": negotiation.pk},
    )
    context = {"negotiation": negotiation, "days_left": days_left, "link": link, "user": user}
    with translation.override(user.preferred_language or "ja"):
        subject = ngettext("NDA ends in {n} day: {deal}", "NDA ends in {n} days: {deal}", days_left).format(
            n=days_left, deal=negotiation
        )
        body = render_to_string("negotiations/email/nda_reminder.txt", context)
    send_mail(subject, body, None, [user.email])


def nda_reminders_send(*, municipality: Municipality, today: dt.date | None = None) -> int:
    """E-mail the coordinator and the SME members of every open deal whose NDA ends soon.

    For each configured lead time (KAWASAKI_NDA_REMINDER_DAYS, e.g. [30]) a recipient gets at most one
    reminder per deal and NDA end date: the tightest lead time reached today (an NDA recorded late gets
    one reminder, not one per lead time passed). An NdaReminder row is written before each mail in the
    same transaction, so a re-run, or a second worker, sends nothing twice and a failed send is retried
    on the next run; an NDA extended to a new end date is reminded about again. Dropped deals and
    launched products get nothing. Returns the number of e-mails sent. Side effect: an audit entry per
    reminder.
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
    sent = 0
    for negotiation in deals:
        expires_on = negotiation.nda_expires_on
        if expires_on is None:  # excluded by the query; this tells the type checker
            continue
        days_left = (expires_on - today).days
        lead = min(d for d in leads if days_left <= d)
        for user in _nda_reminder_recipients(negotiation):
            with transaction.atomic():
                _record, created = NdaReminder.objects.get_or_create(
                    negotiation=negotiation,
                    expires_on=expires_on,
                    recipient=user,
                    lead_days=lead,
                    defaults={"municipality": municipality},
                )
                if not created:
                    continue
                _send_nda_reminder(negotiation=negotiation, user=user, days_left=days_left)
                audit_log(
                    municipality=municipality,
                    actor=None,
                    action="negotiation.nda_reminder_sent",
                    obj=negotiation,
                    changes={
                        "recipient": {"new": user.email},
                        "lead_days": {"new": lead},
                        "nda_expires_on": {"new": expires_on.isoformat()},
                    },
                )
                sent += 1
    return sent
