"""REST API of the deal pipeline: negotiations and products, from the same selectors; two writes, moving
a deal to another state through the same transition service as the board, and reopening it at an
earlier state through the deal page's reopen service. (Meetings: matching/api.py.)"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from kawasaki.api.base import TenantReadOnlyViewSet

from . import selectors, services
from .filters import NegotiationFilterSet, ProductFilterSet
from .models import DropReason, Negotiation, Product, State


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


class TransitionSerializer(serializers.Serializer):
    """A move along the pipeline: the target state; a drop needs a reason (and a note for "other")."""

    to_state = serializers.ChoiceField(label=_("Move to"), choices=State.choices)
    reason = serializers.ChoiceField(
        label=_("Reason for dropping"), choices=DropReason.choices, required=False, allow_blank=True
    )
    note = serializers.CharField(
        label=_("Note on dropping"), required=False, allow_blank=True, max_length=2000, default=""
    )
    confirm = serializers.BooleanField(
        label=_("I confirm this move"),
        required=False,
        default=False,
        help_text=_("Required (true) for a move to licence signed, product launched or dropped."),
    )


class ReopenSerializer(serializers.Serializer):
    """A deal taken back to an earlier state: the state and why (the deal page's reopen form)."""

    to_state = serializers.ChoiceField(label=_("Reopen at"), choices=State.choices)
    reason = serializers.CharField(label=_("Reason for reopening"), max_length=2000)


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
    filterset_class = NegotiationFilterSet
    ordering_fields = ["created_at", "state_changed_at", "state"]
    permission_map = {
        **_PartyScopedViewSet.permission_map,
        "transition": "negotiations.api_move",
        # The deal page's reopen permission: coordinators only.
        "reopen": "negotiations.manage_negotiation",
    }

    def get_queryset(self):
        return super().get_queryset().prefetch_related("seeds")

    @extend_schema(
        request=TransitionSerializer,
        responses={200: NegotiationSerializer},
        description=(
            "Move the deal to `to_state` (coordinators, read-write token). The allowed-transition table "
            "of the board applies: one step forward, or `dropped` from any state that is not final, "
            "with a `reason` (and a `note` when the reason is `other`). The guard rails of the deal "
            "page apply too: `nda_signed` needs the NDA's signing date, `licence_signed` the licence "
            "terms signed on or after the NDA, `launched` a product launched on or after the licence; "
            "a move to `licence_signed`, `launched` or `dropped` needs `confirm: true`. A refused move "
            "is a 400 that names the field (`to_state`, `confirm`, `reason`, `note`) with the same "
            "messages as the page. Send an `Idempotency-Key` header to make a retry safe."
        ),
    )
    def transition(self, request, *args, **kwargs):
        negotiation = self.get_object()
        payload = TransitionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        services.negotiation_move(
            negotiation=negotiation,
            to_state=data["to_state"],
            actor=request.user,
            reason=data.get("reason") or None,
            note=data.get("note", ""),
            confirmed=data.get("confirm", False),
        )
        negotiation.refresh_from_db()
        return Response(NegotiationSerializer(negotiation).data)

    @extend_schema(
        request=ReopenSerializer,
        responses={200: NegotiationSerializer},
        description=(
            "Take the deal back to an earlier state `to_state` with a `reason` (coordinators, read-write "
            "token), through the same service as the deal page: a state before the current one in the "
            "pipeline, or any state but `launched` for a dropped deal (which loses its drop reason); the "
            "target's requirements (NDA date, licence terms) must still be met. The timeline records the "
            "reopening with the reason. A refusal is a 400 naming the field (`to_state`, `reason`) with "
            "the page's message. Send an `Idempotency-Key` header to make a retry safe."
        ),
    )
    def reopen(self, request, *args, **kwargs):
        negotiation = self.get_object()
        payload = ReopenSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.negotiation_reopen(
            negotiation=negotiation,
            to_state=payload.validated_data["to_state"],
            actor=request.user,
            reason=payload.validated_data["reason"],
        )
        negotiation.refresh_from_db()
        return Response(NegotiationSerializer(negotiation).data)


class ProductViewSet(_PartyScopedViewSet):
    """Products launched from the deals the token's user may see."""

    serializer_class = ProductSerializer
    selector = staticmethod(selectors.products_visible_to)
    filterset_class = ProductFilterSet
