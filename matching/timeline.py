"""The matching app's sources of the one timeline (`kawasaki.timeline`): screening runs and meetings."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kawasaki.rules import is_coordinator
from kawasaki.timeline import SOURCE_LIMIT, TimelineItem, register_source

from .models import ScreeningRun
from .selectors import meetings_visible_to


def _runs(*, user, municipality, match: Q):
    """Screening runs are the coordinators' working tool: nobody else gets any."""
    if not is_coordinator(user, municipality):
        return []
    # A run names an SME, a seed or a company, or found this one among its candidates: once each.
    matching_runs = ScreeningRun.objects.filter(match, municipality=municipality).values("pk")
    rows = (
        ScreeningRun.objects.filter(municipality=municipality, pk__in=matching_runs)
        .select_related("sme", "patent", "company")
        .order_by("-created_at", "-pk")[:SOURCE_LIMIT]
    )
    return [
        TimelineItem(
            when=run.created_at,
            kind="screening",
            title=str(_("Screening run: {direction}")).format(direction=run.get_direction_display()),
            url=reverse("screeningrun_detail", kwargs={"municipality": municipality.slug, "pk": run.pk}),
            note=str(run.sme or run.patent or run.company or ""),
        )
        for run in rows
    ]


@register_source("sme", kind="screening", label=_("Screening runs"), order=20)
def sme_runs(*, user, municipality, obj):
    return _runs(user=user, municipality=municipality, match=Q(sme=obj) | Q(candidates__sme=obj))


@register_source("seed", kind="screening", label=_("Screening runs"), order=20)
def seed_runs(*, user, municipality, obj):
    return _runs(user=user, municipality=municipality, match=Q(patent=obj) | Q(candidates__patent=obj))


@register_source("company", kind="screening", label=_("Screening runs"), order=20)
def company_runs(*, user, municipality, obj):
    return _runs(
        user=user,
        municipality=municipality,
        match=Q(company=obj) | Q(patent__company=obj) | Q(candidates__patent__company=obj),
    )


def _meetings(*, user, municipality, match: Q):
    meetings = (
        meetings_visible_to(user=user, municipality=municipality)
        .filter(match)
        .order_by("-starts_at", "-pk")
        .distinct()[:SOURCE_LIMIT]
    )
    return [
        TimelineItem(
            when=meeting.starts_at,
            kind="meetings",
            title=meeting.title,
            url=reverse("meeting_detail", kwargs={"municipality": municipality.slug, "pk": meeting.pk}),
            note=meeting.get_status_display(),
        )
        for meeting in meetings
    ]


@register_source("sme", kind="meetings", label=_("Meetings"), order=40)
def sme_meetings(*, user, municipality, obj):
    return _meetings(user=user, municipality=municipality, match=Q(participants__sme=obj))


@register_source("seed", kind="meetings", label=_("Meetings"), order=40)
def seed_meetings(*, user, municipality, obj):
    return _meetings(user=user, municipality=municipality, match=Q(seeds=obj))


@register_source("company", kind="meetings", label=_("Meetings"), order=40)
def company_meetings(*, user, municipality, obj):
    return _meetings(user=user, municipality=municipality, match=Q(company=obj) | Q(presenting_companies=obj))
