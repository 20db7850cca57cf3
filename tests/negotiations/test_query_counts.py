"""The deal pages and API answer in a fixed number of SQL queries, however many rows they show (meeting
pages: tests/matching/test_meeting_query_counts.py).

Each test measures a page at N rows (with their related rows: SMEs, companies, seeds, coordinators,
participants, documents, tasks ...), adds N more, and asserts the second count equals the first. The
first request of a client warms the session and permission caches, so it is not measured."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from kawasaki.models import Role
from negotiations.models import Document, EntryKind, Negotiation, Product, State, Task, TimelineEntry
from tests.factories.negotiations import member_of, staff_of
from tests.matching.conftest import make_company, make_patent, make_sme
from tests.matching.test_meeting_query_counts import make_meetings

N = 30
_names = itertools.count()


def _page(name, municipality, **kwargs):
    return reverse(name, kwargs={"municipality": municipality.slug, **kwargs})


def queries_of(client, url) -> int:
    """The number of SQL queries of one GET (after a warm-up GET of the same address)."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(ctx.captured_queries)


def _deals(city, n, *, coordinator, company=None, sme=None, state=State.EVALUATION):
    """n deals with two seeds each, a timeline, a document, a task and (when launched) a product."""
    made = []
    with scopes_disabled():
        for _ in range(n):
            k = next(_names)
            owner = company or make_company(city, f"大手{k}株式会社")
            deal = Negotiation.objects.create(
                municipality=city,
                sme=sme or make_sme(city, f"中小{k}製作所"),
                company=owner,
                coordinator=coordinator,
                state=state,
                nda_signed_on=dt.date(2026, 4, 1),
                nda_expires_on=dt.date(2029, 3, 31),
            )
            deal.seeds.add(make_patent(city, owner, f"種{k}a"), make_patent(city, owner, f"種{k}b"))
            _history(deal, 1, actor=coordinator)
            Task.objects.create(
                municipality=city, negotiation=deal, title=f"連絡{k}", due_on=timezone.localdate(),
                assignee=coordinator,
            )  # fmt: skip
            if state == State.LAUNCHED:
                Product.objects.create(
                    municipality=city, negotiation=deal, name=f"製品{k}", launch_date=dt.date(2026, 10, 1),
                    price_yen=1_980_000,
                )  # fmt: skip
            made.append(deal)
    return made


def _history(deal, n, *, actor):
    """n of each: timeline entries (a state change, a note), documents, tasks, products, seeds."""
    with scopes_disabled():
        for _ in range(n):
            k = next(_names)
            TimelineEntry.objects.create(
                municipality=deal.municipality, negotiation=deal, kind=EntryKind.STATE_CHANGE,
                from_state=State.INTEREST, to_state=State.INTRODUCED, actor=actor, actor_label=str(actor),
            )  # fmt: skip
            TimelineEntry.objects.create(
                municipality=deal.municipality, negotiation=deal, kind=EntryKind.NOTE, text=f"メモ{k}",
                actor=actor, actor_label=str(actor),
            )  # fmt: skip
            document = Document(
                municipality=deal.municipality, negotiation=deal, kind="licence_draft", side="licensor",
                title=f"契約書案{k}", version=k, uploaded_by=actor, coordinator_comment="確認済み",
            )  # fmt: skip
            document.file.save(f"draft{k}.pdf", ContentFile(b"%PDF-1.4 draft"), save=False)
            document.save()


def _grow_deal(deal, n, *, actor):
    _history(deal, n, actor=actor)
    with scopes_disabled():
        for _ in range(n):
            k = next(_names)
            deal.seeds.add(make_patent(deal.municipality, deal.company, f"追加種{k}"))
            Task.objects.create(
                municipality=deal.municipality, negotiation=deal, title=f"作業{k}", due_on=timezone.localdate(),
                assignee=actor,
            )  # fmt: skip
            Product.objects.create(
                municipality=deal.municipality, negotiation=deal, name=f"製品{k}", launch_date=dt.date(2026, 10, 1)
            )  # fmt: skip


def assert_flat(measure, grow) -> tuple[int, int]:
    """Measure, grow by N, measure again: equal counts, or the page has an N+1."""
    before = measure()
    grow()
    after = measure()
    print(f"QUERYCOUNT {before} -> {after}")
    assert after == before, f"{before} queries at N rows, {after} at 2N"
    return before, after


# --- pages ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_board_queries_do_not_grow(client_of, city_a, coordinator_a):
    client = client_of(coordinator_a)
    _deals(city_a, N, coordinator=coordinator_a)
    url = _page("negotiation_board", city_a)
    assert_flat(lambda: queries_of(client, url), lambda: _deals(city_a, N, coordinator=coordinator_a))
    assert client.get(url).content.decode().count('class="deal-card"') == 2 * N


@pytest.mark.django_db
def test_my_week_queries_do_not_grow(client_of, city_a, coordinator_a):
    client = client_of(coordinator_a)
    url = _page("my_week", city_a)

    def grow():
        deals = _deals(city_a, N, coordinator=coordinator_a)
        make_meetings(city_a, N // 3, coordinator=coordinator_a)
        with scopes_disabled():
            Negotiation.objects.filter(pk__in=[d.pk for d in deals]).update(
                state_changed_at=timezone.now() - dt.timedelta(days=60)
            )

    grow()
    assert_flat(lambda: queries_of(client, url), grow)
    body = client.get(url).content.decode()
    # every open task due (one per deal, one per meeting) has its "done" form
    assert body.count("/negotiations/tasks/") == 2 * N + 2 * (N // 3)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["coordinator", "company", "sme"])
def test_negotiation_list_queries_do_not_grow(client_of, city_a, coordinator_a, role):
    company, own_sme = make_company(city_a, "共通大手株式会社"), make_sme(city_a, "自社製作所")
    user = coordinator_a
    if role == "company":
        with scopes_disabled():
            user = staff_of(company)
    client = client_of(user)
    url = _page("negotiation_list", city_a)

    def grow():
        if role == "sme":
            # An SME has one deal per company; its list grows with companies.
            for _ in range(N):
                _deals(city_a, 1, coordinator=coordinator_a, sme=own_sme)
        else:
            _deals(city_a, N, coordinator=coordinator_a, company=company)

    if role == "sme":
        with scopes_disabled():
            client = client_of(member_of(own_sme))
    grow()
    assert_flat(lambda: queries_of(client, url), grow)
    assert "/negotiations/deals/" in client.get(url).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["coordinator", "company", "sme"])
def test_negotiation_detail_queries_do_not_grow(client_of, city_a, coordinator_a, role):
    (deal,) = _deals(city_a, 1, coordinator=coordinator_a, state=State.PROTOTYPE)
    with scopes_disabled():
        user = {
            "coordinator": coordinator_a,
            "company": staff_of(deal.company),
            "sme": member_of(deal.sme),
        }[role]
    client = client_of(user)
    url = _page("negotiation_detail", city_a, pk=deal.pk)
    _grow_deal(deal, N, actor=coordinator_a)
    assert_flat(lambda: queries_of(client, url), lambda: _grow_deal(deal, N, actor=coordinator_a))
    body = client.get(url).content.decode()
    assert body.count("/negotiations/documents/") >= 2 * N + 1


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["coordinator", "company"])
def test_product_list_queries_do_not_grow(client_of, city_a, coordinator_a, role):
    company = make_company(city_a, "製品大手株式会社")
    user = coordinator_a
    if role == "company":
        with scopes_disabled():
            user = staff_of(company)
    client = client_of(user)
    url = _page("product_list", city_a)

    def grow():
        _deals(city_a, N, coordinator=coordinator_a, company=company, state=State.LAUNCHED)

    grow()
    assert_flat(lambda: queries_of(client, url), grow)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["negotiation_create"])
def test_forms_queries_do_not_grow_with_choices(client_of, city_a, coordinator_a, name):
    """The create forms list SMEs, companies and seeds: one query per choice list, not per choice."""
    client = client_of(coordinator_a)
    url = _page(name, city_a)

    def grow():
        _deals(city_a, N, coordinator=coordinator_a)

    grow()
    assert_flat(lambda: queries_of(client, url), grow)


# --- API ------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "grow"),
    [
        ("api_negotiation_list", lambda city, user: _deals(city, N, coordinator=user)),
        ("api_product_list", lambda city, user: _deals(city, N, coordinator=user, state=State.LAUNCHED)),
    ],
)
def test_api_lists_queries_do_not_grow(api_client_of, city_a, coordinator_a, name, grow):
    client = api_client_of(coordinator_a, city_a)
    url = reverse(name)
    grow(city_a, coordinator_a)
    assert_flat(lambda: queries_of(client, url), lambda: grow(city_a, coordinator_a))
    assert client.get(url).json()["count"] == 2 * N


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.COMPANY_STAFF, Role.SME_MEMBER])
def test_api_party_lists_queries_do_not_grow(api_client_of, city_a, coordinator_a, role):
    company, sme = make_company(city_a, "API大手株式会社"), make_sme(city_a, "API製作所")
    with scopes_disabled():
        user = staff_of(company) if role == Role.COMPANY_STAFF else member_of(sme)
    client = api_client_of(user, city_a)

    def grow():
        if role == Role.COMPANY_STAFF:
            _deals(city_a, N, coordinator=coordinator_a, company=company)
        else:
            for _ in range(N):
                _deals(city_a, 1, coordinator=coordinator_a, sme=sme)

    grow()
    for name in ("api_negotiation_list",):
        url = reverse(name)
        assert_flat(lambda url=url: queries_of(client, url), grow)


@pytest.mark.django_db
def test_api_details_queries_do_not_grow(api_client_of, city_a, coordinator_a):
    client = api_client_of(coordinator_a, city_a)
    (deal,) = _deals(city_a, 1, coordinator=coordinator_a, state=State.LAUNCHED)
    with scopes_disabled():
        product = Product.objects.get(negotiation=deal)
    for url, grow in (
        (reverse("api_negotiation_detail", kwargs={"pk": deal.pk}), lambda: _grow_deal(deal, N, actor=None)),
        (reverse("api_product_detail", kwargs={"pk": product.pk}), lambda: _grow_deal(deal, N, actor=None)),
    ):
        assert_flat(lambda url=url: queries_of(client, url), grow)
