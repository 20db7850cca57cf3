"""Pages of the subsidies app, under /m/<municipality>/subsidies/."""

from django.urls import path

from . import views

urlpatterns = [
    path("programmes/", views.ProgrammeListView.as_view(), name="programme_list"),
    path("programmes/new/", views.ProgrammeCreateView.as_view(), name="programme_create"),
    path("programmes/templates/", views.TemplateListView.as_view(), name="programmetemplate_list"),
    path("programmes/<int:pk>/", views.ProgrammeDetailView.as_view(), name="programme_detail"),
    path("programmes/<int:pk>/edit/", views.ProgrammeEditView.as_view(), name="programme_edit"),
    path("programmes/<int:pk>/windows/new/", views.WindowCreateView.as_view(), name="programmewindow_create"),
    path("eligibility/", views.EligibilityPickView.as_view(), name="subsidy_eligibility_pick"),
    path("windows/<int:pk>/edit/", views.WindowEditView.as_view(), name="programmewindow_edit"),
    path("windows/<int:pk>/delete/", views.WindowDeleteView.as_view(), name="programmewindow_delete"),
    path("smes/<int:pk>/eligibility/", views.EligibilityView.as_view(), name="subsidy_eligibility"),
    path("applications/", views.ApplicationListView.as_view(), name="subsidy_application_list"),
    path("applications/new/", views.ApplicationCreateView.as_view(), name="subsidy_application_create"),
    path("applications/<int:pk>/", views.ApplicationDetailView.as_view(), name="subsidy_application_detail"),
    path("applications/<int:pk>/edit/", views.ApplicationEditView.as_view(), name="subsidy_application_edit"),
    path(
        "applications/<int:pk>/status/",
        views.ApplicationStatusView.as_view(),
        name="subsidy_application_status",
    ),
    path(
        "applications/<int:pk>/withdraw/",
        views.ApplicationWithdrawView.as_view(),
        name="subsidy_application_withdraw",
    ),
    path(
        "applications/<int:pk>/notes/", views.ApplicationNoteView.as_view(), name="subsidy_application_note"
    ),
    path(
        "applications/<int:pk>/documents/", views.DocumentUploadView.as_view(), name="subsidy_document_upload"
    ),
    path("documents/<int:pk>/", views.DocumentDownloadView.as_view(), name="subsidy_document_download"),
    path("calendar/", views.CalendarView.as_view(), name="subsidy_calendar"),
    path("calendar/feed/", views.CalendarFeedView.as_view(), name="subsidy_calendar_feed"),
]
