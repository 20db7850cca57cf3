"""REST API endpoints of the smes app, under /api/v1/."""

from django.urls import path

from .api import BusinessPlanViewSet, SMEViewSet

urlpatterns = [
    path("smes/", SMEViewSet.as_view({"get": "list"}), name="api_sme_list"),
    path("smes/<int:pk>/", SMEViewSet.as_view({"get": "retrieve"}), name="api_sme_detail"),
    path("business-plans/", BusinessPlanViewSet.as_view({"get": "list"}), name="api_business_plan_list"),
    path(
        "business-plans/<int:pk>/",
        BusinessPlanViewSet.as_view({"get": "retrieve"}),
        name="api_business_plan_detail",
    ),
]
