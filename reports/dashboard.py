"""Dashboard panel: the programme's results this fiscal year, for coordinators and reporting clients."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kawasaki.dashboard import register
from kawasaki.models import Role

from . import selectors
from .kpidata import KpiData


@register(Role.MUNICIPALITY_ADMIN, Role.COORDINATOR, Role.REPORTING)
def results_panel(request) -> dict:
    municipality = request.municipality
    fy = municipality.fiscal_year_of(timezone.localdate())
    data = KpiData(municipality=municipality, fiscal_year=fy)
    licences = selectors.licences_by_year(municipality=municipality, data=data)
    products = selectors.products_by_year(municipality=municipality, data=data)
    url = reverse("report_dashboard", kwargs={"municipality": municipality.slug})
    return {
        "title": _("Results"),
        "figures": [
            (_("Licences this fiscal year"), licences.per_year.get(fy, 0), url),
            (_("Products this fiscal year"), products.per_year.get(fy, 0), url),
            (_("Licences since the start"), sum(licences.per_year.values()), url),
            (_("Products since the start"), sum(products.per_year.values()), url),
        ],
    }
