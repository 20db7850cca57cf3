"""Pages of the patents app, under /m/<municipality>/patents/."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.PatentListView.as_view(), name="patent_list"),
    path("export.csv", views.PatentExportView.as_view(), name="patent_export"),
    path("bulk-state/", views.PatentBulkStateView.as_view(), name="patent_bulk_state"),
    path("booklet.pdf", views.PatentBookletView.as_view(), name="patent_booklet"),
    path("<int:pk>/", views.PatentDetailView.as_view(), name="patent_detail"),
    path("<int:pk>/edit/", views.PatentEditView.as_view(), name="patent_edit"),
    path("<int:pk>/state/", views.PatentStateView.as_view(), name="patent_state"),
    path("<int:pk>/sheet.pdf", views.PatentSheetView.as_view(), name="patent_sheet"),
    path("<int:pk>/attachments/", views.PatentAttachmentAddView.as_view(), name="patent_attachment_add"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        views.PatentAttachmentFileView.as_view(),
        name="patent_attachment",
    ),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/delete/",
        views.PatentAttachmentDeleteView.as_view(),
        name="patent_attachment_delete",
    ),
    path("companies/", views.CompanyListView.as_view(), name="company_list"),
    path("companies/new/", views.CompanyCreateView.as_view(), name="company_create"),
    path("companies/<int:pk>/", views.CompanyDetailView.as_view(), name="company_detail"),
    path("companies/<int:pk>/aliases/", views.CompanyAliasAddView.as_view(), name="company_alias_add"),
    path("imports/", views.ImportListView.as_view(), name="import_list"),
    path("imports/template.csv", views.ImportTemplateView.as_view(), name="import_template"),
    path(
        "imports/template.xlsx",
        views.ImportTemplateView.as_view(file_format="xlsx"),
        name="import_template_xlsx",
    ),
    path("imports/<int:pk>/", views.ImportDetailView.as_view(), name="import_detail"),
    path("imports/<int:pk>/confirm/", views.ImportConfirmView.as_view(), name="import_confirm"),
    path("imports/<int:pk>/retry/", views.ImportRetryView.as_view(), name="import_retry"),
]
