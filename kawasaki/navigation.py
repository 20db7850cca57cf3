"""The navigation of a municipality's pages, filtered by what the current user may do there.

Apps add their sections to NAV_ITEMS; each entry names the permission that shows it, so the menu and
the views answer from the same rules.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    permission: str


NAV_ITEMS: list[NavItem] = [
    NavItem(_("Dashboard"), "dashboard", "kawasaki.view_dashboard"),
    NavItem(_("Members"), "member_list", "kawasaki.view_members"),
    NavItem(_("Invitations"), "invitation_list", "kawasaki.manage_members"),
    NavItem(_("Audit log"), "audit_list", "kawasaki.view_audit"),
    NavItem(_("API tokens"), "apitoken_list", "kawasaki.manage_api_tokens"),
]


def navigation_for(request) -> list[dict]:
    municipality = request.municipality
    items = []
    for item in NAV_ITEMS:
        if request.user.has_perm(item.permission, municipality):
            url = reverse(item.url_name, kwargs={"municipality": municipality.slug})
            items.append({"label": item.label, "url": url, "active": request.path == url})
    return items
