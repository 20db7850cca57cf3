from django.urls import path

from . import views

urlpatterns = [
    path("", views.ReportDashboardView.as_view(), name="report_dashboard"),
    path("tables/<slug:table>.<slug:fmt>", views.ReportTableExportView.as_view(), name="report_table_export"),
    path("targets/", views.KpiTargetsView.as_view(), name="report_targets"),
    path("sales/", views.ProductSalesListView.as_view(), name="report_sales_list"),
    path("sales/<int:pk>/", views.ProductSalesView.as_view(), name="report_product_sales"),
    path("sales/<int:pk>/case-study/", views.CaseStudyView.as_view(), name="report_case_study"),
    path("annual-report.pdf", views.AnnualReportPdfView.as_view(), name="report_annual_pdf"),
    path("companies/<int:pk>/report.pdf", views.CompanyReportPdfView.as_view(), name="report_company_pdf"),
]
