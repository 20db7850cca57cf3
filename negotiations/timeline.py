"""The negotiations app's source of the one timeline (`kawasaki.timeline`): deals."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kawasaki.timeline import SOURCE_LIMIT, TimelineItem, register_source

from .selectors import negotiations_visible_to


def _deals(*, user, municipality, match: Q):
    deals = (
        negotiations_visible_to(user=user, municipality=municipality)
        .filter(match)
        .order_by("-state_changed_at", "-pk")
        .distinct()[:SOURCE_LIMIT]
    )
    return [
        TimelineItem(
            when=deal.state_changed_at,
            kind="deals",
            title=str(deal),
            url=reverse("negotiation_detail", kwargs={"municipality": municipality.slug, "pk": deal.pk}),
            note=deal.get_state_display(),
        )
        for deal in deals
    ]


@register_source("sme", kind="deals", label=_("Deals"), order=50)
def sme_deals(*, user, municipality, obj):
    return _deals(user=user, municipality=municipality, match=Q(sme=obj))


@register_source("seed", kind="deals", label=_("Deals"), order=50)
def seed_deals(*, user, municipality, obj):
    return _deals(user=user, municipality=municipality, match=Q(seeds=obj))


@register_source("company", kind="deals", label=_("Deals"), order=50)
def company_deals(*, user, municipality, obj):
    return _deals(user=user, municipality=municipality, match=Q(company=obj))
