from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..models import Municipality


class MunicipalitySerializer(serializers.ModelSerializer):
    class Meta:
        model = Municipality
        fields = ["slug", "name_ja", "name_en", "prefecture", "fiscal_year_start_month"]


class WhoAmISerializer(serializers.Serializer):
    email = serializers.EmailField(label=_("e-mail address"))
    role = serializers.CharField(label=_("role"))
    read_only = serializers.BooleanField(label=_("read only"))
    municipality = MunicipalitySerializer()
    members_by_role = serializers.DictField(child=serializers.IntegerField(), label=_("members by role"))
