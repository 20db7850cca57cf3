"""What each role sees through the smes selectors: a coordinator, an SME member, a company member, a
reporting client and a member of another municipality (exact rows, not counts)."""

import datetime as dt

import pytest
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from kawasaki.models import Role
from smes.models import InterestStatus, PartnerKind, PlanComment, PlanVersion, SeedInterest
from smes.selectors import (
    comments_by_section,
    comments_visible_to,
    followups_due,
    interest_inbox,
    interests_of_sme,
    next_actions_open,
    partners_of,
    plans_visible_to,
    referrals_of,
    seeds_for_browsing,
    sme_list,
    sme_timeline,
    smes_visible_to,
    version_diff,
)
from tests.conftest import make_member
from tests.factories.patents import LargeCompanyFactory, PatentFactory, company_staff
from tests.factories.smes import (
    BusinessPlanFactory,
    NextActionFactory,
    PartnerFactory,
    ReferralFactory,
    SMEFactory,
    VisitFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ("coordinator", "sme_member", "company_member", "reporting", "other_municipality")


@pytest.fixture
def people(city_a, city_b, coordinator_a, coordinator_b, sme_member_a):
    with scopes_disabled():
        company = LargeCompanyFactory(municipality=city_a, name_ja="川崎電機株式会社")
        staff = company_staff(company, email="ip-a@example.com")
    return {
        "coordinator": coordinator_a,
        "sme_member": sme_member_a,
        "company_member": staff,
        "reporting": make_member(city_a, Role.REPORTING, email="report-a@example.jp"),
        # A coordinator, but of city B: in city A they are nobody.
        "other_municipality": coordinator_b,
        "company": company,
    }


@pytest.fixture
def plans(city_b, sme_a, other_sme_a):
    with scopes_disabled():
        return {
            "own": BusinessPlanFactory(sme=sme_a, title="振動センサー計画"),
            "other": BusinessPlanFactory(sme=other_sme_a, title="省電力無線計画"),
            "b": BusinessPlanFactory(sme=SMEFactory(municipality=city_b), title="B市の計画"),
        }


def seen_by(people, fn, key):
    return {role: sorted(key(x) for x in fn(people[role])) for role in ROLES}


def test_smes_visible_to_each_role(city_a, city_b, people, sme_a, other_sme_a):
    with scopes_disabled():
        SMEFactory(municipality=city_b, name_ja="B市の会社")
    with scope(municipality=city_a):
        seen = seen_by(people, lambda u: smes_visible_to(user=u, municipality=city_a), lambda s: s.name_ja)
    assert seen == {
        "coordinator": ["多摩電子株式会社", "川崎精工株式会社"],
        "sme_member": ["川崎精工株式会社"],
        "company_member": [],
        "reporting": [],
        "other_municipality": [],
    }


def test_sme_member_without_a_linked_sme_sees_no_sme(city_a, sme_a):
    unlinked = make_member(city_a, Role.SME_MEMBER)
    with scope(municipality=city_a):
        assert list(smes_visible_to(user=unlinked, municipality=city_a)) == []
        assert list(plans_visible_to(user=unlinked, municipality=city_a)) == []


def test_sme_list_counts_visits_in_name_order(city_a, coordinator_a, sme_a, other_sme_a):
    with scopes_disabled():
        SMEFactory(municipality=city_a, name_ja="港北食品株式会社", industry="I", needs="冷凍技術")
        VisitFactory(sme=sme_a, coordinator=coordinator_a)
        VisitFactory(sme=sme_a, coordinator=coordinator_a, visited_on=dt.date(2026, 10, 8))
    with scope(municipality=city_a):
        rows = [(s.name_ja, s.visit_count) for s in sme_list(user=coordinator_a, municipality=city_a)]
    assert rows == [("多摩電子株式会社", 0), ("川崎精工株式会社", 2), ("港北食品株式会社", 0)]


def test_plans_visible_to_each_role(city_a, people, plans):
    with scope(municipality=city_a):
        seen = seen_by(people, lambda u: plans_visible_to(user=u, municipality=city_a), lambda p: p.title)
    assert seen == {
        "coordinator": ["振動センサー計画", "省電力無線計画"],
        "sme_member": ["振動センサー計画"],
        "company_member": [],
        "reporting": [],
        "other_municipality": [],
    }


def test_internal_comments_only_for_coordinators(city_a, coordinator_a, sme_member_a, plans):
    plan = plans["own"]
    with scopes_disabled():
        version = PlanVersion.objects.create(
            municipality=city_a, plan=plan, number=1, title=plan.title, sections={"budget": "100万円"}
        )
        for section, body, internal in [
            ("budget", "資金計画を具体的に", False),
            ("risks", "社長は資金面に不安あり", True),
        ]:
            PlanComment.objects.create(
                municipality=city_a,
                version=version,
                section=section,
                body=body,
                internal=internal,
                author=coordinator_a,
            )
    with scope(municipality=city_a):
        assert sorted(c.body for c in comments_visible_to(user=coordinator_a, version=version)) == [
            "社長は資金面に不安あり",
            "資金計画を具体的に",
        ]
        assert [c.body for c in comments_visible_to(user=sme_member_a, version=version)] == [
            "資金計画を具体的に"
        ]
        grouped = comments_by_section(user=sme_member_a, version=version)
    assert list(grouped) == [
        "product_concept",
        "customers_market",
        "advantage",
        "development",
        "budget",
        "technology",
        "risks",
    ]
    assert {key: [c.body for c in comments] for key, comments in grouped.items() if comments} == {
        "budget": ["資金計画を具体的に"]
    }


def test_version_diff_per_section(city_a, plans):
    plan = plans["own"]
    with scopes_disabled():
        old = PlanVersion(municipality=city_a, plan=plan, number=1, sections={"product_concept": "A\nB"})
        new = PlanVersion(
            municipality=city_a, plan=plan, number=2, sections={"product_concept": "A\nC", "budget": "100"}
        )
    diff = {d.key: (d.changed, d.lines) for d in version_diff(old=old, new=new)}
    assert diff["product_concept"] == (True, [(" ", "A"), ("-", "B"), ("+", "C")])
    assert diff["budget"] == (True, [("+", "100")])
    assert diff["risks"] == (False, [])
    assert len(diff) == 7


def test_seeds_for_browsing_each_role(city_a, city_b, people):
    now = timezone.now()
    with scopes_disabled():
        own_company = people["company"]
        other_company = LargeCompanyFactory(municipality=city_a, name_ja="多摩化学株式会社")
        PatentFactory(company=own_company, number="A1")  # a draft
        PatentFactory(
            company=own_company,
            number="A2",
            title="振動発電素子",
            publication_state="published",
            published_at=now - dt.timedelta(days=2),
        )
        PatentFactory(
            company=other_company,
            number="O1",
            title="透明フィルムヒーター",
            publication_state="published",
            published_at=now - dt.timedelta(days=1),
        )
        PatentFactory(
            company=LargeCompanyFactory(municipality=city_b), number="B1", publication_state="published"
        )
    with scope(municipality=city_a):
        seen = {
            role: [p.number for p in seeds_for_browsing(user=people[role], municipality=city_a)]
            for role in ROLES
        }
        searched = [
            p.number
            for p in seeds_for_browsing(user=people["sme_member"], municipality=city_a, query="多摩化学")
        ]
    assert seen == {
        # Newest published first; drafts and other municipalities' seeds never.
        "coordinator": ["O1", "A2"],
        "sme_member": ["O1", "A2"],
        # Company staff see their own company's published seeds only.
        "company_member": ["A2"],
        "reporting": [],
        "other_municipality": [],
    }
    assert searched == ["O1"]


def test_interests_own_sme_and_inbox(city_a, city_b, people, sme_a, other_sme_a):
    with scopes_disabled():
        seed = PatentFactory(company=people["company"], number="A2", publication_state="published")
        mine = SeedInterest.objects.create(municipality=city_a, sme=sme_a, patent=seed, message="関心あり")
        theirs = SeedInterest.objects.create(
            municipality=city_a,
            sme=other_sme_a,
            patent=seed,
            message="相談したい",
            status=InterestStatus.ACKNOWLEDGED,
        )
        b_seed = PatentFactory(
            company=LargeCompanyFactory(municipality=city_b), number="B1", publication_state="published"
        )
        SeedInterest.objects.create(
            municipality=city_b, sme=SMEFactory(municipality=city_b), patent=b_seed, message="B"
        )
    with scope(municipality=city_a):
        seen = {
            role: [i.pk for i in interests_of_sme(user=people[role], municipality=city_a)] for role in ROLES
        }
        inbox = sorted(i.pk for i in interest_inbox(municipality=city_a))
        acknowledged = [i.pk for i in interest_inbox(municipality=city_a, status=InterestStatus.ACKNOWLEDGED)]
    # Only an SME member has "our interests"; coordinators read the inbox instead.
    assert seen == {
        "coordinator": [],
        "sme_member": [mine.pk],
        "company_member": [],
        "reporting": [],
        "other_municipality": [],
    }
    assert inbox == sorted([mine.pk, theirs.pk])
    assert acknowledged == [theirs.pk]


def test_followups_due_are_the_coordinators_own_open_actions(city_a, coordinator_a, sme_a):
    colleague = make_member(city_a, Role.COORDINATOR)
    with scopes_disabled():
        visit = VisitFactory(sme=sme_a, coordinator=coordinator_a)
        later = NextActionFactory(visit=visit, description="特許を紹介", due_on=dt.date(2026, 11, 30))
        sooner = NextActionFactory(visit=visit, description="公設試を紹介", due_on=dt.date(2026, 11, 2))
        done = NextActionFactory(
            visit=visit, description="資料送付", due_on=dt.date(2026, 10, 20), done_at=timezone.now()
        )
        NextActionFactory(visit=visit, description="同僚の仕事", assignee=colleague)
    with scope(municipality=city_a):
        assert list(followups_due(user=coordinator_a, municipality=city_a)) == [sooner, later]
        assert list(followups_due(user=coordinator_a, municipality=city_a, include_done=True)) == [
            done,
            sooner,
            later,
        ]
        assert sorted(a.description for a in next_actions_open(municipality=city_a)) == [
            "公設試を紹介",
            "同僚の仕事",
            "特許を紹介",
        ]


def test_timeline_newest_first(city_a, coordinator_a, sme_a, plans):
    with scopes_disabled():
        VisitFactory(sme=sme_a, coordinator=coordinator_a, visited_on=dt.date(2026, 9, 1))
        ReferralFactory(sme=sme_a, referred_on=dt.date(2026, 9, 15))
        VisitFactory(sme=sme_a, coordinator=coordinator_a, visited_on=dt.date(2026, 10, 1))
        PlanVersion.objects.create(municipality=city_a, plan=plans["own"], number=1, title="v1")
    with scope(municipality=city_a):
        entries = [(e.date, e.kind) for e in sme_timeline(sme=sme_a)]
    assert entries == [
        (timezone.localdate(), "plan_version"),
        (dt.date(2026, 10, 1), "visit"),
        (dt.date(2026, 9, 15), "referral"),
        (dt.date(2026, 9, 1), "visit"),
    ]


def test_partners_and_referrals_of_a_municipality(city_a, city_b, sme_a):
    with scopes_disabled():
        lab = PartnerFactory(municipality=city_a, name_ja="かわさき試験所", fields="振動試験")
        PartnerFactory(municipality=city_a, name_ja="多摩工科大学", kind=PartnerKind.UNIVERSITY)
        PartnerFactory(municipality=city_b, name_ja="B市の試験所")
        ReferralFactory(sme=sme_a, partner=lab)
        ReferralFactory(sme=sme_a, partner=lab)
        ReferralFactory(sme=SMEFactory(municipality=city_b))
    with scope(municipality=city_a):
        assert [(p.name_ja, p.referral_count) for p in partners_of(municipality=city_a)] == [
            ("かわさき試験所", 2),
            ("多摩工科大学", 0),
        ]
        assert [(r.sme.name_ja, r.partner.name_ja) for r in referrals_of(municipality=city_a)] == [
            ("川崎精工株式会社", "かわさき試験所"),
            ("川崎精工株式会社", "かわさき試験所"),
        ]


def test_seeds_written_for_smes_open_the_catalogue(city_a, people):
    """A seed with a plain summary comes before a newer bare record (e.g. an English abstract)."""
    now = timezone.now()
    with scopes_disabled():
        company = people["company"]
        PatentFactory(
            company=company,
            number="EN1",
            title="Gated Chopper Integrator",
            plain_summary="",
            publication_state="published",
            published_at=now,
        )
        PatentFactory(
            company=company,
            number="JA1",
            title="食品の鮮度を色で知らせるラベル",
            plain_summary="肉や魚の傷み具合を色で見分けられます。",
            publication_state="published",
            published_at=now - dt.timedelta(days=30),
        )
    with scope(municipality=city_a):
        numbers = [p.number for p in seeds_for_browsing(user=people["sme_member"], municipality=city_a)]
    assert numbers == ["JA1", "EN1"]
