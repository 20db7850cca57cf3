"""Pages of the negotiations app, under /m/<municipality>/negotiations/ (the meeting pages under the same
prefix come from matching/meeting_urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.BoardView.as_view(), name="negotiation_board"),
    path("week/", views.MyWeekView.as_view(), name="my_week"),
    path("data-quality/", views.DataQualityView.as_view(), name="negotiation_data_quality"),
    path("deals/", views.NegotiationListView.as_view(), name="negotiation_list"),
    path("glossary/", views.LicenceGlossaryView.as_view(), name="licence_glossary"),
    path("deals/new/", views.NegotiationCreateView.as_view(), name="negotiation_create"),
    path("deals/<int:pk>/", views.NegotiationDetailView.as_view(), name="negotiation_detail"),
    path("deals/<int:pk>/move/", views.NegotiationMoveView.as_view(), name="negotiation_move"),
    path("deals/<int:pk>/reopen/", views.NegotiationReopenView.as_view(), name="negotiation_reopen"),
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
]
