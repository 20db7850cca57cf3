"""Screening pages of the matching app, under /m/<municipality>/matching/ (meetings: meeting_urls.py)."""

from django.urls import path

from .views import screening

urlpatterns = [
    path("", screening.ScreeningHomeView.as_view(), name="screening_home"),
    path("runs/new/", screening.ScreeningRunCreateView.as_view(), name="screeningrun_create"),
    path("runs/<int:pk>/", screening.ScreeningRunDetailView.as_view(), name="screeningrun_detail"),
    path(
        "runs/<int:pk>/smes/<int:sme>/candidates/",
        screening.RunSmeCandidatesView.as_view(),
        name="screeningrun_sme_candidates",
    ),
    path(
        "runs/<int:pk>/export.csv", screening.RunExportView.as_view(fmt="csv"), name="screeningrun_export_csv"
    ),
    path(
        "runs/<int:pk>/export.xlsx",
        screening.RunExportView.as_view(fmt="xlsx"),
        name="screeningrun_export_xlsx",
    ),
    path("runs/<int:pk>/share/", screening.ScreeningRunShareView.as_view(), name="screeningrun_share"),
    path("runs/<int:pk>/retry/", screening.ScreeningRunRetryView.as_view(), name="screeningrun_retry"),
    path(
        "runs/<int:pk>/propose/", screening.MeetingProposalCreateView.as_view(), name="meetingproposal_create"
    ),
    path(
        "runs/<int:run>/candidates/<int:pk>/decide/",
        screening.CandidateDecideView.as_view(),
        name="candidate_decide",
    ),
    path("proposals/", screening.MeetingProposalListView.as_view(), name="meetingproposal_list"),
    path("glossary/", screening.GlossaryView.as_view(), name="screening_glossary"),
    path(
        "glossary/<int:pk>/remove/",
        screening.GlossaryEntryRemoveView.as_view(),
        name="screening_glossary_remove",
    ),
    path("shared/", screening.SharedCandidateListView.as_view(), name="shared_candidates"),
]
