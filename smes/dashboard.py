"""Dashboard panels of the smes app."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kawasaki.dashboard import register
from kawasaki.models import Role

from . import selectors
from .models import PlanStatus


@register(Role.MUNICIPALITY_ADMIN, Role.COORDINATOR)
def smes_panel(request) -> dict:
    municipality = request.municipality
    slug = municipality.slug
    user = request.user
    followups = selectors.followups_due(user=user, municipality=municipality)
    plans = selectors.plans_visible_to(user=user, municipality=municipality)
    return {
        "title": _("SMEs"),
        "figures": [
            (
                _("SMEs"),
                selectors.smes_visible_to(user=user, municipality=municipality).count(),
                reverse("sme_list", kwargs={"municipality": slug}),
            ),
            (
                _("Your follow-ups overdue"),
                followups.filter(due_on__lt=timezone.localdate()).count(),
                reverse("followup_list", kwargs={"municipality": slug}),
            ),
            (
                _("Plans waiting for feedback"),
                plans.filter(status__in=[PlanStatus.SUBMITTED, PlanStatus.REVISED]).count(),
                reverse("plan_list", kwargs={"municipality": slug}) + "?status=submitted",
            ),
        ],
    }


@register(Role.SME_MEMBER)
def own_sme_panel(request) -> dict:
    municipality = request.municipality
    plans = selectors.plans_visible_to(user=request.user, municipality=municipality)
    slug = municipality.slug
    has_sme = request.membership.sme_id is not None
    return {
        "title": _("Your company"),
        "figures": [
            (
                _("Business plans"),
                plans.count(),
                reverse("plan_list", kwargs={"municipality": slug}) if has_sme else None,
            ),
            (
                _("Plans with feedback to read"),
                plans.filter(status=PlanStatus.FEEDBACK_GIVEN).count(),
                reverse("plan_list", kwargs={"municipality": slug}) + "?status=feedback_given"
                if has_sme
                else None,
            ),
        ],
    }
