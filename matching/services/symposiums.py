"""Symposiums: SMEs register (and withdraw) for an open exchange meeting, and ask afterwards for a
one-on-one with a presenting company, which a coordinator schedules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kawasaki.models import User
from kawasaki.services import audit_log
from patents.models import LargeCompany, Patent
from smes.models import SME

from ..models import Meeting, MeetingKind, MeetingStatus, OneOnOneRequest, Participant, Reply, RequestStatus
from .meetings import check_capacity, meeting_create


def _refuse_unless_open_for_registration(meeting: Meeting) -> None:
    if meeting.kind != MeetingKind.SYMPOSIUM:
        raise ValidationError(_("Only symposiums take registrations."))
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("This symposium was cancelled."))
    if meeting.status == MeetingStatus.HELD or meeting.starts_at <= timezone.now():
        raise ValidationError(_("This symposium has started: registration is closed."))


def meeting_register(*, meeting: Meeting, actor: User, sme: SME) -> Participant:
    """An SME registers for an upcoming symposium (or a coordinator registers it); registering again
    changes nothing. Refused when the symposium is cancelled, has started or is full.
    Side effect: audit entry."""
    if sme.municipality_id != meeting.municipality_id:
        raise ValidationError(_("The SME must belong to this municipality."))
    with transaction.atomic():
        # Lock the symposium: two SMEs taking the last place must not both get it.
        current = Meeting.objects.select_for_update().get(pk=meeting.pk)
        _refuse_unless_open_for_registration(current)
        participant = current.participants.filter(sme=sme).first()
        if participant is not None and participant.reply == Reply.ATTENDING:
            return participant
        check_capacity(current)
        old = participant.reply if participant is not None else None
        if participant is None:
            participant = Participant.objects.create(
                municipality=current.municipality,
                meeting=current,
                sme=sme,
                reply=Reply.ATTENDING,
                replied_at=timezone.now(),
            )
        else:
            participant.reply = Reply.ATTENDING
            participant.replied_at = timezone.now()
            participant.save(update_fields=["reply", "replied_at"])
        audit_log(
            municipality=current.municipality,
            actor=actor,
            action="meeting.registered",
            obj=participant,
            changes={"reply": {"old": old, "new": Reply.ATTENDING}},
        )
    return participant


def meeting_unregister(*, meeting: Meeting, actor: User, sme: SME) -> Participant:
    """An SME withdraws its registration for an upcoming symposium: it stays on the list as declined,
    and its place is free again. Side effect: audit entry."""
    with transaction.atomic():
        current = Meeting.objects.select_for_update().get(pk=meeting.pk)
        participant = current.participants.filter(sme=sme).first()
        if participant is None or participant.reply != Reply.ATTENDING:
            raise ValidationError(_("This SME is not registered for this symposium."))
        _refuse_unless_open_for_registration(current)
        participant.reply = Reply.DECLINED
        participant.replied_at = timezone.now()
        participant.save(update_fields=["reply", "replied_at"])
        audit_log(
            municipality=current.municipality,
            actor=actor,
            action="meeting.unregistered",
            obj=participant,
            changes={"reply": {"old": Reply.ATTENDING, "new": Reply.DECLINED}},
        )
    return participant


def one_on_one_request(
    *,
    symposium: Meeting,
    actor: User,
    sme: SME,
    company: LargeCompany,
    seeds: Iterable[Patent] = (),
    note: str = "",
) -> OneOnOneRequest:
    """Capture an SME's wish, after a symposium, to meet a presenting company. Side effect: audit entry."""
    seeds = list(seeds)
    if symposium.kind != MeetingKind.SYMPOSIUM:
        raise ValidationError(_("One-on-one requests follow a symposium."))
    if symposium.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("This symposium was cancelled."))
    if not symposium.presenting_companies.filter(pk=company.pk).exists():
        raise ValidationError({"company": _("Choose a company that presented.")})
    if any(seed.company_id != company.pk for seed in seeds):
        raise ValidationError({"seeds": _("Every seed must belong to the company.")})
    with transaction.atomic():
        request = OneOnOneRequest.objects.create(
            municipality=symposium.municipality,
            symposium=symposium,
            sme=sme,
            company=company,
            note=note,
            created_by=actor,
        )
        request.seeds.set(seeds)
        audit_log(
            municipality=symposium.municipality, actor=actor, action="one_on_one.requested", obj=request
        )
    return request


def one_on_one_schedule(
    *,
    request: OneOnOneRequest,
    actor: User,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    venue: str = "",
    online_url: str = "",
) -> Meeting:
    """Turn a one-on-one request into a planned one-on-one meeting."""
    if request.status != RequestStatus.OPEN:
        raise ValidationError(_("This request has already been scheduled."))
    with transaction.atomic():
        meeting = meeting_create(
            municipality=request.municipality,
            actor=actor,
            kind=MeetingKind.ONE_ON_ONE,
            title=_("One-on-one: {sme} × {company}").format(sme=request.sme, company=request.company),
            starts_at=starts_at,
            ends_at=ends_at,
            venue=venue,
            online_url=online_url,
            company=request.company,
            seeds=request.seeds.all(),
            smes=[request.sme],
        )
        request.status = RequestStatus.SCHEDULED
        request.meeting = meeting
        request.save(update_fields=["status", "meeting"])
        audit_log(municipality=request.municipality, actor=actor, action="one_on_one.scheduled", obj=request)
    return meeting
