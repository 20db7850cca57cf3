"""The one timeline (kawasaki.timeline): every app's events of an SME, a seed or a company, newest first,
filtered by kind, each one only for those who may see it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from kawasaki.timeline import SOURCES, timeline_for
from matching.models import Direction
from matching.services.shortlists import candidate_to_shortlist
from smes import services as sme_services
from smes.models import SeedInterest
from tests.factories.matching import (
    MeetingFactory,
    ParticipantFactory,
    ScreeningCandidateFactory,
    ScreeningRunFactory,
    member_of,
    staff_of,
)
from tests.factories.negotiations import NegotiationFactory
from tests.factories.smes import BusinessPlanFactory, SMEFactory, VisitFactory
from tests.factories.subsidies import ApplicationFactory
from tests.matching.conftest import make_company, make_patent

ALL_KINDS = {"visits", "screening", "shortlist", "interests", "meetings", "deals", "plans", "subsidies"}


@pytest.fixture
def history(city_a, coordinator_a):
    """An SME with one event of every kind, around one company and one of its seeds."""
    with scopes_disabled():
        sme = SMEFactory(municipality=city_a, name_ja="多摩川精密")
        company = make_company(city_a, "川崎電機")
        seed = make_patent(city_a, company, "振動センサー")
        VisitFactory(sme=sme, coordinator=coordinator_a, visited_on=dt.date(2026, 11, 2))
        run = ScreeningRunFactory(municipality=city_a, direction=Direction.SME_TO_SEEDS, sme=sme)
        candidate = ScreeningCandidateFactory(run=run, sme=sme, patent=seed)
        shortlist_entry = candidate_to_shortlist(candidate=candidate, actor=coordinator_a)
        SeedInterest.objects.create(municipality=city_a, sme=sme, patent=seed, message="興味あり")
        meeting = MeetingFactory(
            municipality=city_a, company=company, title="多摩川精密 × 川崎電機: 振動センサー"
        )
        meeting.seeds.add(seed)
        ParticipantFactory(meeting=meeting, sme=sme)
        deal = NegotiationFactory(municipality=city_a, sme=sme, company=company)
        deal.seeds.add(seed)
        plan = BusinessPlanFactory(sme=sme)
        sme_services.business_plan_set_status(plan=plan, new_status="submitted", actor=coordinator_a)
        ApplicationFactory(sme=sme, title="共同開発")
        # Another SME's events must not appear.
        other = SMEFactory(municipality=city_a, name_ja="他社")
        VisitFactory(sme=other, coordinator=coordinator_a)
        NegotiationFactory(municipality=city_a, sme=other)
    return {
        "sme": sme,
        "company": company,
        "seed": seed,
        "deal": deal,
        "meeting": meeting,
        "shortlist_entry": shortlist_entry,
    }


def test_every_app_registers_its_sources():
    assert {s.kind for s in SOURCES["sme"]} == ALL_KINDS
    assert {s.kind for s in SOURCES["seed"]} >= {"screening", "shortlist", "interests", "meetings", "deals"}
    assert {s.kind for s in SOURCES["company"]} >= {"screening", "meetings", "deals"}


@pytest.mark.django_db
def test_sme_timeline_shows_every_kind_to_a_coordinator(city_a, coordinator_a, history):
    with scopes_disabled():
        timeline = timeline_for(subject="sme", user=coordinator_a, municipality=city_a, obj=history["sme"])
    assert {item.kind for item in timeline.items} == ALL_KINDS
    assert {kind: n for kind, _label, n in timeline.kinds} == dict.fromkeys(ALL_KINDS, 1)
    keys = [item.sort_key for item in timeline.items]
    assert keys == sorted(keys, reverse=True)


@pytest.mark.django_db
def test_sme_timeline_filters_by_kind(client_of, city_a, coordinator_a, history):
    url = reverse("sme_detail", kwargs={"municipality": city_a.slug, "pk": history["sme"].pk})
    response = client_of(coordinator_a).get(url, {"kind": "deals"})
    timeline = response.context["history"]
    assert [(i.kind, i.title) for i in timeline.items] == [("deals", str(history["deal"]))]
    assert timeline.selected == {"deals"}
    body = response.content.decode()
    deal_url = reverse("negotiation_detail", kwargs={"municipality": city_a.slug, "pk": history["deal"].pk})
    assert f'href="{deal_url}"' in body
    both = client_of(coordinator_a).get(url + "?kind=meetings&kind=visits").context["history"]
    assert {i.kind for i in both.items} == {"meetings", "visits"}
    # An unknown kind filters nothing in: the page still says which kinds exist.
    unknown = client_of(coordinator_a).get(url, {"kind": "bogus"}).context["history"]
    assert unknown.items == []
    assert unknown.selected == set()


@pytest.mark.django_db
def test_sme_member_sees_no_internal_kinds(client_of, city_a, history):
    with scopes_disabled():
        member = member_of(history["sme"])
    url = reverse("sme_detail", kwargs={"municipality": city_a.slug, "pk": history["sme"].pk})
    timeline = client_of(member).get(url).context["history"]
    kinds = {item.kind for item in timeline.items}
    assert "visits" not in kinds
    assert "screening" not in kinds
    assert "shortlist" not in kinds
    assert {"interests", "meetings", "deals", "plans", "subsidies"} <= kinds


@pytest.mark.django_db
def test_seed_and_company_pages_show_their_timeline(client_of, city_a, coordinator_a, history):
    client = client_of(coordinator_a)
    seed_page = client.get(
        reverse("patent_detail", kwargs={"municipality": city_a.slug, "pk": history["seed"].pk})
    )
    assert {i.kind for i in seed_page.context["history"].items} == {
        "screening",
        "shortlist",
        "interests",
        "meetings",
        "deals",
    }
    company_page = client.get(
        reverse("company_detail", kwargs={"municipality": city_a.slug, "pk": history["company"].pk})
    )
    assert {i.kind for i in company_page.context["history"].items} == {
        "screening",
        "interests",
        "meetings",
        "deals",
    }
    assert "多摩川精密 × 川崎電機: 振動センサー" in company_page.content.decode()


@pytest.mark.django_db
def test_company_staff_timeline_holds_only_their_own(city_a, history):
    with scopes_disabled():
        rival = make_company(city_a, "他社電機")
        user = staff_of(rival)
        timeline = timeline_for(subject="company", user=user, municipality=city_a, obj=history["company"])
    assert timeline.items == []
    assert timezone.now()  # the fixture's meeting is in the future: nothing above depends on today


@pytest.mark.django_db
def test_shortlisted_seeds_link_to_the_shortlist_on_the_sme_and_seed_pages(
    client_of, city_a, coordinator_a, history
):
    client = client_of(coordinator_a)
    shortlist_url = reverse(
        "shortlist_detail", kwargs={"municipality": city_a.slug, "sme": history["sme"].pk}
    )
    sme_page = client.get(
        reverse("sme_detail", kwargs={"municipality": city_a.slug, "pk": history["sme"].pk}),
        {"kind": "shortlist"},
    )
    [item] = sme_page.context["history"].items
    assert (item.kind, item.title, item.url) == ("shortlist", "候補リストに追加: 振動センサー", shortlist_url)
    assert f'href="{shortlist_url}"' in sme_page.content.decode()
    seed_page = client.get(
        reverse("patent_detail", kwargs={"municipality": city_a.slug, "pk": history["seed"].pk}),
        {"kind": "shortlist"},
    )
    [item] = seed_page.context["history"].items
    assert (item.title, item.url) == ("多摩川精密 の候補リストに追加", shortlist_url)
    # Taken off the shortlist, it leaves the timeline.
    from matching.services.shortlists import shortlist_remove

    with scopes_disabled():
        shortlist_remove(entry=history["shortlist_entry"], actor=coordinator_a)
        timeline = timeline_for(subject="sme", user=coordinator_a, municipality=city_a, obj=history["sme"])
    assert "shortlist" not in {item.kind for item in timeline.items}


@pytest.mark.django_db
def test_company_seed_history_counts_what_it_lists(client_of, city_a, history):
    """The seed's own company sees the interest its panel shows, and no filter for the coordinators'
    kinds (screening runs, shortlists) that would always say 0."""
    with scopes_disabled():
        staff = staff_of(history["company"])
        history["sme"].consent_to_share = False
        history["sme"].save(update_fields=["consent_to_share"])
    response = client_of(staff).get(
        reverse("patent_detail", kwargs={"municipality": city_a.slug, "pk": history["seed"].pk})
    )
    timeline = response.context["history"]
    listed = {}
    for item in timeline.items:
        listed[item.kind] = listed.get(item.kind, 0) + 1
    assert {kind: n for kind, _label, n in timeline.kinds} == {"interests": 1, "meetings": 1, "deals": 1}
    assert listed == {"interests": 1, "meetings": 1, "deals": 1}
    interest = next(item for item in timeline.items if item.kind == "interests")
    assert "多摩川精密" not in interest.title  # the SME does not share its profile
    assert interest.url == reverse("interest_company", kwargs={"municipality": city_a.slug})
    body = response.content.decode()
    assert 'data-kind="screening"' not in body
    assert 'data-kind="shortlist"' not in body
