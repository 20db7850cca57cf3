from django.urls import include, path

from .views import WhoAmIView

urlpatterns = [
    path("whoami/", WhoAmIView.as_view(), name="api_whoami"),
    # Each domain app's endpoints (module `<app>.api_urls`).
    path("", include("patents.api_urls")),
    path("", include("smes.api_urls")),
    path("", include("matching.api_urls")),
    path("", include("negotiations.api_urls")),
    path("", include("subsidies.api_urls")),
    path("", include("reports.api_urls")),
]
