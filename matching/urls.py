"""Screening pages of the matching app, under /m/<municipality>/matching/ (meetings: meeting_urls.py)."""

from django.urls import path

from .views import company, screening, shortlists

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
    path("indexes/<int:pk>/rebuild/", screening.IndexBuildRetryView.as_view(), name="indexbuild_retry"),
    path(
        "runs/<int:pk>/propose/", screening.MeetingProposalCreateView.as_view(), name="meetingproposal_create"
    ),
    path(
        "runs/<int:run>/candidates/<int:pk>/decide/",
        screening.CandidateDecideView.as_view(),
        name="candidate_decide",
    ),
    path(
        "runs/<int:pk>/candidates/<int:candidate>/why/",
        screening.CandidateWhyView.as_view(),
        name="candidate_why",
    ),
    path(
        "runs/<int:pk>/decide/", shortlists.CandidatesBulkDecideView.as_view(), name="candidates_bulk_decide"
    ),
    path("shortlists/add/", shortlists.ShortlistAddView.as_view(), name="shortlist_add"),
    path("shortlists/<int:sme>/", shortlists.ShortlistView.as_view(), name="shortlist_detail"),
    path(
        "shortlists/<int:sme>/handout.<str:fmt>",
        shortlists.ShortlistHandoutView.as_view(),
        name="shortlist_handout",
    ),
    path(
        "shortlists/entries/<int:pk>/remove/",
        shortlists.ShortlistEntryRemoveView.as_view(),
        name="shortlist_entry_remove",
    ),
    path("proposals/", screening.MeetingProposalListView.as_view(), name="meetingproposal_list"),
    path("glossary/", screening.GlossaryView.as_view(), name="screening_glossary"),
    path(
        "glossary/<int:pk>/remove/",
        screening.GlossaryEntryRemoveView.as_view(),
        name="screening_glossary_remove",
    ),
    path("shared/", company.CompanyFitsView.as_view(), name="shared_candidates"),
    path("shared/screen/", company.CompanyScreeningStartView.as_view(), name="company_screening_start"),
]
