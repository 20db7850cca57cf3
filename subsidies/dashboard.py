"""Dashboard panels of the subsidies app."""

from __future__ import annotations

import datetime as dt

from django.contrib.humanize.templatetags.humanize import intcomma
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kawasaki.dashboard import ITEM_LIMIT, WeekItem, register, week_bounds
from kawasaki.models import Role

from . import selectors
from .models import ApplicationStatus


@register(Role.MUNICIPALITY_ADMIN, Role.COORDINATOR)
def subsidies_panel(request) -> dict:
    municipality = request.municipality
    slug = municipality.slug
    today = timezone.localdate()
    windows = selectors.windows_in_calendar(municipality=municipality, today=today, days_back=0)
    applications = selectors.applications_visible_to(user=request.user, municipality=municipality)
    list_url = reverse("subsidy_application_list", kwargs={"municipality": slug})
    return {
        "title": _("Subsidies"),
        "figures": [
            (
                _("Windows open now"),
                windows.filter(opens_on__lte=today).count(),
                reverse("subsidy_calendar", kwargs={"municipality": slug}),
            ),
            (
                _("Drafts due within 14 days"),
                applications.filter(
                    status=ApplicationStatus.DRAFT,
                    window__closes_on__gte=today,
                    window__closes_on__lte=today + dt.timedelta(days=14),
                ).count(),
                list_url + "?status=draft",
            ),
            (
                _("Applications waiting for a decision"),
                applications.filter(status=ApplicationStatus.SUBMITTED).count(),
                list_url + "?status=submitted",
            ),
            (
                _("Granted this fiscal year (yen)"),
                intcomma(
                    selectors.granted_total(
                        municipality=municipality, fiscal_year=municipality.fiscal_year_of(today)
                    )
                ),
                list_url + "?status=granted",
            ),
        ],
    }


@register(Role.SME_MEMBER, order=40)
def own_windows_panel(request) -> dict:
    """Subsidy windows the SME's company can apply to now or soon, deadline first, with days left."""
    from smes.rules import own_sme_id
    from smes.selectors import smes_visible_to

    from .wording import days_left_words, opens_in_words, rate_words, yen_words

    municipality = request.municipality
    slug = municipality.slug
    sme_id = own_sme_id(request.user, municipality)
    sme = (
        smes_visible_to(user=request.user, municipality=municipality).filter(pk=sme_id).first()
        if sme_id is not None
        else None
    )
    results = selectors.eligibility_of(sme=sme) if sme is not None else []
    fitting = sorted(
        (r for r in results if r.window is not None and r.status != "not_eligible"),
        key=lambda r: (r.window.closes_on, r.programme.name),
    )
    items = []
    for result in fitting[:ITEM_LIMIT]:
        programme, window = result.programme, result.window
        terms = [
            str(_("up to {amount}").format(amount=yen_words(programme.max_amount_jpy)))
            if programme.max_amount_jpy
            else "",
            str(
                _("rate {rate}").format(rate=rate_words(programme.rate_numerator, programme.rate_denominator))
            )
            if programme.rate_numerator and programme.rate_denominator
            else "",
            opens_in_words(window.opens_on) if result.status == "qualifies_soon" else "",
            days_left_words(window.closes_on),
        ]
        items.append(
            WeekItem(
                label=programme.name,
                url=reverse("subsidy_eligibility", kwargs={"municipality": slug, "pk": sme.pk}),
                when=window.closes_on,
                note=" · ".join(t for t in terms if t),
                overdue=(window.closes_on - timezone.localdate()).days < 8,
            )
        )
    return {
        "title": _("Subsidies you can apply to"),
        "week": True,
        "empty": _("No subsidy window is open for your company now or soon."),
        "figures": [],
        "items": items,
        "more_url": reverse("subsidy_eligibility_pick", kwargs={"municipality": slug}) if fitting else None,
        "more_label": _("Amounts, rates and the other programmes"),
        "overdue_label": _("closes soon"),
    }


@register(Role.SME_MEMBER)
def own_applications_panel(request) -> dict:
    municipality = request.municipality
    applications = selectors.applications_visible_to(user=request.user, municipality=municipality)
    list_url = reverse("subsidy_application_list", kwargs={"municipality": municipality.slug})
    return {
        "title": _("Subsidy applications"),
        "figures": [
            (_("Your applications"), applications.count(), list_url),
            (
                _("Drafts"),
                applications.filter(status=ApplicationStatus.DRAFT).count(),
                list_url + "?status=draft",
            ),
        ],
    }


# --- my week (the coordinator's home) -----------------------------------------------------------


@register(Role.COORDINATOR, order=45)
def week_deadlines_panel(request) -> dict:
    """Applications of the coordinator's SMEs (those they look after, or nobody does) still in draft whose
    window closes this week, or has closed while they wait: each links to the application."""
    municipality = request.municipality
    today, until = week_bounds()
    applications = (
        selectors.applications_visible_to(user=request.user, municipality=municipality)
        .filter(Q(coordinator=request.user) | Q(coordinator__isnull=True))
        .filter(status=ApplicationStatus.DRAFT, window__closes_on__lte=until, window__closes_on__gte=today)
        .order_by("window__closes_on", "pk")
    )
    rows = list(applications[: ITEM_LIMIT + 1])
    slug = municipality.slug
    items = [
        WeekItem(
            label=f"{application.sme} · {application.title}",
            url=reverse("subsidy_application_detail", kwargs={"municipality": slug, "pk": application.pk}),
            when=application.window.closes_on,
            note=str(application.programme),
        )
        for application in rows[:ITEM_LIMIT]
    ]
    return {
        "title": _("Subsidy deadlines"),
        "week": True,
        "figures": [],
        "items": items,
        "more_url": reverse("subsidy_application_list", kwargs={"municipality": slug}) + "?status=draft"
        if len(rows) > ITEM_LIMIT
        else None,
    }
