"""Filters of the subsidies app's lists, shared by the pages and the API (see kawasaki/filters.py)."""

from __future__ import annotations

import django_filters

from kawasaki.filters import TenantFilterSet
from kawasaki.lookups import SearchSelect
from smes.models import SME
from smes.selectors import smes_visible_to

from . import selectors
from .models import Application, ApplicationStatus, Level, Programme


def _label(model, name: str):
    return model._meta.get_field(name).verbose_name


class ProgrammeFilterSet(TenantFilterSet):
    """Programmes: the page `programme_list` and `GET /api/v1/subsidy-programmes/` (level, active)."""

    level = django_filters.ChoiceFilter(label=_label(Programme, "level"), choices=Level.choices)
    is_active = django_filters.BooleanFilter(label=_label(Programme, "is_active"))

    # Declared, not generated from Meta.fields (that queries the manager at import, outside a scope).
    class Meta:
        model = Programme
        fields: list[str] = []


class ApplicationFilterSet(TenantFilterSet):
    """Applications: the page `subsidy_application_list` (status, programme) and
    `GET /api/v1/subsidy-applications/` (status, SME, programme)."""

    status = django_filters.ChoiceFilter(
        label=_label(Application, "status"), choices=ApplicationStatus.choices
    )
    sme = django_filters.ModelChoiceFilter(
        label=_label(Application, "sme"), queryset=SME.objects.none(), widget=SearchSelect(lookup="sme")
    )
    programme = django_filters.ModelChoiceFilter(
        label=_label(Application, "programme"), queryset=Programme.objects.none()
    )

    class Meta:
        model = Application
        fields: list[str] = []

    def limit_choices(self) -> None:
        self.filters["sme"].queryset = smes_visible_to(user=self.user, municipality=self.municipality)
        self.filters["programme"].queryset = selectors.programmes_of(
            municipality=self.municipality
        ).prefetch_related(None)  # a choice needs no windows
