"""Dashboard panels per role. Apps register panels; each panel is computed by a selector.

A panel is a function (request) -> dict with "title", "figures" (list of (label, value, url or None))
and optionally "rows" (recent items). The dashboard shows the panels registered for the user's role.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Role
from .selectors import (
    active_memberships,
    api_tokens_of,
    audit_entries_of,
    invitations_open,
    member_counts_by_role,
)

Panel = Callable[..., dict]
PANELS: dict[str, list[Panel]] = {role: [] for role in Role.values}


def register(*roles: str):
    def decorator(func: Panel) -> Panel:
        for role in roles:
            PANELS[role].append(func)
        return func

    return decorator


def panels_for(request) -> list[dict]:
    return [panel(request) for panel in PANELS.get(request.membership.role, [])]


@register(Role.MUNICIPALITY_ADMIN, Role.COORDINATOR)
def members_panel(request) -> dict:
    municipality = request.municipality
    counts = member_counts_by_role(municipality=municipality)
    members_url = reverse("member_list", kwargs={"municipality": municipality.slug})
    figures = [(label, counts[value], members_url) for value, label in Role.choices]
    figures.append(
        (
            _("Open invitations"),
            invitations_open(municipality=municipality).count(),
            reverse("invitation_list", kwargs={"municipality": municipality.slug})
            if request.membership.role == Role.MUNICIPALITY_ADMIN
            else None,
        )
    )
    return {"title": _("People"), "figures": figures}


@register(Role.MUNICIPALITY_ADMIN, Role.COORDINATOR)
def activity_panel(request) -> dict:
    municipality = request.municipality
    since = timezone.now() - timedelta(days=30)
    entries = audit_entries_of(municipality=municipality)
    return {
        "title": _("Activity"),
        "figures": [
            (
                _("Recorded changes, last 30 days"),
                entries.filter(created_at__gte=since).count(),
                reverse("audit_list", kwargs={"municipality": municipality.slug}),
            ),
        ],
        "rows": list(entries[:8]),
    }


@register(Role.COMPANY_STAFF, Role.SME_MEMBER, Role.REPORTING)
def account_panel(request) -> dict:
    municipality = request.municipality
    tokens = api_tokens_of(user=request.user, municipality=municipality).filter(revoked_at__isnull=True)
    return {
        "title": _("Your account"),
        "figures": [
            (
                _("Active API tokens"),
                tokens.count(),
                reverse("apitoken_list", kwargs={"municipality": municipality.slug})
                if request.membership.role != Role.REPORTING
                else None,
            ),
            (_("Municipalities you belong to"), len(active_memberships(user=request.user)), None),
        ],
    }
