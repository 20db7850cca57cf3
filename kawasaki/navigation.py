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
    order: int = 100


NAV_ITEMS: list[NavItem] = [
    NavItem(_("Dashboard"), "dashboard", "kawasaki.view_dashboard", order=0),
    NavItem(_("Reports"), "report_dashboard", "kawasaki.view_reports", order=800),
    NavItem(_("Members"), "member_list", "kawasaki.view_members", order=900),
    NavItem(_("Invitations"), "invitation_list", "kawasaki.manage_members", order=910),
    NavItem(_("Audit log"), "audit_list", "kawasaki.view_audit", order=920),
    NavItem(_("API tokens"), "apitoken_list", "kawasaki.manage_api_tokens", order=930),
]


def register_nav(*items: NavItem) -> None:
    """Called from an app's AppConfig.ready() to add its sections to the menu."""
    NAV_ITEMS.extend(items)


def navigation_for(request) -> list[dict]:
    municipality = request.municipality
    items = []
    for item in sorted(NAV_ITEMS, key=lambda i: i.order):
        if request.user.has_perm(item.permission, municipality):
            url = reverse(item.url_name, kwargs={"municipality": municipality.slug})
            items.append(
                {
                    "label": item.label,
                    "url": url,
                    "active": request.path == url or (item.order > 0 and request.path.startswith(url)),
                }
            )
    return items
