"""The coordinator's home is "my week": each item of the week links to where it is handled; an
administrator's home keeps the membership view first."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django_scopes import scopes_disabled

from kawasaki.models import Role
from negotiations.models import Negotiation
from smes.models import SeedInterest
from tests.conftest import make_member
from tests.factories.matching import MeetingFactory
from tests.factories.negotiations import NegotiationFactory, TaskFactory
from tests.factories.smes import NextActionFactory, SMEFactory, VisitFactory
from tests.factories.subsidies import ApplicationFactory, ProgrammeWindowFactory
from tests.matching.conftest import make_company, make_patent


def _titles(response) -> list[str]:
    with translation.override("en"):  # the titles are lazy: read them in English
        return [str(panel["title"]) for panel in response.context["panels"]]


def _items(response, title: str) -> list:
    with translation.override("en"):
        panel = next(p for p in response.context["panels"] if str(p["title"]) == title)
    return panel["items"]


@pytest.mark.django_db
def test_coordinator_home_lists_the_week_with_links(client_of, city_a, coordinator_a):
    today = timezone.localdate()
    slug = city_a.slug
    other = make_member(city_a, Role.COORDINATOR, email="other@example.jp")
    with scopes_disabled():
        sme = SMEFactory(municipality=city_a, name_ja="多摩川精密")
        visit = VisitFactory(sme=sme, coordinator=coordinator_a)
        NextActionFactory(visit=visit, description="試作品を見に行く", due_on=today - dt.timedelta(days=2))
        NextActionFactory(visit=visit, description="来月の話", due_on=today + dt.timedelta(days=30))
        NextActionFactory(
            visit=VisitFactory(sme=sme, coordinator=other), description="他人の用事", due_on=today
        )
        deal = NegotiationFactory(municipality=city_a, coordinator=coordinator_a)
        task = TaskFactory(negotiation=deal, title="契約書案を送る", assignee=coordinator_a, due_on=today)
        TaskFactory(
            negotiation=deal,
            title="来月のタスク",
            assignee=coordinator_a,
            due_on=today + dt.timedelta(days=20),
        )
        meeting = MeetingFactory(municipality=city_a, title="多摩川精密 × 川崎電機")
        MeetingFactory(
            municipality=city_a, title="来月の面談", starts_at=timezone.now() + dt.timedelta(days=40)
        )
        company = make_company(city_a, "川崎電機")
        seed = make_patent(city_a, company, "振動センサー")
        SeedInterest.objects.create(municipality=city_a, sme=sme, patent=seed, message="興味あり")
        window = ProgrammeWindowFactory(
            programme__municipality=city_a,
            opens_on=today - dt.timedelta(days=30),
            closes_on=today + dt.timedelta(days=3),
        )
        application = ApplicationFactory(sme=sme, programme=window.programme, window=window, title="共同開発")
        Negotiation.objects.filter(pk=deal.pk).update(state_changed_at=timezone.now() - dt.timedelta(days=20))

    response = client_of(coordinator_a).get(reverse("dashboard", kwargs={"municipality": slug}))

    assert response.status_code == 200
    titles = _titles(response)
    # The week comes first, the membership view last.
    assert titles[:2] == ["Tasks due and overdue", "Follow-ups from visits"]
    assert titles.index("People") > titles.index("Deals waiting on you")
    followups = _items(response, "Follow-ups from visits")
    assert [i.label for i in followups] == ["多摩川精密 · 試作品を見に行く"]
    assert followups[0].overdue is True
    assert followups[0].url == reverse("sme_detail", kwargs={"municipality": slug, "pk": sme.pk})
    tasks = _items(response, "Tasks due and overdue")
    assert [(i.label, i.url) for i in tasks] == [
        (task.title, reverse("negotiation_detail", kwargs={"municipality": slug, "pk": deal.pk}))
    ]
    meetings = _items(response, "Meetings this week")
    assert [(i.label, i.url) for i in meetings] == [
        ("多摩川精密 × 川崎電機", reverse("meeting_detail", kwargs={"municipality": slug, "pk": meeting.pk}))
    ]
    assert [i.label for i in _items(response, "New interests")] == [f"{sme} → {seed}"]
    deadlines = _items(response, "Subsidy deadlines")
    assert [i.url for i in deadlines] == [
        reverse("subsidy_application_detail", kwargs={"municipality": slug, "pk": application.pk})
    ]
    assert [i.url for i in _items(response, "Deals waiting on you")] == [
        reverse("negotiation_detail", kwargs={"municipality": slug, "pk": deal.pk})
    ]
    body = response.content.decode()
    assert "試作品を見に行く" in body
    assert "他人の用事" not in body
    assert "来月の話" not in body


@pytest.mark.django_db
def test_admin_home_opens_with_the_membership_view(client_of, city_a):
    admin = make_member(city_a, Role.MUNICIPALITY_ADMIN)
    response = client_of(admin).get(reverse("dashboard", kwargs={"municipality": city_a.slug}))
    titles = _titles(response)
    assert titles[0] == "People"
    assert "Tasks due and overdue" not in titles


@pytest.mark.django_db
def test_my_week_queries_do_not_grow_with_items(client_of, city_a, coordinator_a):
    from tests.kawasaki.querycount import assert_flat

    today = timezone.localdate()

    def grow():
        with scopes_disabled():
            for _ in range(4):
                sme = SMEFactory(municipality=city_a)
                NextActionFactory(visit=VisitFactory(sme=sme, coordinator=coordinator_a), due_on=today)
                deal = NegotiationFactory(municipality=city_a, coordinator=coordinator_a)
                TaskFactory(negotiation=deal, assignee=coordinator_a, due_on=today)
                MeetingFactory(municipality=city_a)
                window = ProgrammeWindowFactory(
                    programme__municipality=city_a, opens_on=today, closes_on=today + dt.timedelta(days=2)
                )
                ApplicationFactory(sme=sme, programme=window.programme, window=window)

    grow()
    count = assert_flat(
        client_of(coordinator_a), reverse("dashboard", kwargs={"municipality": city_a.slug}), grow
    )
    assert count <= 30
