"""Shortlists: seeds saved for an SME (from a quick-search hit or a screening candidate) to hand out,
and bulk decisions on a run's candidates."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kawasaki.models import Municipality, User
from kawasaki.services import audit_log
from patents.models import Patent
from smes.models import SME

from ..models import Decision, RejectReason, ScreeningCandidate, ShortlistEntry


def _term_words(term) -> str:
    """A matched term as the page shows it: a bridged word as "騒音 → noise"."""
    if not isinstance(term, dict):
        return str(term)
    surfaces = " / ".join(term.get("surfaces") or []) or str(term.get("term", ""))
    if term.get("bridge") and term.get("synonym_of"):
        return f"{term['synonym_of']} → {surfaces}"
    return surfaces


def fit_summary(reasons: dict) -> str:
    """The reasons in one line a coordinator reads out: the needs met, else the matched terms."""
    needs = [str(n.get("need", "")) for n in reasons.get("needs_met") or [] if n.get("need")]
    if needs:
        return "、".join(needs[:3])
    return "、".join(_term_words(t) for t in (reasons.get("matched_terms") or [])[:6])


def candidate_reasons(candidate: ScreeningCandidate | None) -> dict:
    """What a screening candidate's explanation says about why it fits, kept with a shortlist entry."""
    if candidate is None:
        return {}
    explanation = candidate.explanation or {}
    return {
        "source": "candidate",
        "band": candidate.band,
        "needs_met": candidate.needs_met,
        "matched_terms": explanation.get("matched_terms") or [],
    }


def shortlist_add(
    *,
    municipality: Municipality,
    actor: User,
    sme: SME,
    patent: Patent,
    candidate: ScreeningCandidate | None = None,
    reasons: dict | None = None,
    next_step: str = "",
) -> ShortlistEntry:
    """Save a seed to the SME's shortlist (once: a second save returns the entry already there), with
    why it fits: `reasons` as the quick search gave them (`matching.selectors.seed_reasons`), else the
    candidate's explanation. Side effect: audit entry when the entry is new."""
    if sme.municipality_id != municipality.pk or patent.municipality_id != municipality.pk:
        raise ValidationError(_("The SME and the seed must belong to this municipality."))
    if candidate is not None and (candidate.patent_id != patent.pk or candidate.sme_id not in (None, sme.pk)):
        raise ValidationError(_("The candidate does not pair this SME with this seed."))
    reasons = reasons or candidate_reasons(candidate)
    with transaction.atomic():
        entry, created = ShortlistEntry.objects.get_or_create(
            municipality=municipality,
            sme=sme,
            patent=patent,
            defaults={
                "candidate": candidate,
                "fit_summary": fit_summary(reasons),
                "reasons": reasons,
                "next_step": next_step
                or _("Introduce the seed to the SME and ask whether to meet the company."),
                "added_by": actor,
            },
        )
        if created:
            audit_log(
                municipality=municipality,
                actor=actor,
                action="shortlist_entry.added",
                obj=entry,
                changes={"sme": {"new": sme.pk}, "patent": {"new": patent.pk}},
            )
    return entry


def shortlist_remove(*, entry: ShortlistEntry, actor: User) -> None:
    """Take a seed off the SME's shortlist. Side effect: audit entry."""
    with transaction.atomic():
        audit_log(
            municipality=entry.municipality,
            actor=actor,
            action="shortlist_entry.removed",
            obj=entry,
            changes={"sme": {"old": entry.sme_id}, "patent": {"old": entry.patent_id}},
        )
        entry.delete()


def candidates_decide_bulk(
    *,
    municipality: Municipality,
    actor: User,
    candidates: list[ScreeningCandidate],
    decision: str,
    reason: str = "",
) -> int:
    """Shortlist or reject several candidates with one reason (rejecting needs one). Shortlisted
    candidates that name an SME land on its shortlist. All or nothing. Side effects: audit entries.
    Returns how many candidates were decided."""
    if decision not in (Decision.SHORTLISTED, Decision.REJECTED):
        raise ValidationError({"decision": _("Choose a valid decision.")})
    if decision == Decision.REJECTED and reason not in RejectReason.values:
        raise ValidationError({"reject_reason": _("Say why the candidates are rejected.")})
    if not candidates:
        raise ValidationError({"candidates": _("Tick at least one candidate.")})
    now = timezone.now()
    with transaction.atomic():
        for candidate in candidates:
            old = candidate.decision
            candidate.decision = decision
            candidate.reject_reason = reason if decision == Decision.REJECTED else ""
            candidate.decided_by = actor
            candidate.decided_at = now
            candidate.save(update_fields=["decision", "reject_reason", "decided_by", "decided_at"])
            audit_log(
                municipality=municipality,
                actor=actor,
                action="screening_candidate.decided",
                obj=candidate,
                changes={"decision": {"old": old, "new": decision}, "bulk": {"new": True}},
            )
            if decision == Decision.SHORTLISTED and candidate.sme_id is not None:
                candidate_to_shortlist(candidate=candidate, actor=actor)
    return len(candidates)


def candidate_to_shortlist(*, candidate: ScreeningCandidate, actor: User) -> ShortlistEntry | None:
    """Save a candidate's seed to its SME's shortlist (an SME-less candidate cannot be saved)."""
    sme = candidate.sme if candidate.sme_id is not None else candidate.run.sme
    if sme is None:
        return None
    return shortlist_add(
        municipality=candidate.municipality,
        actor=actor,
        sme=sme,
        patent=candidate.patent,
        candidate=candidate,
    )
