"""The KPI dashboard, its downloads and the PDF reports."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from kawasaki.rules import is_coordinator
from kawasaki.views import ServiceFormMixin, TenantObjectMixin, TenantViewMixin

from . import pdf, selectors, services, tables
from .forms import CaseStudyForm, KpiTargetsForm, ProductSalesForm
from .kpidata import KpiData


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
        # Every figure of the page from one read of the records (each table once).
        data = KpiData(municipality=municipality, fiscal_year=fy)
        summaries = tables.year_summaries(municipality=municipality, fiscal_year=fy, data=data)
        funnel = selectors.funnel(municipality=municipality, data=data)
        return super().get_context_data(
            fiscal_year=fy,
            years=list(range(current, current - 8, -1)),
            summary=summaries[-1],
            tables=tables.all_tables(
                municipality=municipality, fiscal_year=fy, summaries=summaries, funnel=funnel, data=data
            ),
            results_chart=pdf.results_chart(municipality=municipality, fiscal_year=fy, data=data),
            funnel_chart=pdf.funnel_chart(municipality=municipality, funnel=funnel),
            companies=data.companies,
            council=tables.council_rows(municipality=municipality, fiscal_year=fy, data=data),
            can_set_targets=self.request.user.has_perm("reports.set_targets", municipality),
            exclusions=selectors.exclusions(municipality=municipality, data=data),
            can_fix_records=is_coordinator(self.request.user, municipality),
            **kwargs,
        )


class KpiTargetsView(ServiceFormMixin, TenantViewMixin, View):
    """The municipality admin sets the year's targets; the report pages show them against the actuals."""

    permission_required = "reports.set_targets"
    form_class = KpiTargetsForm
    template_name = "reports/targets_form.html"
    success_message = _("The targets were saved.")

    @property
    def fiscal_year(self) -> int:
        return _fiscal_year(self.request, self.municipality)

    def get_initial(self) -> dict:
        return selectors.kpi_targets(municipality=self.municipality, fiscal_year=self.fiscal_year)

    def get_context_data(self, **kwargs) -> dict:
        current = self.municipality.fiscal_year_of(timezone.localdate())
        return {
            "fiscal_year": self.fiscal_year,
            "years": list(range(current + 1, current - 5, -1)),
            "funnel": tables.council_rows(municipality=self.municipality, fiscal_year=self.fiscal_year)[
                "funnel"
            ],
            **kwargs,
        }

    def perform(self, form):
        return services.kpi_targets_set(
            municipality=self.municipality,
            actor=self.request.user,
            fiscal_year=self.fiscal_year,
            targets=form.targets(),
        )

    def get_success_url(self, result) -> str:
        return f"{self.tenant_url('report_targets')}?fy={self.fiscal_year}"


class ProductSalesListView(TenantViewMixin, TemplateView):
    """The launched products a user may follow up: their SME's, their company's licences', or all."""

    permission_required = "reports.view_product_sales"
    template_name = "reports/product_sales_list.html"

    def get_context_data(self, **kwargs):
        products = list(
            selectors.products_with_sales_visible_to(user=self.request.user, municipality=self.municipality)
        )
        latest = selectors.latest_sales(products=products)
        return super().get_context_data(rows=[(p, latest.get(p.pk)) for p in products], **kwargs)


class ProductSalesView(ServiceFormMixin, TenantObjectMixin, View):
    """A product's yearly sales: its SME (or a coordinator) reports them, the licensing company reads the
    royalty base."""

    permission_required = "reports.view_product_sales"
    form_class = ProductSalesForm
    template_name = "reports/product_sales.html"
    success_message = _("The sales were recorded.")

    def get_queryset(self):
        return selectors.products_with_sales_visible_to(
            user=self.request.user, municipality=self.municipality
        )

    def years(self) -> list[int]:
        product = self.get_object()
        first = self.municipality.fiscal_year_of(product.launch_date)
        current = self.municipality.fiscal_year_of(timezone.localdate())
        return list(range(current, first - 1, -1))

    def get_form_kwargs(self) -> dict:
        return {"years": self.years()}

    def get_initial(self) -> dict:
        years = self.years()
        # The year just ended is the one usually reported, when the product was on sale then.
        return {"fiscal_year": years[1] if len(years) > 1 else years[0]}

    def can_report(self) -> bool:
        return self.request.user.has_perm("reports.report_product_sales", self.get_object())

    def get_context_data(self, **kwargs) -> dict:
        product = self.get_object()
        return {
            "product": product,
            "terms": getattr(product.negotiation, "terms", None),
            "reports": selectors.sales_of_product(product=product),
            "can_report": self.can_report(),
            "can_edit_case_study": self.request.user.has_perm("reports.edit_case_study", product),
            "case_study": selectors.case_study_of(product=product),
            **kwargs,
        }

    def post(self, request, *args, **kwargs):
        if not self.can_report():
            raise PermissionDenied
        return super().post(request, *args, **kwargs)

    def perform(self, form):
        return services.product_sales_record(
            product=self.get_object(),
            actor=self.request.user,
            fiscal_year=form.cleaned_data["fiscal_year"],
            sales_yen=form.cleaned_data["sales_yen"],
            royalty_base_yen=form.cleaned_data["royalty_base_yen"],
        )

    def get_success_url(self, result) -> str:
        return self.tenant_url("report_product_sales", pk=result.product_id)


class CaseStudyView(ServiceFormMixin, TenantObjectMixin, View):
    """A coordinator writes the English text of a product's case study for the English annual report."""

    permission_required = "reports.edit_case_study"
    form_class = CaseStudyForm
    template_name = "reports/case_study_form.html"
    success_message = _("The case study was saved.")

    def get_queryset(self):
        return selectors.products_with_sales_visible_to(
            user=self.request.user, municipality=self.municipality
        )

    def get_object(self):
        product = super().get_object()
        if not self.request.user.has_perm("reports.edit_case_study", product):
            raise PermissionDenied
        return product

    def get_initial(self) -> dict:
        study = selectors.case_study_of(product=self.get_object())
        return {"title_en": study.title_en, "text_en": study.text_en} if study else {}

    def get_context_data(self, **kwargs) -> dict:
        return {"product": self.get_object(), **kwargs}

    def perform(self, form):
        return services.case_study_save(
            product=self.get_object(),
            actor=self.request.user,
            title_en=form.cleaned_data["title_en"],
            text_en=form.cleaned_data["text_en"],
        )

    def get_success_url(self, result) -> str:
        return self.tenant_url("report_product_sales", pk=result.product_id)


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
