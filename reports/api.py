"""KPI endpoints for reporting clients (read-only tokens welcome)."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from kawasaki.api.base import TenantAPIMixin

from . import selectors
from .models import Figure

FY_PARAM = OpenApiParameter(
    "fiscal_year", OpenApiTypes.INT, description="Fiscal year (April to March); default: current"
)


class YearRowSerializer(serializers.Serializer):
    fiscal_year = serializers.IntegerField()
    count = serializers.IntegerField()
    cumulative = serializers.IntegerField()


class KpiView(TenantAPIMixin, APIView):
    permission_map = {"get": "reports.view_reports"}

    def fiscal_year(self, request) -> int:
        current = self.municipality.fiscal_year_of(timezone.localdate())
        raw = request.query_params.get("fiscal_year")
        if raw is None:
            return current
        try:
            year = int(raw)
        except ValueError as error:
            raise ValidationError(
                {"fiscal_year": ["Give the fiscal year as a number, e.g. 2025."]}
            ) from error
        if not 1990 <= year <= current + 1:
            raise ValidationError({"fiscal_year": [f"Give a fiscal year between 1990 and {current + 1}."]})
        return year


class KpiResultsView(KpiView):
    """Licences signed and products launched per fiscal year, with cumulative totals."""

    @extend_schema(
        operation_id="kpi_results",
        parameters=[FY_PARAM],
        responses=inline_serializer(
            "KpiResults", {"licences": YearRowSerializer(many=True), "products": YearRowSerializer(many=True)}
        ),
    )
    def get(self, request):
        last = self.fiscal_year(request)
        return Response(
            {
                "licences": [
                    r
                    for r in selectors.licences_by_year(municipality=self.municipality).rows(last=last)
                    if r["fiscal_year"] <= last
                ],
                "products": [
                    r
                    for r in selectors.products_by_year(municipality=self.municipality).rows(last=last)
                    if r["fiscal_year"] <= last
                ],
            }
        )


class KpiSummaryView(KpiView):
    """The headline figures of one fiscal year."""

    @extend_schema(operation_id="kpi_summary", parameters=[FY_PARAM], responses=OpenApiTypes.OBJECT)
    def get(self, request):
        return Response(
            selectors.year_summary(municipality=self.municipality, fiscal_year=self.fiscal_year(request))
        )


class KpiFunnelView(KpiView):
    """The negotiation funnel: reached, conversion to the next stage, median days in the stage."""

    @extend_schema(
        operation_id="kpi_funnel",
        responses=inline_serializer(
            "FunnelRow",
            {
                "state": serializers.CharField(),
                "reached": serializers.IntegerField(),
                "conversion_to_next": serializers.FloatField(allow_null=True),
                "median_days": serializers.FloatField(allow_null=True),
            },
            many=True,
        ),
    )
    def get(self, request):
        return Response(selectors.funnel(municipality=self.municipality))


class KpiCompaniesView(KpiView):
    """Per large company: seeds published, interest received, meetings, licences, products."""

    @extend_schema(
        operation_id="kpi_companies",
        responses=inline_serializer(
            "CompanyRow",
            {
                "company_id": serializers.IntegerField(),
                "company": serializers.CharField(),
                "seeds_published": serializers.IntegerField(),
                "interest_received": serializers.IntegerField(),
                "meetings": serializers.IntegerField(),
                "licences": serializers.IntegerField(),
                "products": serializers.IntegerField(),
            },
            many=True,
        ),
    )
    def get(self, request):
        return Response(selectors.per_company(municipality=self.municipality))


class FunnelFigureSerializer(serializers.Serializer):
    figure = serializers.ChoiceField(choices=Figure.values)
    count = serializers.IntegerField()
    conversion = serializers.FloatField(allow_null=True)
    target = serializers.IntegerField(allow_null=True)
    target_reached = serializers.FloatField(allow_null=True)


class KpiCouncilView(KpiView):
    """What a council asks for in one fiscal year: the funnel (visits, matches, meetings, NDAs, licences,
    products) with conversions and the targets set for the year, the median days from the first
    meeting to the licence, and the sales reported after launch with their royalty base."""

    @extend_schema(
        operation_id="kpi_council",
        parameters=[FY_PARAM],
        responses=inline_serializer(
            "KpiCouncil",
            {
                "fiscal_year": serializers.IntegerField(),
                "funnel": FunnelFigureSerializer(many=True),
                "meeting_to_licence": inline_serializer(
                    "MeetingToLicence",
                    {
                        "licences": serializers.IntegerField(),
                        "median_days": serializers.FloatField(allow_null=True),
                        "without_meeting": serializers.IntegerField(),
                    },
                ),
                "sales": inline_serializer(
                    "SalesFollowUp",
                    {
                        "products_reported": serializers.IntegerField(),
                        "products_not_reported": serializers.IntegerField(),
                        "sales_yen": serializers.IntegerField(),
                        "royalty_base_yen": serializers.IntegerField(),
                        "royalty_yen": serializers.IntegerField(),
                    },
                ),
            },
        ),
    )
    def get(self, request):
        year = self.fiscal_year(request)
        return Response(
            {
                "fiscal_year": year,
                **selectors.council_figures(municipality=self.municipality, fiscal_year=year),
            }
        )
