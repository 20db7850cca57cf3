"""REST API endpoints of the subsidies app, under /api/v1/, and the coordinators' .ics feed."""

from django.urls import path

from .api import ApplicationViewSet, ProgrammeViewSet
from .views import calendar_ics

urlpatterns = [
    path("subsidy-programmes/", ProgrammeViewSet.as_view({"get": "list"}), name="api_subsidy_programme_list"),
    path(
        "subsidy-programmes/<int:pk>/",
        ProgrammeViewSet.as_view({"get": "retrieve"}),
        name="api_subsidy_programme_detail",
    ),
    path(
        "subsidy-applications/",
        ApplicationViewSet.as_view({"get": "list"}),
        name="api_subsidy_application_list",
    ),
    path(
        "subsidy-applications/<int:pk>/",
        ApplicationViewSet.as_view({"get": "retrieve"}),
        name="api_subsidy_application_detail",
    ),
    # A calendar program sends no token header and no session: the secret in the address is the key.
    path("subsidy-calendar/<str:token>.ics", calendar_ics, name="api_subsidy_calendar_ics"),
]
