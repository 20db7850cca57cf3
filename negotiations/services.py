"""Writes of the deal pipeline. Each service checks, writes, records an audit entry and, for a deal,
a timeline entry with who and when."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_scopes import scope

from kawasaki.images import image_extension, strip_image_metadata
from kawasaki.models import Membership, Municipality, Role, User
from kawasaki.services import audit_log, field_changes
from matching.models import MeetingProposal, ProposalKind, ProposalStatus
from matching.services import proposal_mark
from patents.models import LargeCompany, Patent
from smes.models import SME

from . import conf
from .models import (
    Document,
    DocumentKind,
    DropReason,
    EntryKind,
    LicenceTerms,
    Meeting,
    MeetingKind,
    MeetingStatus,
    NdaReminder,
    Negotiation,
    OneOnOneRequest,
    Participant,
    Product,
    Reply,
    RequestStatus,
    Side,
    State,
    Task,
    TimelineEntry,
)

# The pipeline: each state's forward step. Any state that is not final may also be dropped.
FORWARD: dict[str, str] = {
    State.INTEREST: State.INTRODUCED,
    State.INTRODUCED: State.MEETING_HELD,
    State.MEETING_HELD: State.NDA_SIGNED,
    State.NDA_SIGNED: State.EVALUATION,
    State.EVALUATION: State.TERMS,
    State.TERMS: State.LICENCE_SIGNED,
    State.LICENCE_SIGNED: State.PROTOTYPE,
    State.PROTOTYPE: State.LAUNCHED,
}
FINAL_STATES = frozenset({State.LAUNCHED, State.DROPPED})
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    state: (frozenset({FORWARD[state], State.DROPPED}) if state not in FINAL_STATES else frozenset())
    for state in State.values
}

TERMS_STATES = frozenset({State.TERMS, State.LICENCE_SIGNED, State.PROTOTYPE, State.LAUNCHED})
PRODUCT_STATES = frozenset({State.LICENCE_SIGNED, State.PROTOTYPE, State.LAUNCHED})


def allowed_targets(state: str) -> list[str]:
    """The states a deal in `state` may move to, in pipeline order."""
    return [s for s in State.values if s in ALLOWED_TRANSITIONS[state]]


def _entry(
    negotiation: Negotiation,
    *,
    actor: User | None,
    kind: str,
    text: str = "",
    internal: bool = False,
    **extra,
) -> TimelineEntry:
    return TimelineEntry.objects.create(
        municipality=negotiation.municipality,
        negotiation=negotiation,
        kind=kind,
        text=text,
        internal=internal,
        actor=actor,
        actor_label=str(actor) if actor is not None else "system",
        **extra,
    )


def negotiation_open(
    *,
    municipality: Municipality,
    actor: User,
    sme: SME,
    company: LargeCompany,
    seeds: Iterable[Patent] = (),
    coordinator: User | None = None,
    note: str = "",
) -> tuple[Negotiation, bool]:
    """The deal between an SME and a company, created in `interest` when there is none yet; the seeds
    are added to it. Returns (negotiation, created). Side effects: audit and timeline entries."""
    seeds = list(seeds)
    if sme.municipality_id != municipality.pk or company.municipality_id != municipality.pk:
        raise ValidationError(_("The SME and the company must belong to this municipality."))
    if any(seed.company_id != company.pk for seed in seeds):
        raise ValidationError({"seeds": _("Every seed must belong to the company.")})
    with transaction.atomic():
        negotiation, created = Negotiation.objects.get_or_create(
            municipality=municipality,
            sme=sme,
            company=company,
            defaults={"coordinator": coordinator or actor, "created_by": actor},
        )
        if seeds:
            negotiation.seeds.add(*seeds)
        if created:
            audit_log(municipality=municipality, actor=actor, action="negotiation.created", obj=negotiation)
            _entry(
                negotiation,
                actor=actor,
                kind=EntryKind.STATE_CHANGE,
                text=note,
                to_state=State.INTEREST,
            )
    return negotiation, created


def negotiation_move(
    *,
    negotiation: Negotiation,
    to_state: str,
    actor: User,
    reason: str | None = None,
    note: str = "",
) -> Negotiation:
    """Move a deal along the pipeline (ALLOWED_TRANSITIONS) or drop it with a reason.

    Side effects: state and time of change saved, audit entry (old/new state, reason), timeline entry
    visible to the parties. Raises ValidationError for a move the table forbids or a drop without reason.
    """
    with transaction.atomic():
        # Lock the row: two coordinators dragging the same card must not both pass the check.
        current = Negotiation.objects.select_for_update().get(pk=negotiation.pk)
        old = current.state
        if to_state not in ALLOWED_TRANSITIONS.get(old, frozenset()):
            raise ValidationError(
                {
                    "to_state": _("A deal cannot move from “{old}” to “{new}”.").format(
                        old=State(old).label,
                        new=State(to_state).label if to_state in State.values else to_state,
                    )
                }
            )
        changes = {"state": {"old": old, "new": to_state}}
        update = ["state", "state_changed_at"]
        if to_state == State.DROPPED:
            if reason not in DropReason.values:
                raise ValidationError({"reason": _("Say why the deal is dropped.")})
            if reason == DropReason.OTHER and not note.strip():
                raise ValidationError({"note": _("Describe the reason when it is “Other”.")})
            current.drop_reason = reason
            current.drop_note = note
            update += ["drop_reason", "drop_note"]
            changes["drop_reason"] = {"new": reason}
        current.state = to_state
        current.state_changed_at = timezone.now()
        current.save(update_fields=update)
        audit_log(
            municipality=current.municipality,
            actor=actor,
            action="negotiation.moved",
            obj=current,
            changes=changes,
        )
        _entry(
            current,
            actor=actor,
            kind=EntryKind.STATE_CHANGE,
            text=note,
            from_state=old,
            to_state=to_state,
        )
    negotiation.state = current.state
    negotiation.state_changed_at = current.state_changed_at
    negotiation.drop_reason = current.drop_reason
    negotiation.drop_note = current.drop_note
    return negotiation


def negotiation_advance_to(*, negotiation: Negotiation, to_state: str, actor: User, note: str = "") -> int:
    """Step a deal forward through every state up to `to_state` (no-op when already there or past).
    Returns the number of moves; each is a normal negotiation_move."""
    order = State.values
    moves = 0
    while negotiation.state not in FINAL_STATES and order.index(negotiation.state) < order.index(to_state):
        negotiation_move(negotiation=negotiation, to_state=FORWARD[negotiation.state], actor=actor, note=note)
        moves += 1
    return moves


def timeline_add(
    *, negotiation: Negotiation, actor: User, kind: str, text: str, internal: bool = False
) -> TimelineEntry:
    """Add a note or a call record to a deal's timeline. Internal entries stay with coordinators."""
    if kind not in (EntryKind.NOTE, EntryKind.CALL):
        raise ValidationError({"kind": _("Only notes and calls can be added by hand.")})
    if not text.strip():
        raise ValidationError({"text": _("Write the note.")})
    entry = _entry(negotiation, actor=actor, kind=kind, text=text.strip(), internal=internal)
    audit_log(
        municipality=negotiation.municipality,
        actor=actor,
        action=f"negotiation.{kind}",
        obj=negotiation,
        changes={"internal": {"new": internal}},
    )
    return entry


def document_upload(
    *, negotiation: Negotiation, actor: User, kind: str, side: str, title: str, upload: UploadedFile
) -> Document:
    """Store a document of a deal; draft licences are numbered as versions. Side effects: audit entry,
    timeline entry (visible to the parties)."""
    if kind not in DocumentKind.values or side not in Side.values:
        raise ValidationError(_("Choose a valid kind and side."))
    with transaction.atomic():
        # Lock the deal so that two uploads at once do not get the same version number.
        Negotiation.objects.select_for_update().filter(pk=negotiation.pk).first()
        latest = negotiation.documents.filter(kind=kind).aggregate(v=Max("version"))["v"]
        document = Document(
            municipality=negotiation.municipality,
            negotiation=negotiation,
            kind=kind,
            side=side,
            title=title,
            version=(latest or 0) + 1,
            uploaded_by=actor,
        )
        document.file = upload
        document.full_clean(exclude=["negotiation", "municipality"])
        document.save()
        audit_log(
            municipality=negotiation.municipality, actor=actor, action="document.uploaded", obj=document
        )
        _entry(
            negotiation,
            actor=actor,
            kind=EntryKind.DOCUMENT,
            text=_("{title} (version {version}, {side})").format(
                title=title, version=document.version, side=document.get_side_display()
            ),
        )
    return document


def document_comment(*, document: Document, actor: User, comment: str) -> Document:
    """The coordinator's comment on a document (e.g. on a clause of the licensor's draft)."""
    changes = field_changes(document, {"coordinator_comment": comment})
    document.coordinator_comment = comment
    document.save(update_fields=["coordinator_comment"])
    audit_log(
        municipality=document.municipality,
        actor=actor,
        action="document.commented",
        obj=document,
        changes=changes,
    )
    return document


def nda_record(
    *, negotiation: Negotiation, actor: User, signed_on: dt.date, expires_on: dt.date | None
) -> Negotiation:
    """Record the NDA's dates. Side effects: audit entry, timeline entry."""
    if expires_on is not None and expires_on <= signed_on:
        raise ValidationError({"nda_expires_on": _("The NDA must expire after it is signed.")})
    changes = field_changes(negotiation, {"nda_signed_on": signed_on, "nda_expires_on": expires_on})
    negotiation.nda_signed_on = signed_on
    negotiation.nda_expires_on = expires_on
    negotiation.save(update_fields=["nda_signed_on", "nda_expires_on"])
    audit_log(
        municipality=negotiation.municipality,
        actor=actor,
        action="negotiation.nda",
        obj=negotiation,
        changes=changes,
    )
    _entry(
        negotiation,
        actor=actor,
        kind=EntryKind.DOCUMENT,
        text=_("NDA signed on {date}").format(date=signed_on.isoformat()),
    )
    return negotiation


TERMS_FIELDS = (
    "licence_type",
    "signed_on",
    "field_of_use",
    "territory",
    "term_months",
    "upfront_fee_yen",
    "royalty_percent",
    "minimum_royalty_yen",
    "sublicensing",
    "improvements",
)


def licence_terms_record(*, negotiation: Negotiation, actor: User, data: dict) -> LicenceTerms:
    """Record (or correct) the terms of the signed licence. A deal in terms negotiation moves to
    licence signed. Validation: an assignment has no royalties or term; a minimum royalty needs a
    running royalty. Side effects: audit entry with the changed terms, timeline entry, maybe a move."""
    if negotiation.state not in TERMS_STATES:
        raise ValidationError(_("Terms are recorded when the licence is signed."))
    terms = getattr(negotiation, "terms", None) or LicenceTerms(
        municipality=negotiation.municipality, negotiation=negotiation
    )
    changes = (
        field_changes(terms, {k: data[k] for k in TERMS_FIELDS})
        if terms.pk
        else {k: {"new": data[k]} for k in TERMS_FIELDS}
    )
    for key in TERMS_FIELDS:
        setattr(terms, key, data[key])
    terms.recorded_by = actor
    errors = {}
    if terms.licence_type == "assignment":
        if terms.royalty_percent or terms.minimum_royalty_yen:
            errors["royalty_percent"] = _("An assignment carries no running or minimum royalty.")
        if terms.term_months:
            errors["term_months"] = _("An assignment has no term.")
    if terms.minimum_royalty_yen and not terms.royalty_percent:
        errors["minimum_royalty_yen"] = _("A minimum royalty needs a running royalty rate.")
    if terms.signed_on and terms.signed_on > timezone.localdate():
        errors["signed_on"] = _("The signing date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    terms.full_clean(exclude=["negotiation", "municipality"])
    with transaction.atomic():
        terms.save()
        audit_log(
            municipality=negotiation.municipality,
            actor=actor,
            action="licence_terms.recorded",
            obj=negotiation,
            changes=changes,
        )
        _entry(
            negotiation,
            actor=actor,
            kind=EntryKind.DOCUMENT,
            text=_("Licence terms recorded: {type}").format(type=terms.get_licence_type_display()),
        )
        if negotiation.state == State.TERMS:
            negotiation_move(negotiation=negotiation, to_state=State.LICENCE_SIGNED, actor=actor)
    return terms


def product_record(
    *,
    negotiation: Negotiation,
    actor: User,
    name: str,
    launch_date: dt.date,
    description: str = "",
    price_yen: int | None = None,
    photo: UploadedFile | None = None,
    source_note: str = "",
) -> Product:
    """Record a launched product of a licensed deal; a deal at prototype moves to product launched.
    Side effects: audit entry, timeline entry, maybe a move."""
    if negotiation.state not in PRODUCT_STATES:
        raise ValidationError(_("Products are recorded for deals with a signed licence."))
    product = Product(
        municipality=negotiation.municipality,
        negotiation=negotiation,
        name=name,
        description=description,
        launch_date=launch_date,
        price_yen=price_yen,
        source_note=source_note,
        created_by=actor,
    )
    if photo is not None:
        # Stored under a name of ours, without the picture's metadata (GPS, camera: kawasaki.images).
        photo.seek(0)
        data = strip_image_metadata(photo.read())
        product.photo = ContentFile(data, name=f"{uuid.uuid4().hex}{image_extension(data)}")
    product.full_clean(exclude=["negotiation", "municipality"])
    with transaction.atomic():
        product.save()
        audit_log(municipality=negotiation.municipality, actor=actor, action="product.recorded", obj=product)
        _entry(
            negotiation,
            actor=actor,
            kind=EntryKind.NOTE,
            text=_("Product recorded: {name}").format(name=name),
        )
        negotiation_advance_to(negotiation=negotiation, to_state=State.LAUNCHED, actor=actor)
    return product


# --- meetings ------------------------------------------------------------------------------------


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
            recipients = _attending_users(current)
            transaction.on_commit(
                lambda: _send_meeting_notices(
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
        recipients = _attending_users(current)
        transaction.on_commit(
            lambda: _send_meeting_notices(current, recipients, template="meeting_cancelled")
        )
    meeting.refresh_from_db()
    return meeting


def _attending_users(meeting: Meeting) -> list[User]:
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


def _send_meeting_notices(meeting: Meeting, users: list[User], *, template: str, previous=None) -> None:
    """One e-mail per person, in their language, with the meeting's current .ics attached."""
    from django.core.mail import EmailMessage

    from .ics import meeting_ics

    if not users:
        return
    context = {"meeting": meeting, "link": _meeting_link(meeting), "previous": previous or {}}
    for user in users:
        # Runs after commit, which may be outside the request's scope: enter the meeting's own.
        with scope(municipality=meeting.municipality), translation.override(user.preferred_language or "ja"):
            ics = meeting_ics(meeting)
            if template == "meeting_cancelled":
                subject = _("Cancelled: {title}").format(title=meeting.title)
            else:
                subject = _("Changed: {title}").format(title=meeting.title)
            body = render_to_string(f"negotiations/email/{template}.txt", {**context, "user": user})
        message = EmailMessage(subject, body, None, [user.email])
        message.attach(f"meeting-{meeting.pk}.ics", ics, "text/calendar")
        message.send()


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
        title=title or str(proposal.company),
        starts_at=starts_at,
        ends_at=ends_at,
        venue=venue,
        online_url=online_url,
        company=proposal.company,
        seeds=proposal.patents.all(),
        smes=smes,
        proposal=proposal,
    )


def _emails_of_sme(sme: SME) -> list[str]:
    return list(
        Membership.objects.filter(
            municipality_id=sme.municipality_id, sme=sme, role=Role.SME_MEMBER, is_active=True
        ).values_list("user__email", flat=True)
    )


def _emails_of_company_staff(meeting: Meeting) -> list[str]:
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


def meeting_invite(*, meeting: Meeting, actor: User) -> int:
    """E-mail an invitation to every SME not yet invited (to its members' addresses). Returns the number
    of SMEs invited. On the first round, the company's IP staff (a symposium's presenting companies')
    are told too, with the .ics. Side effects: participants stamped, audit entry, e-mails after commit.
    A cancelled or held meeting takes no invitations."""
    _refuse_unless_planned(meeting)
    first_round = not meeting.participants.filter(invited_at__isnull=False).exists()
    staff = _emails_of_company_staff(meeting) if first_round else []
    pending = list(meeting.participants.filter(invited_at__isnull=True).select_related("sme"))
    now = timezone.now()
    mails = []
    for participant in pending:
        recipients = _emails_of_sme(participant.sme)
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
        transaction.on_commit(lambda: _send_invitations(meeting, mails))
        if staff and pending:
            transaction.on_commit(lambda: _send_company_notice(meeting, staff, len(pending)))
    return len(pending)


def _send_company_notice(meeting: Meeting, recipients: list[str], invited: int) -> None:
    """Tell the presenting company's staff that the SMEs have been invited (Japanese, then English)."""
    from django.core.mail import EmailMessage

    from .ics import meeting_ics

    context = {"meeting": meeting, "invited": invited, "link": _meeting_link(meeting)}
    bodies = []
    for lang in ("ja", "en"):
        with translation.override(lang):
            bodies.append(render_to_string("negotiations/email/company_notice.txt", context))
    with translation.override("ja"):
        subject = _("Your company presents at: {title}").format(title=meeting.title)
    message = EmailMessage(subject, "\n\n----\n\n".join(bodies), None, recipients)
    message.attach("meeting.ics", meeting_ics(meeting), "text/calendar")
    message.send()


def _meeting_link(meeting: Meeting) -> str:
    path = reverse("meeting_detail", kwargs={"municipality": meeting.municipality.slug, "pk": meeting.pk})
    return settings.KAWASAKI_BASE_URL.rstrip("/") + path


def _send_invitations(meeting: Meeting, mails) -> None:
    from .ics import meeting_ics

    for participant, recipients in mails:
        context = {"meeting": meeting, "participant": participant, "link": _meeting_link(meeting)}
        bodies = []
        for lang in ("ja", "en"):
            with translation.override(lang):
                bodies.append(render_to_string("negotiations/email/invitation.txt", context))
        with translation.override("ja"):
            subject = _("Invitation: {title}").format(title=meeting.title)
        from django.core.mail import EmailMessage

        message = EmailMessage(subject, "\n\n----\n\n".join(bodies), None, recipients)
        message.attach("meeting.ics", meeting_ics(meeting), "text/calendar")
        message.send()


def _check_capacity(meeting: Meeting) -> None:
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
            _check_capacity(meeting)
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
        _check_capacity(current)
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


def meeting_hold(*, meeting: Meeting, actor: User, minutes: str, attended_sme_ids: Iterable[int]) -> Meeting:
    """Record that a meeting took place: minutes and attendance. Holding a one-on-one or closed meeting
    opens the deal of each attending SME with the company (or advances it to meeting held).
    Side effects: audit entry, deals opened/moved with their timeline entries."""
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("A cancelled meeting cannot be held."))
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
        if meeting.kind != MeetingKind.SYMPOSIUM and meeting.company is not None:
            seeds = list(meeting.seeds.all())
            for participant in participants:
                if not participant.attended:
                    continue
                negotiation, _created = negotiation_open(
                    municipality=meeting.municipality,
                    actor=actor,
                    sme=participant.sme,
                    company=meeting.company,
                    seeds=seeds,
                )
                _entry(
                    negotiation,
                    actor=actor,
                    kind=EntryKind.MEETING,
                    text=_("{meeting} held on {date}").format(
                        meeting=meeting.title, date=timezone.localtime(meeting.starts_at).date().isoformat()
                    ),
                )
                negotiation_advance_to(negotiation=negotiation, to_state=State.MEETING_HELD, actor=actor)
    return meeting


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


# --- tasks ---------------------------------------------------------------------------------------


def task_create(
    *,
    municipality: Municipality,
    actor: User,
    title: str,
    due_on: dt.date,
    assignee: User | None,
    negotiation: Negotiation | None = None,
    meeting: Meeting | None = None,
) -> Task:
    """A to-do on a deal or a meeting (follow-up action). Side effect: audit entry."""
    if negotiation is None and meeting is None:
        raise ValidationError(_("A task belongs to a deal or a meeting."))
    task = Task.objects.create(
        municipality=municipality,
        negotiation=negotiation,
        meeting=meeting,
        title=title,
        due_on=due_on,
        assignee=assignee,
        created_by=actor,
    )
    audit_log(
        municipality=municipality,
        actor=actor,
        action="task.created",
        obj=task,
        changes={"due_on": {"new": due_on}},
    )
    return task


def task_done(*, task: Task, actor: User) -> Task:
    """Mark a task done. Side effect: audit entry."""
    if task.done_at is None:
        task.done_at = timezone.now()
        task.save(update_fields=["done_at"])
        audit_log(municipality=task.municipality, actor=actor, action="task.done", obj=task)
    return task


def task_reminders_send(*, municipality: Municipality, today: dt.date | None = None) -> int:
    """E-mail each assignee about open tasks due by tomorrow, once per task: the sent marker is set in
    the same transaction that claims the rows, so a re-run or a second worker sends nothing twice."""
    from .selectors import reminders_due

    today = today or timezone.localdate()
    with transaction.atomic():
        tasks = list(
            reminders_due(municipality=municipality, today=today)
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("assignee_id", "due_on", "id")
        )
        if not tasks:
            return 0
        now = timezone.now()
        for task in tasks:
            task.reminder_sent_at = now
        Task.objects.bulk_update(tasks, ["reminder_sent_at"])
        by_user: dict[int | None, list[Task]] = {}
        for task in tasks:
            by_user.setdefault(task.assignee_id, []).append(task)
        transaction.on_commit(lambda: _send_reminders(municipality, by_user))
    return len(tasks)


def _send_reminders(municipality: Municipality, by_user: dict[int | None, list[Task]]) -> None:
    for tasks in by_user.values():
        user = tasks[0].assignee
        with translation.override(user.preferred_language or "ja"):
            subject = _("Tasks due: {n}").format(n=len(tasks))
            body = render_to_string(
                "negotiations/email/reminder.txt",
                {"tasks": tasks, "user": user, "municipality": municipality},
            )
        send_mail(subject, body, None, [user.email])


# --- NDA-expiry reminders ------------------------------------------------------------------------


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
