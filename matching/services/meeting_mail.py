"""The e-mails of meetings: invitations (with the .ics), the company's notice, and changes or
cancellations to the SMEs that said they will attend. Each person gets one message in their own
language through `kawasaki.mail`; the .ics is rendered in that language too."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django_scopes import scope

from kawasaki.mail import Attachment, mail_users
from kawasaki.models import Membership, Role, User

from ..ics import meeting_ics
from ..models import Meeting, MeetingKind, Participant, Reply


def _members(memberships) -> list[User]:
    """The distinct active users of some memberships, by e-mail address."""
    users: list[User] = []
    for membership in (
        memberships.filter(is_active=True, user__is_active=True)
        .select_related("user")
        .order_by("user__email")
    ):
        if membership.user not in users:
            users.append(membership.user)
    return users


def attending_users(meeting: Meeting) -> list[User]:
    """The active members of every SME that said it will attend (registered, or accepted the invitation)."""
    sme_ids = meeting.participants.filter(reply=Reply.ATTENDING).values("sme_id")
    return _members(
        Membership.objects.filter(
            municipality_id=meeting.municipality_id, role=Role.SME_MEMBER, sme_id__in=sme_ids
        )
    )


def sme_members(participant: Participant) -> list[User]:
    """The active members of an invited SME."""
    return _members(
        Membership.objects.filter(
            municipality_id=participant.municipality_id, role=Role.SME_MEMBER, sme_id=participant.sme_id
        )
    )


def company_staff(meeting: Meeting) -> list[User]:
    """The IP staff of the company (or, at a symposium, the presenting companies) of a meeting."""
    if meeting.kind == MeetingKind.SYMPOSIUM:
        companies = list(meeting.presenting_companies.values_list("pk", flat=True))
    else:
        companies = [meeting.company_id] if meeting.company_id else []
    return _members(
        Membership.objects.filter(
            municipality_id=meeting.municipality_id, role=Role.COMPANY_STAFF, company_id__in=companies
        )
    )


def meeting_link(meeting: Meeting) -> str:
    path = reverse("meeting_detail", kwargs={"municipality": meeting.municipality.slug, "pk": meeting.pk})
    return settings.KAWASAKI_BASE_URL.rstrip("/") + path


def _send(meeting: Meeting, users: list[User], template: str, filename: str, **context) -> None:
    # Runs after commit, which may be outside the request's scope: enter the meeting's own.
    with scope(municipality=meeting.municipality):
        mail_users(
            users=users,
            template=f"matching/email/{template}",
            context={"meeting": meeting, "link": meeting_link(meeting), **context},
            attachments=[Attachment(filename, lambda: meeting_ics(meeting), "text/calendar")],
        )


def send_meeting_notices(meeting: Meeting, users: list[User], *, template: str, previous=None) -> None:
    """A change or a cancellation, with the meeting's current .ics."""
    _send(meeting, users, template, f"meeting-{meeting.pk}.ics", previous=previous or {})


def send_invitations(meeting: Meeting, mails: list[tuple[Participant, list[User]]]) -> None:
    """An invitation to the members of each newly invited SME, with the .ics."""
    for participant, users in mails:
        _send(meeting, users, "invitation", "meeting.ics", participant=participant)


def send_company_notice(meeting: Meeting, users: list[User], invited: int) -> None:
    """Tell the presenting company's staff that the SMEs have been invited, with the .ics."""
    _send(meeting, users, "company_notice", "meeting.ics", invited=invited)
