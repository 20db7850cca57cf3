"""Meeting proposals: shortlisted candidates become a proposal that the meetings workflow schedules."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kawasaki.models import Municipality, User
from kawasaki.services import audit_log

from ..models import Decision, MeetingProposal, ProposalKind, ProposalStatus, ScreeningCandidate

# Words a coordinator drops when naming an organisation in a title (legal form, demo marker).
_NAME_NOISE = (
    "株式会社",
    "有限会社",
    "合同会社",
    "(サンプル)",
    "（サンプル）",
    "Co., Ltd.",
    "Corporation",
    "(sample)",
)
TITLE_SEED_CHARS = 40


def short_name(name: str) -> str:
    """An organisation's name without its legal form or demo marker: 多摩川精密株式会社 -> 多摩川精密."""
    for noise in _NAME_NOISE:
        name = name.replace(noise, "")
    return name.strip(" ,") or name


def proposal_title(*, proposal: MeetingProposal) -> str:
    """The meeting title a proposal suggests: "SME × company: seed" ("多摩川精密 × 川崎電機: 振動センサー");
    several SMEs or seeds are counted, a long seed title is cut."""
    smes = sorted(str(s) for s in proposal.smes.all())
    seeds = sorted((p.title for p in proposal.patents.all()), key=str)
    sme_part = short_name(smes[0]) if smes else ""
    if len(smes) > 1:
        sme_part = _("%(name)s and %(n)s more") % {"name": sme_part, "n": len(smes) - 1}
    seed_part = seeds[0] if seeds else ""
    if len(seed_part) > TITLE_SEED_CHARS:
        seed_part = seed_part[: TITLE_SEED_CHARS - 1] + "…"
    if len(seeds) > 1:
        seed_part = _("%(title)s and %(n)s more") % {"title": seed_part, "n": len(seeds) - 1}
    title = f"{sme_part} × {short_name(str(proposal.company))}"
    return f"{title}: {seed_part}" if seed_part else title


def meeting_propose(
    *,
    municipality: Municipality,
    actor: User,
    kind: str,
    candidates: list[ScreeningCandidate],
    note: str = "",
) -> MeetingProposal:
    """Turn shortlisted candidates into a meeting proposal the meetings workflow picks up.

    One company only; a one-on-one has exactly one SME. Side effect: audit entry.
    """
    if kind not in ProposalKind.values:
        raise ValidationError({"kind": _("Choose a valid meeting kind.")})
    if not candidates:
        raise ValidationError(_("Choose at least one shortlisted candidate."))
    if any(c.decision != Decision.SHORTLISTED for c in candidates):
        raise ValidationError(_("Only shortlisted candidates can be proposed for a meeting."))
    companies = {c.patent.company_id for c in candidates}
    if len(companies) != 1:
        raise ValidationError(
            _("A meeting brings together one company's seeds; choose candidates of one company.")
        )
    smes = {c.sme_id for c in candidates}
    if None in smes:
        raise ValidationError(_("Every candidate must name an SME."))
    sme_ids = {sme_id for sme_id in smes if sme_id is not None}
    if kind == ProposalKind.ONE_ON_ONE and len(smes) != 1:
        raise ValidationError(
            _("A one-on-one meeting has exactly one SME; choose a closed meeting for several.")
        )
    with transaction.atomic():
        proposal = MeetingProposal.objects.create(
            municipality=municipality, kind=kind, company_id=companies.pop(), note=note, created_by=actor
        )
        proposal.smes.set(sme_ids)
        proposal.patents.set({c.patent_id for c in candidates})
        proposal.candidates.set(candidates)
        audit_log(
            municipality=municipality,
            actor=actor,
            action="meeting_proposal.created",
            obj=proposal,
            changes={"kind": {"new": kind}, "smes": {"new": sorted(smes)}},
        )
    return proposal


def proposal_mark(*, proposal: MeetingProposal, actor: User, status: str) -> MeetingProposal:
    """Record that a proposal became a meeting (scheduled) or was dropped (cancelled). Side effect: audit entry."""
    if status not in ProposalStatus.values:
        raise ValidationError({"status": _("Choose a valid status.")})
    old = proposal.status
    proposal.status = status
    proposal.save(update_fields=["status"])
    audit_log(
        municipality=proposal.municipality,
        actor=actor,
        action="meeting_proposal.status",
        obj=proposal,
        changes={"status": {"old": old, "new": status}},
    )
    return proposal
