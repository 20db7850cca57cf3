"""Tenant isolation: unscoped queries raise, and a probe walks every URL the project defines.

The probe reads the URL resolver, so a URL added later is covered without editing this file, except
that every URL must be classified: a tenant URL needs a row in ROLE_MATRIX (and a way to make its
object in PROBE_OBJECTS when it takes ids), any other URL an entry in NON_TENANT_URLS. An
unclassified URL fails the suite. Each app classifies its own URLs in `tests/<app>/url_probe.py`,
which may define ROLE_MATRIX, PROBE_OBJECTS, NON_TENANT_URLS and MARKER_SEEDERS (functions
`(municipality, marker) -> None` that store the marker string in that app's data); they are merged here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_scopes import scopes_disabled
from django_scopes.exceptions import ScopeError

from kawasaki.models import AuditEntry, Invitation, Membership, Role
from kawasaki.services import audit_log
from tests.conftest import make_member
from tests.factories import ApiTokenFactory, InvitationFactory, MembershipFactory, UserFactory
from tests.helpers.db_state import assert_db_unchanged

OUR_APPS = ("kawasaki", "patents", "smes", "matching", "negotiations", "subsidies", "reports")
ALL_ROLES = frozenset(Role.values)
ADMIN = frozenset({Role.MUNICIPALITY_ADMIN})
STAFF = frozenset({Role.MUNICIPALITY_ADMIN, Role.COORDINATOR})

# Which roles may open each tenant URL (the others get 403).
ROLE_MATRIX: dict[str, frozenset[str]] = {
    "dashboard": ALL_ROLES,
    "member_list": STAFF,
    "membership_edit": ADMIN,
    "invitation_list": ADMIN,
    "invitation_revoke": ADMIN,
    "audit_list": STAFF,
    "apitoken_list": ALL_ROLES - {Role.REPORTING},
    "apitoken_revoke": ALL_ROLES - {Role.REPORTING},
    "lookup": STAFF,  # probed as the SME lookup (kawasaki.lookups; smes.view_sme_list)
}


def _membership(municipality, user):
    return MembershipFactory(municipality=municipality, role=Role.SME_MEMBER).pk


def _invitation(municipality, user):
    return InvitationFactory(municipality=municipality).pk


def _token(municipality, user):
    return ApiTokenFactory(municipality=municipality, user=user).pk


# How to make, in a municipality, the object a URL's <pk> points at (for `user`, the requester).
PROBE_OBJECTS: dict[str, Callable] = {
    "membership_edit": _membership,
    "invitation_revoke": _invitation,
    "apitoken_revoke": _token,
    "lookup": lambda municipality, user: {"name": "sme"},
}

# URLs outside /m/<municipality>/ and what an anonymous visitor gets there.
NON_TENANT_URLS: dict[str, int] = {
    "home": 302,  # to the login page
    "invitation_accept": 404,  # probed with an unknown token
    "mfa_required": 302,
    "admin_login_redirect": 302,  # to allauth's login
    "api_whoami": 401,
    "about": 200,  # public: the service and its data notices, nothing of a municipality
}


# Functions that write the marker into each app's data of a municipality.
MARKER_SEEDERS: list[Callable] = []


def _merge_app_probes() -> None:
    import importlib

    for app in OUR_APPS[1:]:
        try:
            module = importlib.import_module(f"tests.{app}.url_probe")
        except ModuleNotFoundError as error:
            if error.name != f"tests.{app}.url_probe" and error.name != f"tests.{app}":
                raise
            continue
        ROLE_MATRIX.update(getattr(module, "ROLE_MATRIX", {}))
        PROBE_OBJECTS.update(getattr(module, "PROBE_OBJECTS", {}))
        NON_TENANT_URLS.update(getattr(module, "NON_TENANT_URLS", {}))
        MARKER_SEEDERS.extend(getattr(module, "MARKER_SEEDERS", []))


_merge_app_probes()


@dataclass
class Route:
    name: str
    kwargs: tuple[str, ...]
    module: str
    int_kwargs: frozenset[str] = frozenset()


def _walk(patterns, names=(), kwargs=(), ints=frozenset()) -> Iterator[Route]:
    from django.urls.converters import IntConverter

    for entry in patterns:
        converters = getattr(entry.pattern, "converters", {})
        here = tuple(converters)
        here_ints = ints | {k for k, c in converters.items() if isinstance(c, IntConverter)}
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, names, kwargs + here, here_ints)
        elif isinstance(entry, URLPattern) and entry.name:
            callback = entry.callback
            view = getattr(callback, "view_class", None) or getattr(callback, "cls", None) or callback
            yield Route(entry.name, kwargs + here, view.__module__, frozenset(here_ints))


def our_routes() -> list[Route]:
    return [r for r in _walk(get_resolver().url_patterns) if r.module.split(".")[0] in OUR_APPS]


def tenant_routes() -> list[Route]:
    return [r for r in our_routes() if "municipality" in r.kwargs]


def probe_kwargs(route: Route, municipality, user) -> dict:
    """The URL's ids for an object made in `municipality`: PROBE_OBJECTS returns a pk or a kwargs dict."""
    if set(route.kwargs) == {"municipality"}:
        return {}
    with scopes_disabled():
        made = PROBE_OBJECTS[route.name](municipality, user)
    return made if isinstance(made, dict) else {"pk": made}


def url_for(route: Route, municipality, user) -> str:
    return reverse(
        route.name, kwargs={"municipality": municipality.slug, **probe_kwargs(route, municipality, user)}
    )


def api_list_routes() -> list[str]:
    """API URLs without ids (lists and singletons), read by the marker test with each role's token."""
    return [r.name for r in our_routes() if r.name.startswith("api_") and not r.kwargs]


def test_every_url_is_classified():
    names = {r.name for r in our_routes()}
    tenant = {r.name for r in tenant_routes()}
    assert tenant - set(ROLE_MATRIX) == set(), "tenant URLs without a row in ROLE_MATRIX"
    assert names - tenant - set(NON_TENANT_URLS) == set(), "URLs neither tenant nor in NON_TENANT_URLS"
    needs_object = {r.name for r in tenant_routes() if set(r.kwargs) - {"municipality"}}
    assert needs_object - set(PROBE_OBJECTS) == set(), "tenant URLs with ids but no PROBE_OBJECTS entry"


@pytest.mark.django_db
def test_unscoped_query_on_tenant_model_raises():
    for model in (Invitation, AuditEntry):
        with pytest.raises(ScopeError):
            list(model.objects.all())


@pytest.mark.django_db
def test_membership_lookup_is_not_scoped_but_filtered_by_user(city_a, coordinator_a, coordinator_b):
    # Membership is the key from which the scope is chosen; it is read per user, never listed whole.
    from kawasaki.selectors import memberships_of

    assert [m.municipality.slug for m in memberships_of(user=coordinator_a)] == ["city-a"]


@pytest.mark.django_db
@pytest.mark.parametrize("route", tenant_routes(), ids=lambda r: r.name)
def test_anonymous_is_sent_to_login(client, city_b, route):
    url = url_for(route, city_b, UserFactory())
    with assert_db_unchanged():
        for response in (client.get(url), client.post(url, {})):
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
@pytest.mark.parametrize("route", tenant_routes(), ids=lambda r: r.name)
@pytest.mark.parametrize("role", sorted(Role.values))
def test_member_of_a_gets_404_on_b(client_of, city_a, city_b, route, role):
    user = make_member(city_a, role)
    client = client_of(user)
    url = url_for(route, city_b, user)
    with assert_db_unchanged():
        assert client.get(url).status_code == 404
        assert client.post(url, {}).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("route", [r for r in tenant_routes() if r.int_kwargs], ids=lambda r: r.name)
def test_b_object_through_a_url_is_404(client_of, city_a, city_b, route):
    # The municipality in the URL is A (where the user is admin) but the ids are those of B's objects.
    user = make_member(city_a, Role.MUNICIPALITY_ADMIN)
    url = reverse(route.name, kwargs={"municipality": city_a.slug, **probe_kwargs(route, city_b, user)})
    client = client_of(user)
    # 405: a view refuses the other method before any lookup; the method it serves must answer 404.
    with assert_db_unchanged():
        answers = {client.get(url).status_code, client.post(url, {}).status_code}
    assert 404 in answers
    assert answers <= {404, 405}


@pytest.mark.django_db
@pytest.mark.parametrize("route", tenant_routes(), ids=lambda r: r.name)
@pytest.mark.parametrize("role", sorted(Role.values))
def test_role_matrix(client_of, city_a, route, role):
    user = make_member(city_a, role)
    # A second admin, so that an admin editing a membership never hits the last-admin rule.
    make_member(city_a, Role.MUNICIPALITY_ADMIN)
    client = client_of(user)
    url = url_for(route, city_a, user)
    if role in ROLE_MATRIX[route.name]:
        assert client.get(url).status_code in (200, 405)
    else:
        with assert_db_unchanged():
            assert client.get(url).status_code == 403
            assert client.post(url, {}).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(NON_TENANT_URLS))
def test_non_tenant_urls_for_anonymous(client, name):
    route = next(r for r in our_routes() if r.name == name)
    kwargs = {k: 0 if k in route.int_kwargs else "unknown-token-value" for k in route.kwargs}
    assert client.get(reverse(name, kwargs=kwargs)).status_code == NON_TENANT_URLS[name]


MARKER = "ZZMARKER-A-7f3c"


@pytest.mark.django_db
def test_b_never_sees_a_data(client_of, api_client_of, city_a, city_b):
    """Seed A with a unique marker everywhere a string can go, then read every page of B as each role."""
    a_admin = make_member(
        city_a, Role.MUNICIPALITY_ADMIN, email="zzmarker-a-7f3c@example.jp", display_name=MARKER
    )
    with scopes_disabled():
        InvitationFactory(municipality=city_a, email="zzmarker-a-7f3c-invitee@example.jp")
        ApiTokenFactory(municipality=city_a, user=a_admin, name=MARKER)
        audit_log(
            municipality=city_a,
            actor=a_admin,
            action="probe.marker",
            obj=city_a,
            changes={"x": {"new": MARKER}},
        )
    for role in sorted(Role.values):
        user = make_member(city_b, role)
        client = client_of(user)
        for route in tenant_routes():
            if role not in ROLE_MATRIX[route.name]:
                continue
            response = client.get(url_for(route, city_b, user))
            # Streamed files, PDFs and other binary answers are read as text too.
            raw = b"".join(response.streaming_content) if response.streaming else response.content
            body = raw.decode(errors="replace").lower()
            assert MARKER.lower() not in body, (role, route.name)
        api = api_client_of(user, city_b)
        for name in api_list_routes():
            body = api.get(reverse(name)).content.decode().lower()
            assert MARKER.lower() not in body, (role, name)
    with scopes_disabled():
        assert Membership.objects.filter(user__display_name=MARKER).count() == 1
