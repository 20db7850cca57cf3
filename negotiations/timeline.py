"""The negotiations app's source of the one timeline (`kawasaki.timeline`): deals."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kawasaki.timeline import entries_of, register_source

from .selectors import negotiations_visible_to


def _deals(*, user, municipality, match: Q):
    deals = (
        negotiations_visible_to(user=user, municipality=municipality)
        .filter(match)
        .order_by("-state_changed_at", "-pk")
        .distinct()
    )
    return entries_of(
        deals,
        kind="deals",
        when=lambda deal: deal.state_changed_at,
        title=str,
        url=lambda deal: reverse(
            "negotiation_detail", kwargs={"municipality": municipality.slug, "pk": deal.pk}
        ),
        note=lambda deal: deal.get_state_display(),
    )


@register_source("sme", kind="deals", label=_("Deals"), order=50)
def sme_deals(*, user, municipality, obj):
    return _deals(user=user, municipality=municipality, match=Q(sme=obj))


@register_source("seed", kind="deals", label=_("Deals"), order=50)
def seed_deals(*, user, municipality, obj):
    return _deals(user=user, municipality=municipality, match=Q(seeds=obj))


@register_source("company", kind="deals", label=_("Deals"), order=50)
def company_deals(*, user, municipality, obj):
    return _deals(user=user, municipality=municipality, match=Q(company=obj))
