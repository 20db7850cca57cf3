"""Filters of the smes app's lists, shared by the pages and the API (see kawasaki/filters.py)."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from kawasaki.filters import TenantFilterSet
from kawasaki.lookups import SearchSelect

from . import selectors
from .models import SME, BusinessPlan, Industry, Partner, PartnerKind, PlanStatus


def _label(model, name: str):
    return model._meta.get_field(name).verbose_name


class SMEFilterSet(TenantFilterSet):
    """The SME list: the page `sme_list` (text, industry) and `GET /api/v1/smes/` (industry, consent)."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    industry = django_filters.ChoiceFilter(label=_label(SME, "industry"), choices=Industry.choices)
    consent_to_share = django_filters.BooleanFilter(label=_label(SME, "consent_to_share"))

    # Filters are declared, not generated from Meta.fields: generating them queries the model's manager
    # when the module is imported, outside any tenant scope.
    class Meta:
        model = SME
        fields: list[str] = []

    def filter_text(self, queryset: QuerySet[SME], name: str, value: str) -> QuerySet[SME]:
        """Name (any spelling), products, needs or capabilities contain the text."""
        return queryset.filter(
            Q(name_ja__icontains=value)
            | Q(name_kana__icontains=value)
            | Q(name_en__icontains=value)
            | Q(products__icontains=value)
            | Q(needs__icontains=value)
            | Q(capabilities__icontains=value)
        )


class BusinessPlanFilterSet(TenantFilterSet):
    """Business plans: the page `plan_list` (status) and `GET /api/v1/business-plans/` (status, SME)."""

    status = django_filters.ChoiceFilter(label=_label(BusinessPlan, "status"), choices=PlanStatus.choices)
    sme = django_filters.ModelChoiceFilter(
        label=_label(BusinessPlan, "sme"), queryset=SME.objects.none(), widget=SearchSelect(lookup="sme")
    )

    class Meta:
        model = BusinessPlan
        fields: list[str] = []

    def limit_choices(self) -> None:
        self.filters["sme"].queryset = selectors.smes_visible_to(
            user=self.user, municipality=self.municipality
        )


class PartnerFilterSet(TenantFilterSet):
    """The directory of development partners and research institutes (page `partner_list`)."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    kind = django_filters.ChoiceFilter(label=_label(Partner, "kind"), choices=PartnerKind.choices)

    class Meta:
        model = Partner
        fields: list[str] = []

    def filter_text(self, queryset: QuerySet[Partner], name: str, value: str) -> QuerySet[Partner]:
        """Name, fields of work or equipment contain the text."""
        return queryset.filter(
            Q(name_ja__icontains=value)
            | Q(name_en__icontains=value)
            | Q(fields__icontains=value)
            | Q(equipment__icontains=value)
        )
