"""REST API of the matching app: screening runs and their candidates (read), starting a run (write),
and meetings (read)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from kawasaki.api.base import TenantAPIMixin, TenantReadOnlyViewSet
from patents.selectors import companies_visible_to, patents_visible_to
from smes.selectors import smes_visible_to

from . import selectors
from .filters import MeetingFilterSet, ScreeningCandidateFilterSet, ScreeningRunFilterSet
from .models import Direction, Meeting, ScreeningCandidate, ScreeningRun
from .reasons import fit_of, reasons_in_words, terms_of
from .services import screening


class ScreeningCandidateSerializer(serializers.ModelSerializer):
    patent_number = serializers.CharField(source="patent.number", read_only=True)
    patent_title = serializers.CharField(source="patent.title", read_only=True)
    matched_terms = serializers.SerializerMethodField()
    band = serializers.ChoiceField(
        choices=["strong", "possible", "weak", "below", "unknown"],
        read_only=True,
        help_text="strong / possible / weak, below the weak band (hidden on typed-need pages unless asked), or unknown (stored before bands).",
    )
    strength = serializers.FloatField(
        read_only=True, allow_null=True, help_text="Match strength 0..1 (relevance over the query's ceiling)."
    )
    needs_met = serializers.SerializerMethodField(
        help_text="The SME's needs (its needs text split into lines and sentences) this candidate meets, "
        "each with the matched words found in it."
    )
    shared_terms = serializers.SerializerMethodField(
        help_text="Matched words written alike in the query and the document (as the document writes them)."
    )
    bridged_terms = serializers.SerializerMethodField(
        help_text="Matched words that crossed languages: the query word, the document's forms and "
        "whether the dictionary (JMdict), the glossary or the synonym dictionary bridged them."
    )
    fit = serializers.SerializerMethodField(
        help_text="The seed's SME-fit profile: how many of the six criteria it meets, and the criteria "
        "met, partly met, not met and unknown (field codes)."
    )
    reasons = serializers.SerializerMethodField(
        help_text="The reasons in words, in the request's language: needs met, shared and bridged terms, "
        "'fits n of 6 criteria' and the criteria missed."
    )

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
            "band",
            "strength",
            "matched_terms",
            "needs_met",
            "shared_terms",
            "bridged_terms",
            "fit",
            "reasons",
            "decision",
            "reject_reason",
        ]

    @extend_schema_field(
        {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "need": {"type": "string"},
                    "words": {"type": "array", "items": {"type": "string"}},
                },
            },
        }
    )
    def get_needs_met(self, obj) -> list[dict]:
        return obj.needs_met

    def get_shared_terms(self, obj) -> list[str]:
        return terms_of(obj.explanation or {})[0]

    @extend_schema_field(
        {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "from": {"type": "string"},
                    "to": {"type": "array", "items": {"type": "string"}},
                    "via": {"type": "string", "enum": ["dictionary", "glossary", "synonyms"]},
                },
            },
        }
    )
    def get_bridged_terms(self, obj) -> list[dict]:
        return terms_of(obj.explanation or {})[1]

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                "met_count": {"type": "integer"},
                "of": {"type": "integer"},
                **{
                    k: {"type": "array", "items": {"type": "string"}}
                    for k in ("met", "partly", "missed", "unknown")
                },
            },
        }
    )
    def get_fit(self, obj) -> dict:
        return fit_of(obj.explanation or {})

    def get_reasons(self, obj) -> list[str]:
        return reasons_in_words(obj.explanation or {}, obj.needs_met)

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
        read_only_fields = fields


@extend_schema_field(OpenApiTypes.INT)
class VisibleTo(serializers.PrimaryKeyRelatedField):
    """An id looked up in what the requesting user may see in the token's municipality (else invalid)."""

    def __init__(self, selector, **kwargs):
        self.selector = selector
        super().__init__(**kwargs)

    def get_queryset(self):
        view = self.context["view"]
        return self.selector(user=self.context["request"].user, municipality=view.municipality)


class SeedFiltersSerializer(serializers.Serializer):
    include_unpublished = serializers.BooleanField(default=False)
    include_expired = serializers.BooleanField(default=False)
    licence_types = serializers.ListField(
        child=serializers.ChoiceField(choices=screening.LICENCE_TYPES), default=list, max_length=3
    )
    company_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1), default=list, max_length=100
    )
    ipc_prefixes = serializers.ListField(
        child=serializers.RegexField(r"^[A-Ha-h][0-9A-Za-z/ ]{0,15}$", max_length=16),
        default=list,
        max_length=20,
    )


class ScreeningRunStartSerializer(serializers.Serializer):
    """What starts a run: the direction and its subject (free text and/or an SME, a seed, a company)."""

    direction = serializers.ChoiceField(choices=Direction.choices)
    query_text = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    sme = VisibleTo(smes_visible_to, required=False, allow_null=True)
    patent = VisibleTo(patents_visible_to, required=False, allow_null=True)
    company = VisibleTo(companies_visible_to, required=False, allow_null=True)
    top_k = serializers.IntegerField(min_value=1, max_value=screening.MAX_TOP_K, default=20)
    filters = SeedFiltersSerializer(required=False)


class ScreeningRunViewSet(TenantAPIMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Screening runs of the token's municipality (coordinators)."""

    serializer_class = ScreeningRunSerializer
    permission_map = {
        "list": "matching.view_screeningrun",
        "retrieve": "matching.view_screeningrun",
        "create": "matching.run_screening",
    }
    filterset_class = ScreeningRunFilterSet
    ordering_fields = ["created_at", "candidate_count"]

    def get_queryset(self):
        return selectors.runs_of(municipality=self.municipality)

    def get_serializer_class(self):
        return ScreeningRunStartSerializer if self.action == "create" else ScreeningRunSerializer

    @extend_schema(request=ScreeningRunStartSerializer, responses={201: ScreeningRunSerializer})
    def create(self, request, *args, **kwargs):
        """Start a run: free text or an SME's profile -> seeds, a seed -> SMEs, a company's portfolio x SMEs."""
        start = self.get_serializer(data=request.data)
        start.is_valid(raise_exception=True)
        data = start.validated_data
        run = screening.screening_run_start(
            municipality=self.municipality,
            actor=request.user,
            direction=data["direction"],
            query_text=data.get("query_text", ""),
            sme=data.get("sme"),
            patent=data.get("patent"),
            company=data.get("company"),
            top_k=data["top_k"],
            filters=screening.SeedFilters.from_json(data.get("filters")),
        )
        body = ScreeningRunSerializer(run, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)


class ScreeningCandidateViewSet(TenantAPIMixin, viewsets.ReadOnlyModelViewSet):
    """The candidates of one run, in rank order."""

    serializer_class = ScreeningCandidateSerializer
    permission_map = {"list": "matching.view_screeningrun", "retrieve": "matching.view_screeningrun"}
    filterset_class = ScreeningCandidateFilterSet

    def get_queryset(self):
        run = selectors.runs_of(municipality=self.municipality).filter(pk=self.kwargs["run_pk"]).first()
        if run is None:
            return ScreeningCandidate.objects.none()
        return selectors.candidates_of(run=run)


class MeetingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Meeting
        fields = [
            "id",
            "kind",
            "status",
            "title",
            "starts_at",
            "ends_at",
            "venue",
            "online_url",
            "company",
            "presenting_companies",
            "seeds",
            "agenda",
            "capacity",
            "cancelled_at",
            "cancel_reason",
        ]


class MeetingViewSet(TenantReadOnlyViewSet):
    """Meetings the token's user may see (coordinators: the municipality; parties: their own)."""

    serializer_class = MeetingSerializer
    permission_map = {"list": "matching.api_read_meetings", "retrieve": "matching.api_read_meetings"}
    filterset_class = MeetingFilterSet

    def get_queryset(self):
        return (
            selectors.meetings_visible_to(user=self.request.user, municipality=self.municipality)
            .order_by("-id")
            .prefetch_related("seeds", "presenting_companies")
        )
