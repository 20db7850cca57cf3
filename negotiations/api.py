"""REST API of the deal pipeline (read): meetings, negotiations, products, from the same selectors."""

from rest_framework import serializers

from kawasaki.api.base import TenantReadOnlyViewSet

from . import selectors
from .models import Meeting, Negotiation, Product


class NegotiationSerializer(serializers.ModelSerializer):
    sme_name = serializers.CharField(source="sme.name_ja", read_only=True)
    company_name = serializers.CharField(source="company.name_ja", read_only=True)

    class Meta:
        model = Negotiation
        fields = [
            "id",
            "sme",
            "sme_name",
            "company",
            "company_name",
            "seeds",
            "state",
            "drop_reason",
            "nda_signed_on",
            "nda_expires_on",
            "state_changed_at",
            "created_at",
        ]


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
        ]


class ProductSerializer(serializers.ModelSerializer):
    class Meta:
        model = Product
        fields = ["id", "negotiation", "name", "description", "launch_date", "price_yen"]


class _PartyScopedViewSet(TenantReadOnlyViewSet):
    permission_map = {"list": "negotiations.api_read", "retrieve": "negotiations.api_read"}
    selector = None

    def get_queryset(self):
        return type(self).selector(user=self.request.user, municipality=self.municipality).order_by("-id")


class NegotiationViewSet(_PartyScopedViewSet):
    """Deals the token's user may see (coordinators: the municipality; parties: their own)."""

    serializer_class = NegotiationSerializer
    selector = staticmethod(selectors.negotiations_visible_to)
    filterset_fields = ["state", "sme", "company"]
    ordering_fields = ["created_at", "state_changed_at", "state"]

    def get_queryset(self):
        return super().get_queryset().prefetch_related("seeds")


class MeetingViewSet(_PartyScopedViewSet):
    """Meetings the token's user may see."""

    serializer_class = MeetingSerializer
    selector = staticmethod(selectors.meetings_visible_to)
    filterset_fields = ["kind", "status"]

    def get_queryset(self):
        return super().get_queryset().prefetch_related("seeds", "presenting_companies")


class ProductViewSet(_PartyScopedViewSet):
    """Products launched from the deals the token's user may see."""

    serializer_class = ProductSerializer
    selector = staticmethod(selectors.products_visible_to)
