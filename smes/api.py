"""REST API of the smes app: SMEs and business plans, read through the same selectors and rules as pages."""

from __future__ import annotations

from rest_framework import serializers

from kawasaki.api.base import TenantReadOnlyViewSet

from . import selectors
from .filters import BusinessPlanFilterSet, SMEFilterSet
from .models import SME, BusinessPlan, PlanSection, PlanVersion


class SMESerializer(serializers.ModelSerializer):
    industry_label = serializers.CharField(source="get_industry_display", read_only=True)

    class Meta:
        model = SME
        fields = [
            "id",
            "name_ja",
            "name_kana",
            "name_en",
            "corporate_number",
            "postal_code",
            "address",
            "industry",
            "industry_label",
            "industry_detail",
            "employees",
            "capital_jpy",
            "founded_year",
            "capabilities",
            "equipment",
            "products",
            "certifications",
            "needs",
            "needs_tags",
            "consent_to_share",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class PlanVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanVersion
        fields = ["number", "title", "sections", "submitted_by_label", "submitted_at"]
        read_only_fields = fields


class BusinessPlanSerializer(serializers.ModelSerializer):
    sme_name = serializers.CharField(source="sme.name_ja", read_only=True)
    sections = serializers.SerializerMethodField()
    versions = PlanVersionSerializer(many=True, read_only=True)

    class Meta:
        model = BusinessPlan
        fields = [
            "id",
            "sme",
            "sme_name",
            "title",
            "status",
            "sections",
            "versions",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_sections(self, plan) -> dict[str, str]:
        return {key: getattr(plan, key) for key in PlanSection.values}


class SMEViewSet(TenantReadOnlyViewSet):
    """SMEs of the token's municipality: all of them for coordinators, their own for SME members."""

    serializer_class = SMESerializer
    permission_map = {"list": "smes.view_sme", "retrieve": "smes.view_sme"}
    object_permission_map = {"retrieve": "smes.view_sme"}
    filterset_class = SMEFilterSet
    ordering_fields = ["name_ja", "created_at", "employees"]

    def get_queryset(self):
        return selectors.smes_visible_to(user=self.request.user, municipality=self.municipality).order_by(
            "name_ja", "id"
        )


class BusinessPlanViewSet(TenantReadOnlyViewSet):
    """Business plans with their frozen versions; SME members see their own company's only."""

    serializer_class = BusinessPlanSerializer
    permission_map = {"list": "smes.view_plan", "retrieve": "smes.view_plan"}
    object_permission_map = {"retrieve": "smes.view_plan"}
    filterset_class = BusinessPlanFilterSet
    ordering_fields = ["updated_at", "title"]

    def get_queryset(self):
        return (
            selectors.plans_visible_to(user=self.request.user, municipality=self.municipality)
            .prefetch_related("versions")
            .order_by("-updated_at", "-id")
        )
