"""Dashboard panels: the programme's outcome figures (licences, products) from the deal records."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kawasaki.dashboard import register
from kawasaki.models import Role

from .selectors import negotiations_visible_to, outcome_counts, products_visible_to


@register(Role.MUNICIPALITY_ADMIN, Role.COORDINATOR)
def pipeline_panel(request) -> dict:
    municipality = request.municipality
    counts = outcome_counts(municipality=municipality)
    board = reverse("negotiation_board", kwargs={"municipality": municipality.slug})
    products = reverse("product_list", kwargs={"municipality": municipality.slug})
    return {
        "title": _("Deals and outcomes"),
        "figures": [
            (_("Deals in progress"), counts["active"], board),
            (_("Licences signed"), counts["licences"], board),
            (_("Products launched"), counts["products"], products),
            (_("Deals dropped"), counts["dropped"], board),
        ],
    }


@register(Role.COMPANY_STAFF, Role.SME_MEMBER)
def own_deals_panel(request) -> dict:
    municipality = request.municipality
    deals = negotiations_visible_to(user=request.user, municipality=municipality)
    return {
        "title": _("Your deals"),
        "figures": [
            (
                _("Deals"),
                deals.count(),
                reverse("negotiation_list", kwargs={"municipality": municipality.slug}),
            ),
            (
                _("Products launched"),
                products_visible_to(user=request.user, municipality=municipality).count(),
                reverse("product_list", kwargs={"municipality": municipality.slug}),
            ),
        ],
    }
