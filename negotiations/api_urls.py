"""REST API endpoints of the negotiations app, under /api/v1/."""

from django.urls import path

from .api import NegotiationViewSet, ProductViewSet

urlpatterns = [
    path("negotiations/", NegotiationViewSet.as_view({"get": "list"}), name="api_negotiation_list"),
    path(
        "negotiations/<int:pk>/",
        NegotiationViewSet.as_view({"get": "retrieve"}),
        name="api_negotiation_detail",
    ),
    path(
        "negotiations/<int:pk>/transition/",
        NegotiationViewSet.as_view({"post": "transition"}),
        name="api_negotiation_transition",
    ),
    path(
        "negotiations/<int:pk>/reopen/",
        NegotiationViewSet.as_view({"post": "reopen"}),
        name="api_negotiation_reopen",
    ),
    path("products/", ProductViewSet.as_view({"get": "list"}), name="api_product_list"),
    path("products/<int:pk>/", ProductViewSet.as_view({"get": "retrieve"}), name="api_product_detail"),
]
