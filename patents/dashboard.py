"""Dashboard panels of the patents app."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kawasaki.dashboard import register
from kawasaki.models import Role

from .models import PublicationState
from .selectors import patent_counts


@register(Role.MUNICIPALITY_ADMIN, Role.COORDINATOR, Role.COMPANY_STAFF)
def seeds_panel(request) -> dict:
    municipality = request.municipality
    counts = patent_counts(user=request.user, municipality=municipality)
    url = reverse("patent_list", kwargs={"municipality": municipality.slug})
    return {
        "title": _("Seeds"),
        "figures": [
            (
                _("Published to SMEs"),
                counts[PublicationState.PUBLISHED],
                f"{url}?publication_state=published",
            ),
            (_("Drafts"), counts[PublicationState.DRAFT], f"{url}?publication_state=draft"),
            (
                pgettext_lazy("publication", "Withdrawn"),
                counts[PublicationState.WITHDRAWN],
                f"{url}?publication_state=withdrawn",
            ),
            (_("Without abstract"), counts["needs_completion"], f"{url}?needs_completion=on"),
        ],
    }


@register(Role.SME_MEMBER)
def published_seeds_panel(request) -> dict:
    municipality = request.municipality
    counts = patent_counts(user=request.user, municipality=municipality)
    return {
        "title": _("Seeds"),
        "figures": [
            (
                _("Published seeds"),
                counts[PublicationState.PUBLISHED],
                # The SMEs' own catalogue (smes), searched by the engine: one list of seeds for them.
                reverse("seed_list", kwargs={"municipality": municipality.slug}),
            ),
        ],
    }
