"""Deadline reminders: e-mails to the people of draft applications whose window closes soon."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kawasaki.models import Membership, Municipality, Role, User
from kawasaki.services import audit_log

from .. import conf
from ..models import Application, ApplicationStatus, SentReminder


def _reminder_recipients(application: Application) -> list[User]:
    """The coordinator in charge (while still staff here) and the SME's active members."""
    municipality = application.municipality
    recipients: list[User] = []
    if application.coordinator_id is not None:
        staff = Membership.objects.filter(
            municipality=municipality,
            user_id=application.coordinator_id,
            role__in=[Role.COORDINATOR, Role.MUNICIPALITY_ADMIN],
            is_active=True,
            user__is_active=True,
        ).select_related("user")
        recipients += [m.user for m in staff]
    members = (
        Membership.objects.filter(
            municipality=municipality,
            role=Role.SME_MEMBER,
            sme_id=application.sme_id,
            is_active=True,
            user__is_active=True,
        )
        .select_related("user")
        .order_by("user__email")
    )
    recipients += [m.user for m in members if m.user not in recipients]
    return recipients


def _send_reminder(*, application: Application, user: User, days_left: int) -> None:
    link = settings.KAWASAKI_BASE_URL.rstrip("/") + reverse(
        "subsidy_application_detail",
        kwargs={"municipality": application.municipality.slug, "pk": application.pk},
    )
    context = {"application": application, "window": application.window, "days_left": days_left, "link": link}
    with translation.override(user.preferred_language or "ja"):
        subject = _("Deadline in {n} days: {programme} ({window})").format(
            n=days_left, programme=application.programme.name, window=application.window.label
        )
        body = render_to_string("subsidies/email/deadline_reminder.txt", context)
    send_mail(subject, body, None, [user.email])


def deadline_reminders_send(*, municipality: Municipality, today: dt.date | None = None) -> int:
    """E-mail the coordinator and the SME members of every draft whose window closes soon.

    For each configured lead time (KAWASAKI_SUBSIDY_REMINDER_DAYS, e.g. [14, 3]) a recipient gets at
    most one reminder per application and deadline: the tightest lead time reached today. The deadline
    is part of the key, so when a coordinator moves a window's closing date the reminders start again
    for the new date, and moving it back to a date already announced sends nothing again. Submitted,
    decided and withdrawn applications get nothing. A SentReminder row is written before each mail in
    the same transaction, so a re-run sends nothing twice and a failed send is retried on the next run.
    Returns the number of e-mails sent. Side effect: an audit entry per reminder.
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
    sent = 0
    for application in drafts:
        days_left = (application.window.closes_on - today).days
        lead = min(d for d in leads if days_left <= d)
        for user in _reminder_recipients(application):
            with transaction.atomic():
                _record, created = SentReminder.objects.get_or_create(
                    application=application,
                    window=application.window,
                    deadline=application.window.closes_on,
                    recipient=user,
                    lead_days=lead,
                    defaults={"municipality": municipality},
                )
                if not created:
                    continue
                _send_reminder(application=application, user=user, days_left=days_left)
                audit_log(
                    municipality=municipality,
                    actor=None,
                    action="subsidy_application.reminder_sent",
                    obj=application,
                    changes={
                        "recipient": {"new": user.email},
                        "lead_days": {"new": lead},
                        "deadline": {"new": application.window.closes_on},
                    },
                )
                sent += 1
    return sent
