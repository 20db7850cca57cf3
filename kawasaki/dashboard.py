"""Dashboard panels per role. Apps register panels; each panel is computed by a selector.

A panel is a function (request) -> dict with "title", "figures" (list of (label, value, url or None)),
optionally "rows" (recent audit entries) and "items" (a list of `WeekItem`: one thing to do, each linking
to the page where it is handled) with "more_url" (the full list). The dashboard shows the panels
registered for the user's role, lowest `order` first: a coordinator's home opens with the week's work
that each app registers, an administrator's with the membership view.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
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
PANELS: dict[str, list[tuple[int, int, Panel]]] = {role: [] for role in Role.values}
ITEM_LIMIT = 6  # items shown per week panel; the panel's "more_url" lists them all


@dataclass(frozen=True)
class WeekItem:
    """One thing to handle this week, linking to the page where it is handled."""

    label: str
    url: str
    when: dt.date | dt.datetime | None = None
    note: str = ""
    overdue: bool = False


def register(*roles: str, order: int = 100):
    """Register a panel for roles; panels show lowest `order` first (registration order breaks ties)."""

    def decorator(func: Panel) -> Panel:
        for role in roles:
            PANELS[role].append((order, len(PANELS[role]), func))
        return func

    return decorator


def panels_for(request) -> list[dict]:
    panels = sorted(PANELS.get(request.membership.role, []), key=lambda entry: entry[:2])
    return [panel(request) for _order, _seq, panel in panels]


def week_bounds(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """Today and the last day of the coming week (seven days ahead): the span of "my week"."""
    today = today or timezone.localdate()
    return today, today + timedelta(days=7)


@register(Role.COORDINATOR, order=900)
@register(Role.MUNICIPALITY_ADMIN, order=10)
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


@register(Role.MUNICIPALITY_ADMIN, Role.COORDINATOR, order=910)
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


# Last on the page: a member comes for their seeds and deals, not for token counts. SME members
# have their own panels (smes, matching, negotiations, subsidies) and find tokens in the account menu.
@register(Role.COMPANY_STAFF, Role.REPORTING, order=900)
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
