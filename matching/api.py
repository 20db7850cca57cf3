"""REST API of screening: runs and their candidates (read); starting a run (write)."""

from rest_framework import mixins, serializers, viewsets

from kawasaki.api.base import TenantAPIMixin

from . import selectors, services
from .models import Direction, ScreeningCandidate, ScreeningRun


class ScreeningCandidateSerializer(serializers.ModelSerializer):
    patent_number = serializers.CharField(source="patent.number", read_only=True)
    patent_title = serializers.CharField(source="patent.title", read_only=True)
    matched_terms = serializers.SerializerMethodField()

    class Meta:
        model = ScreeningCandidate
        fields = [
            "id",
            "rank",
            "patent",
            "patent_number",
            "patent_title",
            "sme",
            "score",
            "relevance",
            "fit_adjustment",
            "matched_terms",
            "decision",
            "reject_reason",
        ]

    def get_matched_terms(self, obj) -> list[str]:
        return [t["term"] for t in (obj.explanation or {}).get("matched_terms", [])]


class ScreeningRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = ScreeningRun
        fields = [
            "id",
            "direction",
            "status",
            "query_text",
            "sme",
            "patent",
            "company",
            "top_k",
            "parameters",
            "engine_version",
            "index_fingerprint",
            "progress",
            "candidate_count",
            "shared_with_company",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = [f for f in fields if f not in ("direction", "query_text", "top_k")]

    def validate_direction(self, value):
        if value != Direction.SME_TO_SEEDS:
            # Seed and portfolio runs name their subject by id; the API starts free-text runs for now.
            raise serializers.ValidationError("Only sme_to_seeds runs can be started through the API.")
        return value


class ScreeningRunViewSet(TenantAPIMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Screening runs of the token's municipality (coordinators)."""

    serializer_class = ScreeningRunSerializer
    permission_map = {
        "list": "matching.view_screeningrun",
        "retrieve": "matching.view_screeningrun",
        "create": "matching.run_screening",
    }
    filterset_fields = ["direction", "status"]
    ordering_fields = ["created_at", "candidate_count"]

    def get_queryset(self):
        return selectors.runs_of(municipality=self.municipality)

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.screening_run_start(
            municipality=self.municipality,
            actor=self.request.user,
            direction=data["direction"],
            query_text=data.get("query_text", ""),
            top_k=data.get("top_k", 20),
        )


class ScreeningCandidateViewSet(TenantAPIMixin, viewsets.ReadOnlyModelViewSet):
    """The candidates of one run, in rank order."""

    serializer_class = ScreeningCandidateSerializer
    permission_map = {"list": "matching.view_screeningrun", "retrieve": "matching.view_screeningrun"}
    filterset_fields = ["decision", "sme"]

    def get_queryset(self):
        run = selectors.runs_of(municipality=self.municipality).filter(pk=self.kwargs["run_pk"]).first()
        if run is None:
            return ScreeningCandidate.objects.none()
        return selectors.candidates_of(run=run)
