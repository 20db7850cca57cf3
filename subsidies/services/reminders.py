"""Deadline reminders: e-mails to the people of draft applications whose window closes soon
(the mechanism is `kawasaki.reminders`; this module says which applications, who, and how a reminder
is recorded)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from kawasaki.models import Municipality, User
from kawasaki.reminders import ReminderKind, coordinator_and_sme_members, reminders_send

from .. import conf
from ..models import Application, ApplicationStatus, SentReminder


def _closes_on(application: Application) -> dt.date:
    return application.window.closes_on


def _recipients(application: Application) -> list[User]:
    """The coordinator in charge (while still staff here) and the SME's active members."""
    return coordinator_and_sme_members(
        municipality_id=application.municipality_id,
        coordinator_id=application.coordinator_id,
        sme_id=application.sme_id,
    )


def _claim(application: Application, user: User, lead: int, deadline: dt.date) -> bool:
    """The deadline is part of the key: when a coordinator moves a window's closing date the reminders
    start again for the new date, and moving it back to a date already announced sends nothing again."""
    _record, created = SentReminder.objects.get_or_create(
        application=application,
        window=application.window,
        deadline=deadline,
        recipient=user,
        lead_days=lead,
        defaults={"municipality_id": application.municipality_id},
    )
    return created


def _context(application: Application, days_left: int) -> dict:
    link = settings.KAWASAKI_BASE_URL.rstrip("/") + reverse(
        "subsidy_application_detail",
        kwargs={"municipality": application.municipality.slug, "pk": application.pk},
    )
    return {"application": application, "window": application.window, "days_left": days_left, "link": link}


DEADLINE_REMINDER = ReminderKind[Application](
    template="subsidies/email/deadline_reminder",
    audit_action="subsidy_application.reminder_sent",
    deadline=_closes_on,
    recipients=_recipients,
    claim=_claim,
    context=_context,
)


def deadline_reminders_send(*, municipality: Municipality, today: dt.date | None = None) -> int:
    """E-mail the coordinator and the SME members of every draft whose window closes soon.

    For each configured lead time (KAWASAKI_SUBSIDY_REMINDER_DAYS, e.g. [14, 3]) a recipient gets at
    most one reminder per application and deadline: the tightest lead time reached today. Submitted,
    decided and withdrawn applications get nothing. Claim and mail share a transaction (see
    `kawasaki.reminders.reminders_send`), so a re-run sends nothing twice and a failed send is retried
    on the next run. Returns the number of e-mails sent. Side effect: an audit entry per reminder.
    """
    today = today or timezone.localdate()
    leads = conf.reminder_days()
    if not leads:
        return 0
    drafts = Application.objects.filter(
        municipality=municipality,
        status=ApplicationStatus.DRAFT,
        window__closes_on__gte=today,
        window__closes_on__lte=today + dt.timedelta(days=max(leads)),
    ).select_related("window", "programme", "sme", "municipality")
    return reminders_send(
        municipality=municipality, kind=DEADLINE_REMINDER, items=drafts, leads=leads, today=today
    )
