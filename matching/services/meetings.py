"""Meetings: plan, change, cancel, invite, record replies and hold them; a proposal becomes a meeting.

Registration for symposiums and one-on-one requests are in `symposiums`; the e-mails in `meeting_mail`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from kawasaki.models import Municipality, User
from kawasaki.services import audit_log, field_changes
from patents.models import LargeCompany, Patent
from smes.models import SME

from ..models import (
    Meeting,
    MeetingKind,
    MeetingProposal,
    MeetingStatus,
    Participant,
    ProposalKind,
    ProposalStatus,
    Reply,
)
from ..signals import meeting_held
from . import meeting_mail
from .proposals import proposal_mark, proposal_title


def _meeting_errors(
    *,
    kind: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    venue: str,
    online_url: str,
    company: LargeCompany | None,
    presenting: list[LargeCompany],
    seeds: list[Patent],
    capacity: int | None,
) -> dict[str, str]:
    """The rules a meeting's plan must keep, on creation and on every change."""
    errors: dict[str, str] = {}
    if ends_at <= starts_at:
        errors["ends_at"] = _("The meeting must end after it starts.")
    if not venue and not online_url:
        errors["venue"] = _("Give a venue or an online meeting URL.")
    if kind == MeetingKind.SYMPOSIUM:
        if not presenting:
            errors["presenting_companies"] = _("A symposium needs at least one presenting company.")
        allowed = {c.pk for c in presenting}
        if capacity is not None and capacity < 1:
            errors["capacity"] = _("The capacity must be at least 1 SME (leave it empty for no limit).")
    else:
        if company is None:
            errors["company"] = _("Choose the company.")
        allowed = {company.pk} if company else set()
        if capacity is not None:
            errors["capacity"] = _("Only symposiums take registrations, so only they have a capacity.")
    if any(seed.company_id not in allowed for seed in seeds):
        errors["seeds"] = _("Every seed must belong to a company of the meeting.")
    return errors


def meeting_create(
    *,
    municipality: Municipality,
    actor: User,
    kind: str,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    venue: str = "",
    online_url: str = "",
    company: LargeCompany | None = None,
    presenting_companies: Iterable[LargeCompany] = (),
    seeds: Iterable[Patent] = (),
    smes: Iterable[SME] = (),
    proposal: MeetingProposal | None = None,
    agenda: str = "",
    capacity: int | None = None,
) -> Meeting:
    """Plan a meeting with its SMEs. Symposiums name presenting companies (and may limit how many SMEs
    register); closed meetings and one-on-ones one company (a one-on-one exactly one SME). From a
    proposal, the proposal is marked scheduled. Side effects: audit entry, proposal status."""
    smes = list(smes)
    seeds = list(seeds)
    presenting = list(presenting_companies)
    errors = _meeting_errors(
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        venue=venue,
        online_url=online_url,
        company=company,
        presenting=presenting,
        seeds=seeds,
        capacity=capacity,
    )
    if kind == MeetingKind.ONE_ON_ONE and len(smes) != 1:
        errors["smes"] = _("A one-on-one meeting has exactly one SME.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        meeting = Meeting.objects.create(
            municipality=municipality,
            kind=kind,
            title=title,
            starts_at=starts_at,
            ends_at=ends_at,
            venue=venue,
            online_url=online_url,
            agenda=agenda,
            capacity=capacity if kind == MeetingKind.SYMPOSIUM else None,
            company=company if kind != MeetingKind.SYMPOSIUM else None,
            coordinator=actor,
            proposal=proposal,
            created_by=actor,
        )
        meeting.presenting_companies.set(presenting)
        meeting.seeds.set(seeds)
        Participant.objects.bulk_create(
            [Participant(municipality=municipality, meeting=meeting, sme=sme) for sme in smes]
        )
        audit_log(
            municipality=municipality,
            actor=actor,
            action="meeting.created",
            obj=meeting,
            changes={"kind": {"new": kind}, "starts_at": {"new": starts_at}},
        )
        if proposal is not None:
            proposal_mark(proposal=proposal, actor=actor, status=ProposalStatus.SCHEDULED)
    return meeting


# What the .ics shows: a change to any of these raises the calendar revision (SEQUENCE).
CALENDAR_FIELDS = frozenset({"title", "agenda", "starts_at", "ends_at", "venue", "online_url", "seeds"})
# What an SME acts on: a change to any of these is e-mailed to the SMEs that said they will attend.
NOTIFY_FIELDS = frozenset({"starts_at", "ends_at", "venue", "online_url"})


def _refuse_unless_planned(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("This meeting was cancelled."))
    if meeting.status == MeetingStatus.HELD:
        raise ValidationError(_("This meeting has been held already."))


def meeting_update(
    *,
    meeting: Meeting,
    actor: User,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    venue: str = "",
    online_url: str = "",
    agenda: str = "",
    capacity: int | None = None,
    seeds: Iterable[Patent] | None = None,
    presenting_companies: Iterable[LargeCompany] | None = None,
) -> Meeting:
    """Change a planned meeting: title, agenda, time, place, capacity, seeds (and a symposium's
    presenters; None leaves seeds or presenters as they are). The kind, company and SMEs stay.

    Side effects: audit entry with the changed fields; the calendar revision (SEQUENCE) goes up when
    what the .ics shows changed; a new time or place is e-mailed (after commit, each in their own
    language, with the updated .ics) to the members of every SME that said it will attend.
    Raises ValidationError for a cancelled or held meeting, the meeting rules, or a capacity below
    the SMEs already registered. Nothing changed: nothing is written."""
    with transaction.atomic():
        # Lock the row: a registration counting free places must not pass while the capacity drops.
        current = Meeting.objects.select_for_update().get(pk=meeting.pk)
        _refuse_unless_planned(current)
        new_seeds = list(seeds) if seeds is not None else list(current.seeds.all())
        presenting = (
            list(presenting_companies)
            if presenting_companies is not None
            else list(current.presenting_companies.all())
        )
        if current.kind != MeetingKind.SYMPOSIUM:
            presenting = []
        errors = _meeting_errors(
            kind=current.kind,
            starts_at=starts_at,
            ends_at=ends_at,
            venue=venue,
            online_url=online_url,
            company=current.company,
            presenting=presenting,
            seeds=new_seeds,
            capacity=capacity,
        )
        if capacity is not None and "capacity" not in errors:
            registered = current.participants.filter(reply=Reply.ATTENDING).count()
            if capacity < registered:
                errors["capacity"] = _(
                    "{n} SMEs are registered already: the capacity cannot be lower."
                ).format(n=registered)
        if errors:
            raise ValidationError(errors)
        data = {
            "title": title,
            "agenda": agenda,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "venue": venue,
            "online_url": online_url,
            "capacity": capacity,
        }
        changes = field_changes(current, data)
        old_seeds = set(current.seeds.values_list("pk", flat=True))
        if old_seeds != {s.pk for s in new_seeds}:
            changes["seeds"] = {"old": sorted(old_seeds), "new": sorted(s.pk for s in new_seeds)}
        old_presenting = set(current.presenting_companies.values_list("pk", flat=True))
        if old_presenting != {c.pk for c in presenting}:
            changes["presenting_companies"] = {
                "old": sorted(old_presenting),
                "new": sorted(c.pk for c in presenting),
            }
        if not changes:
            return meeting
        previous: dict[str, object] = {
            "starts_at": current.starts_at,
            "ends_at": current.ends_at,
            "venue": current.venue,
            "online_url": current.online_url,
        }
        for field, value in data.items():
            setattr(current, field, value)
        update = list(data)
        if changes.keys() & CALENDAR_FIELDS:
            changes["sequence"] = {"old": current.sequence, "new": current.sequence + 1}
            current.sequence += 1
            update.append("sequence")
        current.save(update_fields=update)
        if "seeds" in changes:
            current.seeds.set(new_seeds)
        if "presenting_companies" in changes:
            current.presenting_companies.set(presenting)
        audit_log(
            municipality=current.municipality,
            actor=actor,
            action="meeting.updated",
            obj=current,
            changes=changes,
        )
        if changes.keys() & NOTIFY_FIELDS:
            recipients = meeting_mail.attending_users(current)
            transaction.on_commit(
                lambda: meeting_mail.send_meeting_notices(
                    current, recipients, template="meeting_changed", previous=previous
                )
            )
    meeting.refresh_from_db()
    return meeting


def meeting_cancel(*, meeting: Meeting, actor: User, reason: str) -> Meeting:
    """Cancel a planned meeting with a reason. It stays listed, marked cancelled, and takes no new
    invitations, replies, registrations or attendance.

    Side effects: status, time and reason saved; calendar revision (SEQUENCE) raised so that the .ics
    says STATUS:CANCELLED to calendars; audit entry; after commit, a cancellation e-mail with that .ics
    to the members of every SME that said it will attend, each in their own language."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the meeting is cancelled.")})
    with transaction.atomic():
        current = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if current.status == MeetingStatus.CANCELLED:
            raise ValidationError(_("This meeting is cancelled already."))
        if current.status == MeetingStatus.HELD:
            raise ValidationError(_("A meeting that was held cannot be cancelled."))
        changes = {
            "status": {"old": current.status, "new": MeetingStatus.CANCELLED},
            "cancel_reason": {"new": reason},
            "sequence": {"old": current.sequence, "new": current.sequence + 1},
        }
        current.status = MeetingStatus.CANCELLED
        current.cancelled_at = timezone.now()
        current.cancel_reason = reason
        current.sequence += 1
        current.save(update_fields=["status", "cancelled_at", "cancel_reason", "sequence"])
        audit_log(
            municipality=current.municipality,
            actor=actor,
            action="meeting.cancelled",
            obj=current,
            changes=changes,
        )
        recipients = meeting_mail.attending_users(current)
        transaction.on_commit(
            lambda: meeting_mail.send_meeting_notices(current, recipients, template="meeting_cancelled")
        )
    meeting.refresh_from_db()
    return meeting


def meeting_from_proposal(
    *,
    proposal: MeetingProposal,
    actor: User,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    venue: str = "",
    online_url: str = "",
    title: str = "",
) -> Meeting:
    """Turn a screening proposal (one-on-one or closed meeting) into a planned meeting."""
    if proposal.status != ProposalStatus.PROPOSED:
        raise ValidationError(_("This proposal has already been handled."))
    kind = MeetingKind.ONE_ON_ONE if proposal.kind == ProposalKind.ONE_ON_ONE else MeetingKind.CLOSED
    smes = list(proposal.smes.all())
    if kind == MeetingKind.ONE_ON_ONE and len(smes) > 1:
        # A one-on-one proposed for several SMEs becomes a closed meeting: same company, same seeds.
        kind = MeetingKind.CLOSED
    return meeting_create(
        municipality=proposal.municipality,
        actor=actor,
        kind=kind,
        title=title or proposal_title(proposal=proposal),
        starts_at=starts_at,
        ends_at=ends_at,
        venue=venue,
        online_url=online_url,
        company=proposal.company,
        seeds=proposal.patents.all(),
        smes=smes,
        proposal=proposal,
    )


def meeting_invite(*, meeting: Meeting, actor: User) -> int:
    """E-mail an invitation to every SME not yet invited (to each of its members, in their language). Returns the number
    of SMEs invited. On the first round, the company's IP staff (a symposium's presenting companies')
    are told too, with the .ics. Side effects: participants stamped, audit entry, e-mails after commit.
    A cancelled or held meeting takes no invitations."""
    _refuse_unless_planned(meeting)
    first_round = not meeting.participants.filter(invited_at__isnull=False).exists()
    staff = meeting_mail.company_staff(meeting) if first_round else []
    pending = list(meeting.participants.filter(invited_at__isnull=True).select_related("sme"))
    now = timezone.now()
    mails = []
    for participant in pending:
        recipients = meeting_mail.sme_members(participant)
        participant.invited_at = now
        if recipients:
            mails.append((participant, recipients))
    with transaction.atomic():
        Participant.objects.bulk_update(pending, ["invited_at"])
        audit_log(
            municipality=meeting.municipality,
            actor=actor,
            action="meeting.invited",
            obj=meeting,
            changes={"smes": {"new": [p.sme_id for p in pending]}},
        )
        transaction.on_commit(lambda: meeting_mail.send_invitations(meeting, mails))
        if staff and pending:
            transaction.on_commit(lambda: meeting_mail.send_company_notice(meeting, staff, len(pending)))
    return len(pending)


def check_capacity(meeting: Meeting) -> None:
    """Refuse one more attending SME when a symposium's places are taken (call with the row locked)."""
    if meeting.kind != MeetingKind.SYMPOSIUM or meeting.capacity is None:
        return
    taken = meeting.participants.filter(reply=Reply.ATTENDING).count()
    if taken >= meeting.capacity:
        raise ValidationError(
            _("This symposium is full: all {n} places are taken.").format(n=meeting.capacity)
        )


def participant_reply(*, participant: Participant, actor: User, reply: str) -> Participant:
    """An invited SME answers attending or declined; a symposium's capacity counts attending SMEs.
    Side effect: audit entry. A cancelled or held meeting takes no replies."""
    if reply not in (Reply.ATTENDING, Reply.DECLINED):
        raise ValidationError({"reply": _("Answer attending or declined.")})
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=participant.meeting_id)
        _refuse_unless_planned(meeting)
        participant.refresh_from_db()
        if reply == Reply.ATTENDING and participant.reply != Reply.ATTENDING:
            check_capacity(meeting)
        changes = field_changes(participant, {"reply": reply})
        participant.reply = reply
        participant.replied_at = timezone.now()
        participant.save(update_fields=["reply", "replied_at"])
        audit_log(
            municipality=participant.municipality,
            actor=actor,
            action="meeting.replied",
            obj=participant,
            changes=changes,
        )
    return participant


def participant_listing_set(*, participant: Participant, actor: User, listed: bool) -> Participant:
    """The SME's consent (or its withdrawal) to be listed, name and attendance, to the other SMEs of a
    symposium. Closed meetings and one-on-ones never list SMEs to each other. Side effect: audit entry."""
    meeting = participant.meeting
    if meeting.kind != MeetingKind.SYMPOSIUM:
        raise ValidationError(_("Only at a symposium are SMEs listed to each other."))
    changes = field_changes(participant, {"listed_to_attendees": listed})
    participant.listed_to_attendees = listed
    participant.save(update_fields=["listed_to_attendees"])
    audit_log(
        municipality=participant.municipality,
        actor=actor,
        action="meeting.listing_consent",
        obj=participant,
        changes=changes,
    )
    return participant


def meeting_hold(*, meeting: Meeting, actor: User, minutes: str, attended_sme_ids: Iterable[int]) -> Meeting:
    """Record that a meeting took place: minutes and attendance.

    Side effects: audit entry; the `meeting_held` signal, in the same transaction, with the attending
    participants (the negotiations app opens or advances each attending SME's deal with the company of a
    one-on-one or closed meeting)."""
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("A cancelled meeting cannot be held."))
    # Held means it happened: not before its date (in the municipality's time zone, as on its page).
    starts_on = timezone.localtime(meeting.starts_at).date()
    today = timezone.localdate()
    if starts_on > today:
        raise ValidationError(
            _(
                "The meeting is dated {date}: it can be marked held on or after that day (today is {today})."
            ).format(
                date=formats.date_format(starts_on, "DATE_FORMAT"),
                today=formats.date_format(today, "DATE_FORMAT"),
            )
        )
    attended = set(attended_sme_ids)
    with transaction.atomic():
        participants = list(meeting.participants.select_related("sme"))
        for participant in participants:
            participant.attended = participant.sme_id in attended
        Participant.objects.bulk_update(participants, ["attended"])
        changes = field_changes(meeting, {"status": MeetingStatus.HELD, "minutes": minutes})
        meeting.status = MeetingStatus.HELD
        meeting.minutes = minutes
        meeting.save(update_fields=["status", "minutes"])
        audit_log(
            municipality=meeting.municipality,
            actor=actor,
            action="meeting.held",
            obj=meeting,
            changes=changes,
        )
        # The deal pipeline (negotiations) listens: it opens or advances the deals of the SMEs that came.
        meeting_held.send(
            sender=Meeting, meeting=meeting, actor=actor, attended=[p for p in participants if p.attended]
        )
    return meeting
