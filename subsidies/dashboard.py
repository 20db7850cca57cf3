"""Dashboard panels of the subsidies app."""

from __future__ import annotations

import datetime as dt

from django.contrib.humanize.templatetags.humanize import intcomma
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kawasaki.dashboard import register
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
