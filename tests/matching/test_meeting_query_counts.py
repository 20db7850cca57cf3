"""The meeting pages and API answer in a fixed number of SQL queries, however many rows they show.

Each test measures a page at N rows (with their related rows: SMEs, companies, seeds, coordinators,
participants, one-on-one requests, the follow-up tasks a meeting page lists ...), adds N more, and
asserts the second count equals the first. The first request of a client warms the session and
permission caches, so it is not measured."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from kawasaki.models import Role
from matching.models import (
    Meeting,
    MeetingKind,
    MeetingProposal,
    OneOnOneRequest,
    Participant,
    ProposalKind,
    Reply,
)
from negotiations.models import Task
from tests.factories.matching import member_of, staff_of
from tests.matching.conftest import make_company, make_patent, make_sme

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


def make_meetings(city, n, *, coordinator, kind=MeetingKind.CLOSED, company=None, sme=None, days=3):
    """n meetings, each with three SMEs invited (one of them `sme` when given), two seeds, presenters."""
    made = []
    with scopes_disabled():
        for _ in range(n):
            k = next(_names)
            owner = company or make_company(city, f"説明企業{k}株式会社")
            start = timezone.now() + dt.timedelta(days=days, hours=k % 5)
            meeting = Meeting.objects.create(
                municipality=city, kind=kind, title=f"説明会{k}", starts_at=start,
                ends_at=start + dt.timedelta(hours=2), venue="産業振興会館", coordinator=coordinator,
                company=None if kind == MeetingKind.SYMPOSIUM else owner, capacity=20,
            )  # fmt: skip
            meeting.presenting_companies.add(owner)
            meeting.seeds.add(
                make_patent(city, owner, f"発表種{k}a"), make_patent(city, owner, f"発表種{k}b")
            )
            smes = [sme] if sme is not None else []
            smes += [make_sme(city, f"参加{k}-{i}製作所") for i in range(3 - len(smes))]
            for i, invited in enumerate(smes):
                Participant.objects.create(
                    municipality=city, meeting=meeting, sme=invited, reply=Reply.ATTENDING if i else Reply.PENDING
                )  # fmt: skip
            Task.objects.create(
                municipality=city, meeting=meeting, title=f"御礼{k}", due_on=timezone.localdate(),
                assignee=coordinator,
            )  # fmt: skip
            made.append(meeting)
    return made


def _grow_meeting(meeting, n, *, actor):
    """n more participants, seeds, presenters, one-on-one requests and follow-up tasks."""
    city = meeting.municipality
    with scopes_disabled():
        for _ in range(n):
            k = next(_names)
            company = make_company(city, f"追加発表{k}株式会社")
            meeting.presenting_companies.add(company)
            seed = make_patent(city, company, f"追加発表種{k}")
            meeting.seeds.add(seed)
            sme = make_sme(city, f"追加参加{k}製作所")
            Participant.objects.create(municipality=city, meeting=meeting, sme=sme, reply=Reply.ATTENDING)
            request = OneOnOneRequest.objects.create(
                municipality=city, symposium=meeting, sme=sme, company=company, note="面談希望"
            )
            request.seeds.add(seed)
            Task.objects.create(
                municipality=city,
                meeting=meeting,
                title=f"報告{k}",
                due_on=timezone.localdate(),
                assignee=actor,
            )


def _proposals(city, n):
    with scopes_disabled():
        for _ in range(n):
            k = next(_names)
            proposal = MeetingProposal.objects.create(
                municipality=city, kind=ProposalKind.CLOSED, company=make_company(city, f"提案{k}株式会社")
            )
            proposal.smes.add(make_sme(city, f"提案先{k}a"), make_sme(city, f"提案先{k}b"))


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
@pytest.mark.parametrize("role", ["coordinator", "company", "sme"])
def test_meeting_list_queries_do_not_grow(client_of, city_a, coordinator_a, role):
    company, sme = make_company(city_a, "面談大手株式会社"), make_sme(city_a, "面談先製作所")
    with scopes_disabled():
        user = {"coordinator": coordinator_a, "company": staff_of(company), "sme": member_of(sme)}[role]
    client = client_of(user)
    url = _page("meeting_list", city_a)

    def grow():
        make_meetings(city_a, N, coordinator=coordinator_a, company=company, sme=sme)
        _proposals(city_a, N // 3)

    grow()
    assert_flat(lambda: queries_of(client, url), grow)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["coordinator", "company", "sme"])
def test_meeting_detail_queries_do_not_grow(client_of, city_a, coordinator_a, role):
    (symposium,) = make_meetings(city_a, 1, coordinator=coordinator_a, kind=MeetingKind.SYMPOSIUM)
    with scopes_disabled():
        first = symposium.participants.first()
        user = {
            "coordinator": coordinator_a,
            "company": staff_of(symposium.presenting_companies.first()),
            "sme": member_of(first.sme),
        }[role]
    client = client_of(user)
    url = _page("meeting_detail", city_a, pk=symposium.pk)
    _grow_meeting(symposium, N, actor=coordinator_a)
    assert_flat(lambda: queries_of(client, url), lambda: _grow_meeting(symposium, N, actor=coordinator_a))


@pytest.mark.django_db
def test_symposium_list_queries_do_not_grow(client_of, city_a, coordinator_a):
    sme = make_sme(city_a, "登録製作所")
    with scopes_disabled():
        client = client_of(member_of(sme))
    url = _page("symposium_list", city_a)

    def grow():
        for symposium in make_meetings(city_a, N, coordinator=coordinator_a, kind=MeetingKind.SYMPOSIUM):
            _grow_meeting(symposium, 2, actor=coordinator_a)

    grow()
    assert_flat(lambda: queries_of(client, url), grow)


@pytest.mark.django_db
def test_meeting_create_form_queries_do_not_grow_with_choices(client_of, city_a, coordinator_a):
    """The form lists SMEs, companies and seeds: one query per choice list, not per choice."""
    client = client_of(coordinator_a)
    url = _page("meeting_create", city_a)

    def grow():
        make_meetings(city_a, N, coordinator=coordinator_a)

    grow()
    assert_flat(lambda: queries_of(client, url), grow)


@pytest.mark.django_db
def test_meeting_edit_and_cancel_queries_do_not_grow(client_of, city_a, coordinator_a):
    (meeting,) = make_meetings(city_a, 1, coordinator=coordinator_a)
    client = client_of(coordinator_a)
    for name in ("meeting_edit", "meeting_cancel"):
        url = _page(name, city_a, pk=meeting.pk)
        _grow_meeting(meeting, N, actor=coordinator_a)
        assert_flat(
            lambda url=url: queries_of(client, url), lambda: _grow_meeting(meeting, N, actor=coordinator_a)
        )


# --- API ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_api_meeting_list_queries_do_not_grow(api_client_of, city_a, coordinator_a):
    client = api_client_of(coordinator_a, city_a)
    url = reverse("api_meeting_list")
    make_meetings(city_a, N, coordinator=coordinator_a)
    assert_flat(lambda: queries_of(client, url), lambda: make_meetings(city_a, N, coordinator=coordinator_a))
    assert client.get(url).json()["count"] == 2 * N


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.COMPANY_STAFF, Role.SME_MEMBER])
def test_api_party_meeting_list_queries_do_not_grow(api_client_of, city_a, coordinator_a, role):
    company, sme = make_company(city_a, "API大手株式会社"), make_sme(city_a, "API製作所")
    with scopes_disabled():
        user = staff_of(company) if role == Role.COMPANY_STAFF else member_of(sme)
    client = api_client_of(user, city_a)

    def grow():
        make_meetings(city_a, N, coordinator=coordinator_a, company=company, sme=sme)

    grow()
    assert_flat(lambda: queries_of(client, reverse("api_meeting_list")), grow)


@pytest.mark.django_db
def test_api_meeting_detail_queries_do_not_grow(api_client_of, city_a, coordinator_a):
    client = api_client_of(coordinator_a, city_a)
    (meeting,) = make_meetings(city_a, 1, coordinator=coordinator_a, kind=MeetingKind.SYMPOSIUM)
    url = reverse("api_meeting_detail", kwargs={"pk": meeting.pk})
    assert_flat(lambda: queries_of(client, url), lambda: _grow_meeting(meeting, N, actor=None))
