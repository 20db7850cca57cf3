"""The matching app's sources of the one timeline (`kawasaki.timeline`): screening runs, shortlisted
seeds and meetings."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kawasaki.rules import is_coordinator
from kawasaki.timeline import entries_of, register_source

from .models import ScreeningRun, ShortlistEntry
from .selectors import meetings_visible_to


def _url(municipality, name: str, **kwargs) -> str:
    return reverse(name, kwargs={"municipality": municipality.slug, **kwargs})


def _runs(*, user, municipality, match: Q):
    """Screening runs are the coordinators' working tool: nobody else gets any (None: not a kind for them)."""
    if not is_coordinator(user, municipality):
        return None
    # A run names an SME, a seed or a company, or found this one among its candidates: once each.
    matching_runs = ScreeningRun.objects.filter(match, municipality=municipality).values("pk")
    rows = (
        ScreeningRun.objects.filter(municipality=municipality, pk__in=matching_runs)
        .select_related("sme", "patent", "company")
        .order_by("-created_at", "-pk")
    )
    return entries_of(
        rows,
        kind="screening",
        when=lambda run: run.created_at,
        title=lambda run: str(_("Screening run: {direction}")).format(direction=run.get_direction_display()),
        url=lambda run: _url(municipality, "screeningrun_detail", pk=run.pk),
        note=lambda run: run.sme or run.patent or run.company,
    )


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


def _shortlisted(*, user, municipality, **match):
    """Shortlists are the coordinators' handouts in the making: nobody else gets any."""
    if not is_coordinator(user, municipality):
        return None
    return (
        ShortlistEntry.objects.filter(municipality=municipality, **match)
        .select_related("sme", "patent")
        .order_by("-added_at", "-pk")
    )


@register_source("sme", kind="shortlist", label=_("Shortlisted seeds"), order=25)
def sme_shortlist(*, user, municipality, obj):
    rows = _shortlisted(user=user, municipality=municipality, sme=obj)
    if rows is None:
        return None
    return entries_of(
        rows,
        kind="shortlist",
        when=lambda e: e.added_at,
        title=lambda e: str(_("Shortlisted: {seed}")).format(seed=e.patent.title),
        url=lambda e: _url(municipality, "shortlist_detail", sme=e.sme_id),
        note=lambda e: e.fit_summary,
    )


@register_source("seed", kind="shortlist", label=_("Shortlisted for SMEs"), order=25)
def seed_shortlist(*, user, municipality, obj):
    rows = _shortlisted(user=user, municipality=municipality, patent=obj)
    if rows is None:
        return None
    return entries_of(
        rows,
        kind="shortlist",
        when=lambda e: e.added_at,
        title=lambda e: str(_("Shortlisted for {sme}")).format(sme=e.sme),
        url=lambda e: _url(municipality, "shortlist_detail", sme=e.sme_id),
        note=lambda e: e.fit_summary,
    )


def _meetings(*, user, municipality, match: Q):
    meetings = (
        meetings_visible_to(user=user, municipality=municipality)
        .filter(match)
        .order_by("-starts_at", "-pk")
        .distinct()
    )
    return entries_of(
        meetings,
        kind="meetings",
        when=lambda meeting: meeting.starts_at,
        title=lambda meeting: meeting.title,
        url=lambda meeting: _url(municipality, "meeting_detail", pk=meeting.pk),
        note=lambda meeting: meeting.get_status_display(),
    )


@register_source("sme", kind="meetings", label=_("Meetings"), order=40)
def sme_meetings(*, user, municipality, obj):
    return _meetings(user=user, municipality=municipality, match=Q(participants__sme=obj))


@register_source("seed", kind="meetings", label=_("Meetings"), order=40)
def seed_meetings(*, user, municipality, obj):
    return _meetings(user=user, municipality=municipality, match=Q(seeds=obj))


@register_source("company", kind="meetings", label=_("Meetings"), order=40)
def company_meetings(*, user, municipality, obj):
    return _meetings(user=user, municipality=municipality, match=Q(company=obj) | Q(presenting_companies=obj))
