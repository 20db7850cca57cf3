"""REST API of the subsidies app: programmes and applications, through the same selectors and rules as
the pages. Coordinator notes are never part of the API."""

from __future__ import annotations

from rest_framework import serializers

from kawasaki.api.base import TenantReadOnlyViewSet

from . import selectors
from .filters import ApplicationFilterSet, ProgrammeFilterSet
from .models import Application, Programme, ProgrammeWindow


class ProgrammeWindowSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProgrammeWindow
        fields = ["id", "label", "opens_on", "closes_on"]
        read_only_fields = fields


class ProgrammeSerializer(serializers.ModelSerializer):
    windows = ProgrammeWindowSerializer(many=True, read_only=True)
    template = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Programme
        fields = [
            "id",
            "name",
            "agency",
            "level",
            "purpose",
            "max_amount_jpy",
            "rate_numerator",
            "rate_denominator",
            "eligible_costs",
            "official_url",
            "notes",
            "size_rule",
            "industries",
            "prefectures",
            "local_only",
            "min_years_in_business",
            "licence_required",
            "business_plan_required",
            "is_active",
            "template",
            "windows",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ApplicationSerializer(serializers.ModelSerializer):
    sme_name = serializers.CharField(source="sme.name_ja", read_only=True)
    programme_name = serializers.CharField(source="programme.name", read_only=True)
    window = ProgrammeWindowSerializer(read_only=True)

    class Meta:
        model = Application
        fields = [
            "id",
            "sme",
            "sme_name",
            "programme",
            "programme_name",
            "window",
            "title",
            "business_plan",
            "negotiation",
            "amount_requested_jpy",
            "amount_granted_jpy",
            "status",
            "submitted_on",
            "decided_on",
            "result_reported_on",
            "withdrawn_on",
            "withdrawal_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ProgrammeViewSet(TenantReadOnlyViewSet):
    """Subsidy programmes of the token's municipality with their windows (coordinators and reporting)."""

    serializer_class = ProgrammeSerializer
    permission_map = {"list": "subsidies.view_programme_api", "retrieve": "subsidies.view_programme_api"}
    filterset_class = ProgrammeFilterSet
    ordering_fields = ["name", "created_at"]

    def get_queryset(self):
        return selectors.programmes_of(municipality=self.municipality).order_by("level", "name", "id")


class ApplicationViewSet(TenantReadOnlyViewSet):
    """Applications: all of them for coordinators and reporting clients, their own for SME members."""

    serializer_class = ApplicationSerializer
    permission_map = {"list": "subsidies.view_application_api", "retrieve": "subsidies.view_application_api"}
    filterset_class = ApplicationFilterSet
    ordering_fields = ["updated_at", "amount_granted_jpy"]

    def get_queryset(self):
        return selectors.applications_visible_to(
            user=self.request.user, municipality=self.municipality
        ).order_by("-updated_at", "-id")
