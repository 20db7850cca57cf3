"""REST API of the patents app: the same selectors and rules as the pages."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from kawasaki.api.base import TenantAPIMixin

from . import selectors, services
from .filters import PatentFilterSet
from .importing.messages import ImportProblem
from .models import LargeCompany, OtherApplicants, Patent, PortfolioImport


class CompanySerializer(serializers.ModelSerializer):
    aliases = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")

    class Meta:
        model = LargeCompany
        fields = ["id", "name_ja", "name_en", "aliases", "contact_name", "contact_email", "contact_phone"]


class FitCriterionSerializer(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField()
    answer = serializers.CharField()
    note = serializers.CharField()


PUBLIC_PATENT_FIELDS = [
    "id",
    "company",
    "company_name",
    "number",
    "kind",
    "jurisdiction",
    "title",
    "abstract",
    "ipc",
    "fi",
    "cpc",
    "applicants",
    "filing_date",
    "publication_date",
    "grant_date",
    "expiry_date",
    "expiry_flag",
    "legal_status",
    "offer_non_exclusive",
    "offer_exclusive",
    "offer_assignment",
    "plain_summary",
    "application_examples",
    "prototype_info",
    "fit_profile",
    "fit_score",
]


class PatentSerializer(serializers.ModelSerializer):
    """What SMEs may see of a published seed (no internal note, no curation state)."""

    company_name = serializers.CharField(source="company.name", read_only=True)
    ipc = serializers.ListField(source="ipc_list", child=serializers.CharField(), read_only=True)
    fi = serializers.ListField(source="fi_list", child=serializers.CharField(), read_only=True)
    cpc = serializers.ListField(source="cpc_list", child=serializers.CharField(), read_only=True)
    applicants = serializers.ListField(source="applicant_list", child=serializers.CharField(), read_only=True)
    application_examples = serializers.ListField(
        source="application_example_list", child=serializers.CharField(), read_only=True
    )
    expiry_flag = serializers.SerializerMethodField()
    fit_profile = serializers.SerializerMethodField()
    fit_score = serializers.IntegerField(read_only=True)

    class Meta:
        model = Patent
        fields = PUBLIC_PATENT_FIELDS

    def get_expiry_flag(self, obj) -> str:
        return obj.expiry_flag()

    @extend_schema(responses=FitCriterionSerializer(many=True))
    def get_fit_profile(self, obj) -> list[dict]:
        return [
            {"field": c["field"], "label": str(c["label"]), "answer": c["answer"], "note": c["note"]}
            for c in obj.fit_profile
        ]


class PatentCuratorSerializer(PatentSerializer):
    """Coordinators and the company's IP staff also see the curation state and the internal note."""

    needs_completion = serializers.BooleanField(read_only=True)

    class Meta:
        model = Patent
        fields = [
            *PUBLIC_PATENT_FIELDS,
            "publication_state",
            "published_at",
            "needs_completion",
            "internal_note",
            "updated_at",
        ]


class ProblemSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    column = serializers.CharField()
    message = serializers.CharField()


class PortfolioImportSerializer(serializers.ModelSerializer):
    problems = serializers.SerializerMethodField()
    progress_percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = PortfolioImport
        fields = [
            "id",
            "company",
            "original_name",
            "file_format",
            "encoding",
            "column_set",
            "state",
            "total_rows",
            "processed_rows",
            "progress_percent",
            "new_count",
            "changed_count",
            "unchanged_count",
            "flagged_count",
            "no_ipc_count",
            "other_applicants_policy",
            "other_applicant_count",
            "other_applicants",
            "error_count",
            "problems",
            "created_at",
            "validated_at",
            "committed_at",
        ]

    @extend_schema(responses=ProblemSerializer(many=True))
    def get_problems(self, obj) -> list[dict]:
        """The problems in the request's language (Accept-Language)."""
        problems = map(ImportProblem.from_dict, obj.errors)
        return [{"row": p.row, "column": p.column, "message": p.text()} for p in problems]


class ImportUploadSerializer(serializers.Serializer):
    company = serializers.IntegerField()
    file = serializers.FileField()
    other_applicants = serializers.ChoiceField(
        choices=OtherApplicants.choices, default=OtherApplicants.CONFIRM, required=False
    )


class ImportConfirmSerializer(serializers.Serializer):
    accept_other_applicants = serializers.BooleanField(
        default=False, required=False, help_text="Required (true) when rows name another applicant."
    )


class CompanyAPIMixin(TenantAPIMixin):
    serializer_class = CompanySerializer
    permission_map = {"get": "patents.view_company"}

    def get_queryset(self):
        return selectors.companies_visible_to(
            user=self.request.user, municipality=self.municipality
        ).prefetch_related("aliases")


class CompanyListAPIView(CompanyAPIMixin, generics.ListAPIView):
    """Large companies the token's user may see."""


class CompanyDetailAPIView(CompanyAPIMixin, generics.RetrieveAPIView):
    """One large company."""


class PatentAPIMixin(TenantAPIMixin):
    permission_map = {"get": "patents.view_patent"}

    def get_serializer_class(self):
        if self.request.user.has_perm("patents.curate_patents", self.municipality):
            return PatentCuratorSerializer
        return PatentSerializer

    def get_queryset(self):
        return selectors.patents_visible_to(user=self.request.user, municipality=self.municipality)


class PatentListAPIView(PatentAPIMixin, generics.ListAPIView):
    """Patents the token's user may see, with the portfolio list's filters as query parameters
    (q, company, ipc, legal_status, publication_state, fit_yes, expiry, needs_completion)."""

    filterset_class = PatentFilterSet
    ordering_fields = ["number", "title", "filing_date", "expiry_date", "updated_at"]

    def get_queryset(self):
        return super().get_queryset().order_by("company__name_ja", "company_id", "number")

    def paginate_queryset(self, queryset):
        # Without ?ordering= the list's own order, read a page at a time (no sort of every row).
        if not self.request.query_params.get(api_settings.ORDERING_PARAM):
            queryset = selectors.SeedsInListOrder(queryset, municipality=self.municipality)
        return super().paginate_queryset(queryset)


class PatentDetailAPIView(PatentAPIMixin, generics.RetrieveAPIView):
    """One patent, if the token's user may see it."""


class ImportListCreateAPIView(TenantAPIMixin, generics.ListAPIView):
    """Portfolio imports; POST a file (multipart: company, file) to start one. Validation runs in the
    background: poll the import until its state is "valid" or "invalid", then confirm it."""

    serializer_class = PortfolioImportSerializer
    parser_classes = [MultiPartParser, FormParser]
    permission_map = {"get": "patents.import_portfolio", "post": "patents.import_portfolio"}

    def get_queryset(self):
        return selectors.imports_visible_to(user=self.request.user, municipality=self.municipality)

    @extend_schema(request=ImportUploadSerializer, responses={201: PortfolioImportSerializer})
    def post(self, request, *args, **kwargs):
        upload = ImportUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        companies = selectors.companies_visible_to(user=request.user, municipality=self.municipality)
        company = get_object_or_404(companies, pk=upload.validated_data["company"])
        portfolio_import = services.portfolio_import_start(
            municipality=self.municipality,
            actor=request.user,
            company=company,
            upload=upload.validated_data["file"],
            other_applicants=upload.validated_data.get("other_applicants", OtherApplicants.CONFIRM),
        )
        return Response(PortfolioImportSerializer(portfolio_import).data, status=status.HTTP_201_CREATED)


class ImportDetailAPIView(TenantAPIMixin, generics.RetrieveAPIView):
    serializer_class = PortfolioImportSerializer
    permission_map = {"get": "patents.import_portfolio"}

    def get_queryset(self):
        return selectors.imports_visible_to(user=self.request.user, municipality=self.municipality)


class ImportConfirmAPIView(TenantAPIMixin, APIView):
    """Confirm a validated import; the write runs in the background (state "committing", then "committed")."""

    permission_map = {"post": "patents.import_portfolio"}

    @extend_schema(request=ImportConfirmSerializer, responses={202: PortfolioImportSerializer})
    def post(self, request, pk):
        imports = selectors.imports_visible_to(user=request.user, municipality=self.municipality)
        portfolio_import = get_object_or_404(imports, pk=pk)
        body = ImportConfirmSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.portfolio_import_confirm(
            portfolio_import=portfolio_import,
            actor=request.user,
            accept_other_applicants=body.validated_data.get("accept_other_applicants", False),
        )
        return Response(PortfolioImportSerializer(portfolio_import).data, status=status.HTTP_202_ACCEPTED)
