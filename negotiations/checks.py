"""The rules a deal's records must keep: what each state needs before a deal may enter it, with dates
in order. The transition service (services/deals.py) refuses a move that breaks them, the deal page
shows them as a checklist, the data-quality page and the KPIs (selectors.py) find the records that
break them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import LicenceTerms, Negotiation, State

# The pipeline in order (without "dropped"): a deal reopened goes back to an earlier one of these.
PIPELINE: list[str] = [s for s in State.values if s != State.DROPPED]


def show_date(value: dt.date) -> str:
    """A date in the reader's format (the active language's DATE_FORMAT: 2026年12月20日, Dec. 20, 2026)."""
    return formats.date_format(value, "DATE_FORMAT")


@dataclass(frozen=True)
class Check:
    """One thing a deal must have before it may enter a state: `label` for the page's checklist,
    `problem` (naming the dates involved) when it is not met, "" when it is."""

    code: str
    label: str
    problem: str

    @property
    def met(self) -> bool:
        return not self.problem


def _check_nda_date(deal: Negotiation, today: dt.date) -> Check:
    label = _("The NDA's signing date is recorded")
    if deal.nda_signed_on is None:
        return Check("nda_date", label, _("Record the NDA's signing date first."))
    if deal.nda_signed_on > today:
        return Check(
            "nda_date",
            label,
            _("The NDA signing date {nda} is in the future (today is {today}).").format(
                nda=show_date(deal.nda_signed_on), today=show_date(today)
            ),
        )
    return Check("nda_date", label, "")


def _terms_of(deal: Negotiation):
    try:
        return deal.terms
    except LicenceTerms.DoesNotExist:
        return None


def _check_terms(deal: Negotiation, today: dt.date) -> Check:
    label = _("The licence terms and signing date are recorded")
    terms = _terms_of(deal)
    if terms is None:
        return Check("terms", label, _("Record the licence terms and the date the licence was signed."))
    if terms.signed_on > today:
        return Check(
            "terms",
            label,
            _("The licence signing date {licence} is in the future (today is {today}).").format(
                licence=show_date(terms.signed_on), today=show_date(today)
            ),
        )
    return Check("terms", label, "")


def _check_licence_after_nda(deal: Negotiation, today: dt.date) -> Check:
    label = _("The licence was signed on or after the NDA")
    terms = _terms_of(deal)
    if terms is not None and deal.nda_signed_on is not None and terms.signed_on < deal.nda_signed_on:
        return Check(
            "licence_after_nda",
            label,
            _("The licence is dated {licence}, before the NDA signed on {nda}.").format(
                licence=show_date(terms.signed_on), nda=show_date(deal.nda_signed_on)
            ),
        )
    return Check("licence_after_nda", label, "")


def _check_product(deal: Negotiation, today: dt.date) -> Check:
    label = _("A launched product is recorded, on or after the licence")
    products = list(deal.products.all())
    if not products:
        return Check("product", label, _("Record the product launched from the licence."))
    terms = _terms_of(deal)
    for product in products:
        if product.launch_date > today:
            return Check(
                "product",
                label,
                _("The product “{name}” has a launch date {launch} in the future (today is {today}).").format(
                    name=product.name, launch=show_date(product.launch_date), today=show_date(today)
                ),
            )
        if terms is not None and product.launch_date < terms.signed_on:
            return Check(
                "product",
                label,
                _(
                    "The product “{name}” launched on {launch}, before the licence signed on {licence}."
                ).format(
                    name=product.name,
                    launch=show_date(product.launch_date),
                    licence=show_date(terms.signed_on),
                ),
            )
    return Check("product", label, "")


# What a deal must have recorded before it may ENTER a state (and so be in it or any later state):
#   NDA signed      -> an NDA signing date, not in the future            (nda_record)
#   licence signed  -> licence terms with a signing date not in the future and not before the NDA
#                      (licence_terms_record, which also makes the move)
#   product launched-> a product whose launch date is not in the future and not before the licence
#                      (product_record, which also makes the move)
# A later state needs everything an earlier one needs (REQUIRED_FOR is cumulative along PIPELINE), so
# a caller walking a deal forward must record the NDA date, then the terms, then the product, in order.
CHECKS_ON_ENTRY: dict[str, tuple[Callable[[Negotiation, dt.date], Check], ...]] = {
    State.NDA_SIGNED: (_check_nda_date,),
    State.LICENCE_SIGNED: (_check_terms, _check_licence_after_nda),
    State.LAUNCHED: (_check_product,),
}
REQUIRED_FOR: dict[str, tuple[Callable[[Negotiation, dt.date], Check], ...]] = {
    state: tuple(check for earlier in PIPELINE[: i + 1] for check in CHECKS_ON_ENTRY.get(earlier, ()))
    for i, state in enumerate(PIPELINE)
}
REQUIRED_FOR[State.DROPPED] = ()

# The labels of the checks, for the page that lists the rules (data-quality page).
CHECK_LABELS = {
    "nda_date": gettext_lazy("NDA signing date"),
    "terms": gettext_lazy("Licence terms"),
    "licence_after_nda": gettext_lazy("Licence after NDA"),
    "product": gettext_lazy("Product after licence"),
}


def requirements(*, negotiation: Negotiation, to_state: str, today: dt.date | None = None) -> list[Check]:
    """What the deal must have before it may be in `to_state`, each met or not (the page's checklist,
    the move's guard, the data-quality page)."""
    today = today or timezone.localdate()
    return [check(negotiation, today) for check in REQUIRED_FOR.get(to_state, ())]
