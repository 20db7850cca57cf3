"""Writes of the deal pipeline. Each service checks, writes, records an audit entry and, for a deal,
a timeline entry with who and when."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kawasaki.models import Membership, Municipality, Role, User
from kawasaki.services import audit_log, field_changes
from matching.models import MeetingProposal, ProposalKind, ProposalStatus
from matching.services import proposal_mark
from patents.models import LargeCompany, Patent
from smes.models import SME

from .models import (
    Document,
    DocumentKind,
    DropReason,
    EntryKind,
    LicenceTerms,
    Meeting,
    MeetingKind,
    MeetingStatus,
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
        product.photo = photo
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
) -> Meeting:
    """Plan a meeting with its SMEs. Symposiums name presenting companies; closed meetings and
    one-on-ones one company (a one-on-one exactly one SME). From a proposal, the proposal is marked
    scheduled. Side effects: audit entry, proposal status."""
    smes = list(smes)
    seeds = list(seeds)
    presenting = list(presenting_companies)
    errors: dict[str, str] = {}
    if ends_at <= starts_at:
        errors["ends_at"] = _("The meeting must end after it starts.")
    if not venue and not online_url:
        errors["venue"] = _("Give a venue or an online meeting URL.")
    if kind == MeetingKind.SYMPOSIUM:
        if not presenting:
            errors["presenting_companies"] = _("A symposium needs at least one presenting company.")
        allowed = {c.pk for c in presenting}
    else:
        if company is None:
            errors["company"] = _("Choose the company.")
        if kind == MeetingKind.ONE_ON_ONE and len(smes) != 1:
            errors["smes"] = _("A one-on-one meeting has exactly one SME.")
        allowed = {company.pk} if company else set()
    if any(seed.company_id not in allowed for seed in seeds):
        errors["seeds"] = _("Every seed must belong to a company of the meeting.")
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


def meeting_invite(*, meeting: Meeting, actor: User) -> int:
    """E-mail an invitation to every SME not yet invited (to its members' addresses). Returns the number
    of SMEs invited. Side effects: participants stamped, audit entry, e-mails after commit."""
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
    return len(pending)


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


def participant_reply(*, participant: Participant, actor: User, reply: str) -> Participant:
    """An invited SME answers attending or declined. Side effect: audit entry."""
    if reply not in (Reply.ATTENDING, Reply.DECLINED):
        raise ValidationError({"reply": _("Answer attending or declined.")})
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


def meeting_register(*, meeting: Meeting, actor: User, sme: SME) -> Participant:
    """An SME registers for a symposium (or a coordinator registers it). Side effect: audit entry."""
    if meeting.kind != MeetingKind.SYMPOSIUM:
        raise ValidationError(_("Only symposiums take registrations."))
    participant, _created = Participant.objects.get_or_create(
        municipality=meeting.municipality, meeting=meeting, sme=sme, defaults={"reply": Reply.ATTENDING}
    )
    audit_log(municipality=meeting.municipality, actor=actor, action="meeting.registered", obj=participant)
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
        by_user: dict[int, list[Task]] = {}
        for task in tasks:
            by_user.setdefault(task.assignee_id, []).append(task)
        transaction.on_commit(lambda: _send_reminders(municipality, by_user))
    return len(tasks)


def _send_reminders(municipality: Municipality, by_user: dict[int, list[Task]]) -> None:
    for tasks in by_user.values():
        user = tasks[0].assignee
        with translation.override(user.preferred_language or "ja"):
            subject = _("Tasks due: {n}").format(n=len(tasks))
            body = render_to_string(
                "negotiations/email/reminder.txt",
                {"tasks": tasks, "user": user, "municipality": municipality},
            )
        send_mail(subject, body, None, [user.email])
