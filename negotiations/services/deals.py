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

from ..checks import PIPELINE, requirements
from ..models import DropReason, EntryCode, EntryKind, Negotiation, State, TimelineEntry

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

# Moves that look irreversible (they are what the council counts, or end the deal): the caller must
# say the user confirmed them (`confirmed=True`); the page shows a checkbox, the API a `confirm` field.
CONFIRM_STATES = frozenset({State.LICENCE_SIGNED, State.LAUNCHED, State.DROPPED})


def _refuse_unmet(negotiation: Negotiation, to_state: str, field: str = "to_state") -> None:
    problems = [c.problem for c in requirements(negotiation=negotiation, to_state=to_state) if not c.met]
    if problems:
        state = State(to_state).label
        raise ValidationError(
            {field: [_("Before “{state}”: {problem}").format(state=state, problem=p) for p in problems]}
        )


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
    allow_duplicate: bool = True,
) -> tuple[Negotiation, bool]:
    """The deal between an SME and a company, created in `interest` when there is none yet; the seeds
    are added to it. Returns (negotiation, created).

    A coordinator opening a deal by hand passes `allow_duplicate=False`: when the SME already has an
    open deal with the company on one of these seeds (or, without seeds, any open deal with it), the
    service refuses on `allow_duplicate` naming that deal, its state and the seeds, and the coordinator
    may go on ("add to that deal anyway"; one deal per SME and company). A held meeting adding its
    seeds to the deal is not a duplicate. Side effects: audit and timeline entries; an audit entry
    "negotiation.seeds_added" (with `duplicate`) when seeds are added to an existing deal."""
    seeds = list(seeds)
    if sme.municipality_id != municipality.pk or company.municipality_id != municipality.pk:
        raise ValidationError(_("The SME and the company must belong to this municipality."))
    if any(seed.company_id != company.pk for seed in seeds):
        raise ValidationError({"seeds": _("Every seed must belong to the company.")})
    duplicate = open_deal_duplicate(municipality=municipality, sme=sme, company=company, seeds=seeds)
    if duplicate is not None and not allow_duplicate:
        deal, shared = duplicate
        raise ValidationError(
            {
                "allow_duplicate": ValidationError(
                    _(
                        "{sme} already has an open deal with {company} (deal #{pk}, “{state}”){seeds}. "
                        "Tick “Add to that deal anyway” to add the seeds to it."
                    ).format(
                        sme=sme,
                        company=company,
                        pk=deal.pk,
                        state=State(deal.state).label,
                        seeds=_(" on the seed {seeds}").format(seeds=", ".join(s.number for s in shared))
                        if shared
                        else "",
                    ),
                    code="duplicate",
                    params={"negotiation": deal.pk},
                )
            }
        )
    with transaction.atomic():
        negotiation, created = Negotiation.objects.get_or_create(
            municipality=municipality,
            sme=sme,
            company=company,
            defaults={"coordinator": coordinator or actor, "created_by": actor},
        )
        if seeds:
            added = [seed for seed in seeds if not created and seed not in negotiation.seeds.all()]
            negotiation.seeds.add(*seeds)
            if not created and (added or duplicate is not None):
                audit_log(
                    municipality=municipality,
                    actor=actor,
                    action="negotiation.seeds_added",
                    obj=negotiation,
                    changes={
                        "seeds": {"new": [seed.number for seed in added]},
                        "duplicate": {"new": duplicate is not None},
                    },
                )
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


def open_deal_duplicate(
    *, municipality: Municipality, sme: SME, company: LargeCompany, seeds: list[Patent]
) -> tuple[Negotiation, list[Patent]] | None:
    """The SME's open deal with the company that a new deal on `seeds` would repeat, with the seeds it
    already has of them: one on any of these seeds, or (no seeds given) any open deal. None when there
    is none (or the deal is launched or dropped: adding to it is not a duplicate of open work)."""
    deal = (
        Negotiation.objects.filter(municipality=municipality, sme=sme, company=company)
        .exclude(state__in=FINAL_STATES)
        .first()
    )
    if deal is None:
        return None
    if not seeds:
        return deal, []
    shared = [seed for seed in deal.seeds.order_by("number") if seed in seeds]
    return (deal, shared) if shared else None


def negotiation_move(
    *,
    negotiation: Negotiation,
    to_state: str,
    actor: User,
    reason: str | None = None,
    note: str = "",
    confirmed: bool = False,
) -> Negotiation:
    """Move a deal along the pipeline (ALLOWED_TRANSITIONS) or drop it with a reason.

    Guard rails: the deal must have what the target state needs (REQUIRED_FOR: the NDA date, the
    terms, the product, with dates in order); a move into CONFIRM_STATES needs `confirmed=True`.
    Side effects: state and time of change saved, audit entry (old/new state, reason), timeline entry
    visible to the parties. Raises ValidationError for a move the table forbids, an unmet requirement,
    a missing confirmation or a drop without reason; nothing is written then.
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
        _refuse_unmet(current, to_state)
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
        if to_state in CONFIRM_STATES and not confirmed:
            raise ValidationError(
                {
                    "confirm": _("“{state}” is hard to undo: confirm the move to go ahead.").format(
                        state=State(to_state).label
                    )
                }
            )
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


def negotiation_advance_to(
    *, negotiation: Negotiation, to_state: str, actor: User, note: str = "", confirmed: bool = False
) -> int:
    """Step a deal forward through every state up to `to_state` (no-op when already there or past).
    Returns the number of moves; each is a normal negotiation_move (with its guard rails)."""
    order = State.values
    moves = 0
    while negotiation.state not in FINAL_STATES and order.index(negotiation.state) < order.index(to_state):
        negotiation_move(
            negotiation=negotiation,
            to_state=FORWARD[negotiation.state],
            actor=actor,
            note=note,
            confirmed=confirmed,
        )
        moves += 1
    return moves


def reopen_targets(state: str) -> list[str]:
    """The earlier states a deal in `state` may be reopened to: those before it in the pipeline; a
    dropped deal to any state but "product launched"."""
    if state == State.DROPPED:
        return [s for s in PIPELINE if s != State.LAUNCHED]
    if state not in PIPELINE:
        return []
    return PIPELINE[: PIPELINE.index(state)]


def negotiation_reopen(*, negotiation: Negotiation, to_state: str, actor: User, reason: str) -> Negotiation:
    """A coordinator takes a deal back to an earlier state (a mis-click, a licence that fell through,
    a dropped deal that revives). The records stay (terms, products); the KPIs count a licence or a
    product only while its deal is at or past the state that records it, so they follow.

    Side effects: state saved (a dropped deal loses its drop reason), audit entry
    "negotiation.reopened" with the reason, timeline entry (visible to the parties) with the reason.
    Raises ValidationError for a state that is not earlier, a missing reason, or a target whose
    requirements the deal does not meet."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the deal is reopened.")})
    with transaction.atomic():
        current = Negotiation.objects.select_for_update().get(pk=negotiation.pk)
        old = current.state
        if to_state not in reopen_targets(old):
            raise ValidationError(
                {
                    "to_state": _("A deal in “{old}” cannot be reopened to “{new}”.").format(
                        old=State(old).label,
                        new=State(to_state).label if to_state in State.values else to_state,
                    )
                }
            )
        _refuse_unmet(current, to_state)
        changes: dict = {"state": {"old": old, "new": to_state}, "reason": {"new": reason.strip()}}
        update = ["state", "state_changed_at"]
        if old == State.DROPPED:
            changes["drop_reason"] = {"old": current.drop_reason, "new": ""}
            current.drop_reason = ""
            current.drop_note = ""
            update += ["drop_reason", "drop_note"]
        current.state = to_state
        current.state_changed_at = timezone.now()
        current.save(update_fields=update)
        audit_log(
            municipality=current.municipality,
            actor=actor,
            action="negotiation.reopened",
            obj=current,
            changes=changes,
        )
        timeline_entry(
            current,
            actor=actor,
            kind=EntryKind.STATE_CHANGE,
            text=reason.strip(),
            from_state=old,
            to_state=to_state,
            code=EntryCode.REOPENED,
        )
    for name in ("state", "state_changed_at", "drop_reason", "drop_note"):
        setattr(negotiation, name, getattr(current, name))
    return negotiation


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
            code=EntryCode.MEETING_HELD,
            params={
                "meeting": meeting.title,
                "date": timezone.localtime(meeting.starts_at).date().isoformat(),
            },
        )
        negotiation_advance_to(negotiation=negotiation, to_state=State.MEETING_HELD, actor=actor)


def _on_meeting_held(sender, *, meeting: Meeting, actor: User, attended: list[Participant], **kwargs) -> None:
    deals_for_held_meeting(meeting=meeting, actor=actor, attended=attended)


def connect() -> None:
    """Listen to the matching app's held meetings (called from the app's ready())."""
    meeting_held.connect(_on_meeting_held, dispatch_uid="negotiations-deals-for-held-meeting")
