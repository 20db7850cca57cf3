"""The KPI dashboard, its downloads and the PDF reports."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from kawasaki.rules import is_coordinator
from kawasaki.views import TenantViewMixin
from negotiations.selectors import kpi_exclusions

from . import pdf, selectors, tables


def _fiscal_year(request, municipality) -> int:
    current = municipality.fiscal_year_of(timezone.localdate())
    try:
        year = int(request.GET.get("fy", current))
    except ValueError:
        return current
    return year if 2000 <= year <= current + 1 else current


class ReportDashboardView(TenantViewMixin, TemplateView):
    permission_required = "reports.view_reports"
    template_name = "reports/dashboard.html"

    def get_context_data(self, **kwargs):
        municipality = self.municipality
        fy = _fiscal_year(self.request, municipality)
        current = municipality.fiscal_year_of(timezone.localdate())
        summaries = tables.year_summaries(municipality=municipality, fiscal_year=fy)
        funnel = selectors.funnel(municipality=municipality)
        return super().get_context_data(
            fiscal_year=fy,
            years=list(range(current, current - 8, -1)),
            summary=summaries[-1],
            tables=tables.all_tables(
                municipality=municipality, fiscal_year=fy, summaries=summaries, funnel=funnel
            ),
            results_chart=pdf.results_chart(municipality=municipality, fiscal_year=fy),
            funnel_chart=pdf.funnel_chart(municipality=municipality, funnel=funnel),
            companies=selectors.companies_reported(municipality=municipality),
            exclusions=kpi_exclusions(municipality=municipality),
            can_fix_records=is_coordinator(self.request.user, municipality),
            **kwargs,
        )


class ReportTableExportView(TenantViewMixin, View):
    permission_required = "reports.view_reports"
    formats = {
        "csv": ("text/csv; charset=utf-8", tables.table_csv),
        "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", tables.table_xlsx),
    }

    def get(self, request, *args, table, fmt, **kwargs):
        if fmt not in self.formats:
            raise Http404
        fy = _fiscal_year(request, self.municipality)
        if table not in tables.TABLE_NAMES:
            raise Http404
        found = tables.all_tables(municipality=self.municipality, fiscal_year=fy, only=table).get(table)
        if found is None:
            raise Http404
        content_type, render = self.formats[fmt]
        response = HttpResponse(render(found), content_type=content_type)
        response["Content-Disposition"] = (
            f'attachment; filename="{self.municipality.slug}-{table}-fy{fy}.{fmt}"'
        )
        return response


class AnnualReportPdfView(TenantViewMixin, View):
    permission_required = "reports.view_reports"

    def get(self, request, *args, **kwargs):
        fy = _fiscal_year(request, self.municipality)
        language = "en" if request.GET.get("lang") == "en" else "ja"
        body = pdf.annual_report_pdf(municipality=self.municipality, fiscal_year=fy, language=language)
        response = HttpResponse(body, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'inline; filename="{self.municipality.slug}-annual-report-fy{fy}.pdf"'
        )
        return response


class CompanyReportPdfView(TenantViewMixin, View):
    permission_required = "reports.view_reports"

    def get(self, request, *args, pk, **kwargs):
        company = get_object_or_404(selectors.companies_reported(municipality=self.municipality), pk=pk)
        language = "en" if request.GET.get("lang") == "en" else "ja"
        body = pdf.company_report_pdf(municipality=self.municipality, company=company, language=language)
        response = HttpResponse(body, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'inline; filename="{self.municipality.slug}-company-{company.pk}.pdf"'
        )
        return response
