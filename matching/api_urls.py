"""REST API endpoints of the matching app, under /api/v1/."""

from django.urls import path

from .api import MeetingViewSet, ScreeningCandidateViewSet, ScreeningRunViewSet

urlpatterns = [
    path(
        "screening-runs/",
        ScreeningRunViewSet.as_view({"get": "list", "post": "create"}),
        name="api_screeningrun_list",
    ),
    path(
        "screening-runs/<int:pk>/",
        ScreeningRunViewSet.as_view({"get": "retrieve"}),
        name="api_screeningrun_detail",
    ),
    path(
        "screening-runs/<int:run_pk>/candidates/",
        ScreeningCandidateViewSet.as_view({"get": "list"}),
        name="api_screeningcandidate_list",
    ),
    path("meetings/", MeetingViewSet.as_view({"get": "list"}), name="api_meeting_list"),
    path("meetings/<int:pk>/", MeetingViewSet.as_view({"get": "retrieve"}), name="api_meeting_detail"),
]
