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
    """One link of the menu; `group` names the menu entry it sits under (default: the app serving it)."""

    label: str | Promise
    url_name: str
    permission: str
    order: int = 100
    group: str | None = None


NAV_ITEMS: list[NavItem] = [
    NavItem(_("Dashboard"), "dashboard", "kawasaki.view_dashboard", order=0),
    NavItem(_("Members"), "member_list", "kawasaki.view_members", order=900),
    NavItem(_("Invitations"), "invitation_list", "kawasaki.manage_members", order=910),
    NavItem(_("Audit log"), "audit_list", "kawasaki.view_audit", order=920),
    NavItem(_("API tokens"), "apitoken_list", "kawasaki.api_tokens_in_menu", order=930),
]


def register_nav(*items: NavItem) -> None:
    """Called from an app's AppConfig.ready() to add its sections to the menu."""
    NAV_ITEMS.extend(items)


# Menu groups by the app that serves the page: one top-level entry per area keeps the bar short.
GROUPS: dict[str, tuple[int, object]] = {
    "patents": (10, _("Seeds")),
    "smes": (20, _("SMEs")),
    "matching": (30, _("Screening")),
    "negotiations": (40, _("Meetings and deals")),
    "subsidies": (50, _("Subsidies")),
    "admin": (90, _("Administration")),
}
_CORE_GROUPS: dict[str, str | None] = {"dashboard": None}


def register_group(app: str, *, order: int, label: str | Promise) -> None:
    """Called from an app's AppConfig.ready() to give the pages it serves their own menu entry."""
    GROUPS[app] = (order, label)


def _group_of(item: NavItem) -> str | None:
    """None for the dashboard (always its own link); else the app serving the URL, or "admin"."""
    if item.url_name in _CORE_GROUPS:
        return _CORE_GROUPS[item.url_name]
    if item.group is not None:
        return item.group
    from django.urls import resolve

    app = resolve(reverse(item.url_name, kwargs={"municipality": "x"})).func.__module__.split(".")[0]
    return app if app in GROUPS else "admin"


def navigation_for(request) -> list[dict]:
    """The menu: the dashboard, then one entry per group with its links (a group of one is a plain link)."""
    municipality = request.municipality
    groups: dict[str | None, dict] = {}
    links = []
    for item in sorted(NAV_ITEMS, key=lambda i: i.order):
        if not request.user.has_perm(item.permission, municipality):
            continue
        url = reverse(item.url_name, kwargs={"municipality": municipality.slug})
        key = _group_of(item)
        order, label = GROUPS[key] if key else (0, item.label)
        group = groups.setdefault(
            key, {"key": key or "dashboard", "label": label, "order": order, "links": []}
        )
        link = {"label": item.label, "url": url, "active": False, "prefix": key is not None}
        group["links"].append(link)
        links.append(link)
    # The current page's link: its own URL, else the longest link URL it lies under (a meeting page
    # under .../negotiations/meetings/ belongs to "Meetings", not to the board at .../negotiations/).
    under = [link for link in links if link["url"] == request.path] or [
        link for link in links if link["prefix"] and request.path.startswith(link["url"])
    ]
    if under:
        max(under, key=lambda link: len(link["url"]))["active"] = True
    menu = sorted(groups.values(), key=lambda g: g["order"])
    for group in menu:
        group["active"] = any(link["active"] for link in group["links"])
        if len(group["links"]) == 1:
            group["url"] = group["links"][0]["url"]
            group["label"] = group["links"][0]["label"]
    return menu
