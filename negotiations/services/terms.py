"""The terms of a signed licence."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kawasaki.models import User
from kawasaki.services import audit_log, field_changes

from ..checks import show_date
from ..models import EntryCode, EntryKind, LicenceTerms, Negotiation, State
from .deals import TERMS_STATES, negotiation_move, timeline_entry

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
    today = timezone.localdate()
    if terms.signed_on and terms.signed_on > today:
        errors["signed_on"] = _(
            "The licence signing date {licence} is in the future (today is {today})."
        ).format(licence=show_date(terms.signed_on), today=show_date(today))
    elif terms.signed_on and negotiation.nda_signed_on and terms.signed_on < negotiation.nda_signed_on:
        errors["signed_on"] = _("The licence is dated {licence}, before the NDA signed on {nda}.").format(
            licence=show_date(terms.signed_on), nda=show_date(negotiation.nda_signed_on)
        )
    elif terms.signed_on:
        early = negotiation.products.filter(launch_date__lt=terms.signed_on).order_by("launch_date").first()
        if early is not None:
            errors["signed_on"] = _(
                "The product “{name}” launched on {launch}, before the licence signed on {licence}."
            ).format(name=early.name, launch=show_date(early.launch_date), licence=show_date(terms.signed_on))
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
        timeline_entry(
            negotiation,
            actor=actor,
            kind=EntryKind.DOCUMENT,
            code=EntryCode.TERMS_RECORDED,
            params={"type": terms.licence_type},
        )
        if negotiation.state == State.TERMS:
            # Recording the signed terms is the confirmation; the move's guard rails still apply.
            negotiation_move(
                negotiation=negotiation, to_state=State.LICENCE_SIGNED, actor=actor, confirmed=True
            )
    return terms
