from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from ..selectors import member_counts_by_role, role_in
from .base import TenantAPIMixin
from .serializers import WhoAmISerializer


class WhoAmIView(TenantAPIMixin, APIView):
    """The token's user, role and municipality, with the municipality's member counts."""

    permission_map = {"get": "kawasaki.view_dashboard"}

    @extend_schema(responses=WhoAmISerializer, operation_id="whoami")
    def get(self, request):
        data = {
            "email": request.user.email,
            "role": role_in(user=request.user, municipality=self.municipality),
            "read_only": request.auth.read_only,
            "municipality": self.municipality,
            "members_by_role": member_counts_by_role(municipality=self.municipality),
        }
        return Response(WhoAmISerializer(data).data)
