from django.urls import include, path

from ..reporting import api as kpi_api
from .views import WhoAmIView

urlpatterns = [
    path("whoami/", WhoAmIView.as_view(), name="api_whoami"),
    path("kpis/results/", kpi_api.KpiResultsView.as_view(), name="api_kpi_results"),
    path("kpis/summary/", kpi_api.KpiSummaryView.as_view(), name="api_kpi_summary"),
    path("kpis/funnel/", kpi_api.KpiFunnelView.as_view(), name="api_kpi_funnel"),
    path("kpis/companies/", kpi_api.KpiCompaniesView.as_view(), name="api_kpi_companies"),
    # Each domain app's endpoints (module `<app>.api_urls`).
    path("", include("patents.api_urls")),
    path("", include("smes.api_urls")),
    path("", include("matching.api_urls")),
    path("", include("negotiations.api_urls")),
    path("", include("subsidies.api_urls")),
]
