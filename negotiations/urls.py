"""Pages of the negotiations app, under /m/<municipality>/negotiations/."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.BoardView.as_view(), name="negotiation_board"),
    path("week/", views.MyWeekView.as_view(), name="my_week"),
    path("deals/", views.NegotiationListView.as_view(), name="negotiation_list"),
    path("deals/new/", views.NegotiationCreateView.as_view(), name="negotiation_create"),
    path("deals/<int:pk>/", views.NegotiationDetailView.as_view(), name="negotiation_detail"),
    path("deals/<int:pk>/move/", views.NegotiationMoveView.as_view(), name="negotiation_move"),
    path("deals/<int:pk>/entries/", views.EntryAddView.as_view(), name="negotiation_entry_add"),
    path("deals/<int:pk>/documents/", views.DocumentUploadView.as_view(), name="document_upload"),
    path("deals/<int:pk>/nda/", views.NdaView.as_view(), name="negotiation_nda"),
    path("deals/<int:pk>/terms/", views.TermsView.as_view(), name="licenceterms_edit"),
    path("deals/<int:pk>/products/new/", views.ProductCreateView.as_view(), name="product_create"),
    path(
        "deals/<int:pk>/tasks/", views.TaskCreateView.as_view(), {"kind": "negotiation"}, name="task_create"
    ),
    path(
        "meetings/<int:pk>/tasks/",
        views.TaskCreateView.as_view(),
        {"kind": "meeting"},
        name="meeting_task_create",
    ),
    path("documents/<int:pk>/", views.DocumentDownloadView.as_view(), name="document_download"),
    path("documents/<int:pk>/comment/", views.DocumentCommentView.as_view(), name="document_comment"),
    path("tasks/<int:pk>/done/", views.TaskDoneView.as_view(), name="task_done"),
    path("products/", views.ProductListView.as_view(), name="product_list"),
    path("products/<int:pk>/photo/", views.ProductPhotoView.as_view(), name="product_photo"),
    path("meetings/", views.MeetingListView.as_view(), name="meeting_list"),
    path("meetings/new/", views.MeetingCreateView.as_view(), name="meeting_create"),
    path("meetings/<int:pk>/", views.MeetingDetailView.as_view(), name="meeting_detail"),
    path("meetings/<int:pk>/meeting.ics", views.MeetingIcsView.as_view(), name="meeting_ics"),
    path("meetings/<int:pk>/booklet.pdf", views.MeetingBookletView.as_view(), name="meeting_booklet"),
    path("meetings/<int:pk>/invite/", views.MeetingInviteView.as_view(), name="meeting_invite"),
    path("meetings/<int:pk>/reply/", views.MeetingReplyView.as_view(), name="meeting_reply"),
    path("meetings/<int:pk>/hold/", views.MeetingHoldView.as_view(), name="meeting_hold"),
    path("meetings/<int:pk>/edit/", views.MeetingEditView.as_view(), name="meeting_edit"),
    path("meetings/<int:pk>/cancel/", views.MeetingCancelView.as_view(), name="meeting_cancel"),
    path("symposiums/", views.SymposiumListView.as_view(), name="symposium_list"),
    path(
        "symposiums/<int:pk>/register/",
        views.SymposiumRegistrationView.as_view(action="register"),
        name="symposium_register",
    ),
    path(
        "symposiums/<int:pk>/unregister/",
        views.SymposiumRegistrationView.as_view(action="unregister"),
        name="symposium_unregister",
    ),
    path("meetings/<int:pk>/requests/", views.MeetingRequestView.as_view(), name="meeting_request"),
    path(
        "proposals/<int:pk>/schedule/",
        views.ScheduleView.as_view(),
        {"kind": "proposal"},
        name="proposal_schedule",
    ),
    path(
        "requests/<int:pk>/schedule/",
        views.ScheduleView.as_view(),
        {"kind": "request"},
        name="request_schedule",
    ),
]
