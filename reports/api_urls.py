"""REST API endpoints of the reports app, under /api/v1/: the KPIs for reporting clients."""

from django.urls import path

from .api import KpiCompaniesView, KpiCouncilView, KpiFunnelView, KpiResultsView, KpiSummaryView

urlpatterns = [
    path("kpis/results/", KpiResultsView.as_view(), name="api_kpi_results"),
    path("kpis/summary/", KpiSummaryView.as_view(), name="api_kpi_summary"),
    path("kpis/funnel/", KpiFunnelView.as_view(), name="api_kpi_funnel"),
    path("kpis/council/", KpiCouncilView.as_view(), name="api_kpi_council"),
    path("kpis/companies/", KpiCompaniesView.as_view(), name="api_kpi_companies"),
]
