"""Pages of the matching app, under /m/<municipality>/matching/."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.ScreeningHomeView.as_view(), name="screening_home"),
    path("runs/new/", views.ScreeningRunCreateView.as_view(), name="screeningrun_create"),
    path("runs/<int:pk>/", views.ScreeningRunDetailView.as_view(), name="screeningrun_detail"),
    path("runs/<int:pk>/share/", views.ScreeningRunShareView.as_view(), name="screeningrun_share"),
    path("runs/<int:pk>/propose/", views.MeetingProposalCreateView.as_view(), name="meetingproposal_create"),
    path(
        "runs/<int:run>/candidates/<int:pk>/decide/",
        views.CandidateDecideView.as_view(),
        name="candidate_decide",
    ),
    path("proposals/", views.MeetingProposalListView.as_view(), name="meetingproposal_list"),
    path("shared/", views.SharedCandidateListView.as_view(), name="shared_candidates"),
]
