"""REST API endpoints of the patents app, under /api/v1/."""

from django.urls import path

from . import api

urlpatterns = [
    path("companies/", api.CompanyListAPIView.as_view(), name="api_company_list"),
    path("companies/<int:pk>/", api.CompanyDetailAPIView.as_view(), name="api_company_detail"),
    path("patents/", api.PatentListAPIView.as_view(), name="api_patent_list"),
    path("patents/<int:pk>/", api.PatentDetailAPIView.as_view(), name="api_patent_detail"),
    path("imports/", api.ImportListCreateAPIView.as_view(), name="api_import_list"),
    path("imports/<int:pk>/", api.ImportDetailAPIView.as_view(), name="api_import_detail"),
    path("imports/<int:pk>/confirm/", api.ImportConfirmAPIView.as_view(), name="api_import_confirm"),
]
