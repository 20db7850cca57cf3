"""The e-mails of meetings: invitations (with the .ics), the company's notice, and changes or
cancellations to the SMEs that said they will attend, each person in their own language."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_scopes import scope

from kawasaki.models import Membership, Role, User
from smes.models import SME

from ..ics import meeting_ics
from ..models import Meeting, MeetingKind, Reply


def attending_users(meeting: Meeting) -> list[User]:
    """The active members of every SME that said it will attend (registered, or accepted the invitation)."""
    sme_ids = meeting.participants.filter(reply=Reply.ATTENDING).values("sme_id")
    memberships = (
        Membership.objects.filter(
            municipality_id=meeting.municipality_id,
            role=Role.SME_MEMBER,
            sme_id__in=sme_ids,
            is_active=True,
            user__is_active=True,
        )
        .select_related("user")
        .order_by("user__email")
    )
    users: list[User] = []
    for membership in memberships:
        if membership.user not in users:
            users.append(membership.user)
    return users


def send_meeting_notices(meeting: Meeting, users: list[User], *, template: str, previous=None) -> None:
    """One e-mail per person, in their language, with the meeting's current .ics attached."""
    if not users:
        return
    context = {"meeting": meeting, "link": meeting_link(meeting), "previous": previous or {}}
    for user in users:
        # Runs after commit, which may be outside the request's scope: enter the meeting's own.
        with scope(municipality=meeting.municipality), translation.override(user.preferred_language or "ja"):
            ics = meeting_ics(meeting)
            if template == "meeting_cancelled":
                subject = _("Cancelled: {title}").format(title=meeting.title)
            else:
                subject = _("Changed: {title}").format(title=meeting.title)
            body = render_to_string(f"matching/email/{template}.txt", {**context, "user": user})
        message = EmailMessage(subject, body, None, [user.email])
        message.attach(f"meeting-{meeting.pk}.ics", ics, "text/calendar")
        message.send()


def sme_emails(sme: SME) -> list[str]:
    return list(
        Membership.objects.filter(
            municipality_id=sme.municipality_id, sme=sme, role=Role.SME_MEMBER, is_active=True
        ).values_list("user__email", flat=True)
    )


def company_staff_emails(meeting: Meeting) -> list[str]:
    """The IP staff of the company (or, at a symposium, the presenting companies) of a meeting."""
    if meeting.kind == MeetingKind.SYMPOSIUM:
        companies = list(meeting.presenting_companies.values_list("pk", flat=True))
    else:
        companies = [meeting.company_id] if meeting.company_id else []
    return sorted(
        set(
            Membership.objects.filter(
                municipality_id=meeting.municipality_id,
                company_id__in=companies,
                role=Role.COMPANY_STAFF,
                is_active=True,
            ).values_list("user__email", flat=True)
        )
    )


def send_company_notice(meeting: Meeting, recipients: list[str], invited: int) -> None:
    """Tell the presenting company's staff that the SMEs have been invited (Japanese, then English)."""
    context = {"meeting": meeting, "invited": invited, "link": meeting_link(meeting)}
    bodies = []
    for lang in ("ja", "en"):
        with translation.override(lang):
            bodies.append(render_to_string("matching/email/company_notice.txt", context))
    with translation.override("ja"):
        subject = _("Your company presents at: {title}").format(title=meeting.title)
    message = EmailMessage(subject, "\n\n----\n\n".join(bodies), None, recipients)
    message.attach("meeting.ics", meeting_ics(meeting), "text/calendar")
    message.send()


def meeting_link(meeting: Meeting) -> str:
    path = reverse("meeting_detail", kwargs={"municipality": meeting.municipality.slug, "pk": meeting.pk})
    return settings.KAWASAKI_BASE_URL.rstrip("/") + path


def send_invitations(meeting: Meeting, mails) -> None:
    for participant, recipients in mails:
        context = {"meeting": meeting, "participant": participant, "link": meeting_link(meeting)}
        bodies = []
        for lang in ("ja", "en"):
            with translation.override(lang):
                bodies.append(render_to_string("matching/email/invitation.txt", context))
        with translation.override("ja"):
            subject = _("Invitation: {title}").format(title=meeting.title)
        message = EmailMessage(subject, "\n\n----\n\n".join(bodies), None, recipients)
        message.attach("meeting.ics", meeting_ics(meeting), "text/calendar")
        message.send()
