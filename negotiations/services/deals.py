"""The deal pipeline: open a deal, move it along the allowed transitions (or drop it), its timeline,
and the deals a held meeting opens."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kawasaki.models import Municipality, User
from kawasaki.services import audit_log
from matching.models import Meeting, MeetingKind, Participant
from matching.signals import meeting_held
from patents.models import LargeCompany, Patent
from smes.models import SME

from ..models import DropReason, EntryKind, Negotiation, State, TimelineEntry

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


def timeline_entry(
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
            timeline_entry(
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
        timeline_entry(
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
    entry = timeline_entry(negotiation, actor=actor, kind=kind, text=text.strip(), internal=internal)
    audit_log(
        municipality=negotiation.municipality,
        actor=actor,
        action=f"negotiation.{kind}",
        obj=negotiation,
        changes={"internal": {"new": internal}},
    )
    return entry


def deals_for_held_meeting(*, meeting: Meeting, actor: User, attended: list[Participant]) -> None:
    """A one-on-one or closed meeting took place: open the deal of each attending SME with the company
    (or add the seeds to it), note the meeting on its timeline and advance it to meeting held.
    Symposiums open no deal. Called through `matching.signals.meeting_held`, inside its transaction.
    Side effects: audit and timeline entries, deals opened or moved."""
    if meeting.kind == MeetingKind.SYMPOSIUM or meeting.company is None:
        return
    seeds = list(meeting.seeds.all())
    for participant in attended:
        negotiation, _created = negotiation_open(
            municipality=meeting.municipality,
            actor=actor,
            sme=participant.sme,
            company=meeting.company,
            seeds=seeds,
        )
        timeline_entry(
            negotiation,
            actor=actor,
            kind=EntryKind.MEETING,
            text=_("{meeting} held on {date}").format(
                meeting=meeting.title, date=timezone.localtime(meeting.starts_at).date().isoformat()
            ),
        )
        negotiation_advance_to(negotiation=negotiation, to_state=State.MEETING_HELD, actor=actor)


def _on_meeting_held(sender, *, meeting: Meeting, actor: User, attended: list[Participant], **kwargs) -> None:
    deals_for_held_meeting(meeting=meeting, actor=actor, attended=attended)


def connect() -> None:
    """Listen to the matching app's held meetings (called from the app's ready())."""
    meeting_held.connect(_on_meeting_held, dispatch_uid="negotiations-deals-for-held-meeting")
