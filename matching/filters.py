"""Filters of the matching app's lists, shared by the pages and the API (see kawasaki/filters.py)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from kawasaki.filters import TenantFilterSet
from smes.models import SME
from smes.selectors import smes_visible_to

from .models import (
    Decision,
    Direction,
    Meeting,
    MeetingKind,
    MeetingStatus,
    RunStatus,
    ScreeningCandidate,
    ScreeningRun,
)

BAND_CHOICES = [
    ("strong", _("Strong match")),
    ("possible", _("Possible match")),
    ("weak", _("Weak match")),
    ("below", _("Below the weak band")),
    ("unknown", _("Band unknown")),
]


def _label(model, name: str):
    return model._meta.get_field(name).verbose_name


class ScreeningRunFilterSet(TenantFilterSet):
    """Screening runs: `GET /api/v1/screening-runs/` (direction, status). The screening page lists the
    latest runs without filters."""

    direction = django_filters.ChoiceFilter(
        label=_label(ScreeningRun, "direction"), choices=Direction.choices
    )
    status = django_filters.ChoiceFilter(label=_label(ScreeningRun, "status"), choices=RunStatus.choices)

    # Declared, not generated from Meta.fields (that queries the manager at import, outside a scope).
    class Meta:
        model = ScreeningRun
        fields: list[str] = []


class ScreeningCandidateFilterSet(TenantFilterSet):
    """A run's candidates: the run page `screeningrun_detail` (its decision tabs) and
    `GET /api/v1/screening-runs/{id}/candidates/` (decision, band, SME)."""

    decision = django_filters.ChoiceFilter(
        label=_label(ScreeningCandidate, "decision"), choices=Decision.choices
    )
    band = django_filters.ChoiceFilter(label=_("band"), choices=BAND_CHOICES, method="filter_band")
    sme = django_filters.ModelChoiceFilter(
        label=_label(ScreeningCandidate, "sme"), queryset=SME.objects.none()
    )

    class Meta:
        model = ScreeningCandidate
        fields: list[str] = []

    def filter_band(self, queryset, name, value):
        # The band's own column (an indexed copy of the explanation's; "unknown": stored before bands).
        return queryset.filter(band=value)

    def limit_choices(self) -> None:
        self.filters["sme"].queryset = smes_visible_to(user=self.user, municipality=self.municipality)


class MeetingFilterSet(TenantFilterSet):
    """Meetings: the page `meeting_list` and `GET /api/v1/meetings/` (kind, status)."""

    kind = django_filters.ChoiceFilter(label=_label(Meeting, "kind"), choices=MeetingKind.choices)
    status = django_filters.ChoiceFilter(label=_label(Meeting, "status"), choices=MeetingStatus.choices)

    class Meta:
        model = Meeting
        fields: list[str] = []
