"""The SME's dashboard: its interests, meetings and requests, deals with their next step, plans with the
coordinators' comments, and the subsidy windows it can apply to with amounts, rates and days left."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django_scopes import scope

from matching.models import MeetingKind, Reply
from negotiations.models import State
from patents.models import PublicationState
from smes import services
from smes.models import PlanSection
from subsidies import wording
from tests.conftest import make_member
from tests.factories.matching import MeetingFactory, OneOnOneRequestFactory, ParticipantFactory
from tests.factories.negotiations import NegotiationFactory
from tests.factories.patents import LargeCompanyFactory, PatentFactory
from tests.factories.smes import BusinessPlanFactory
from tests.factories.subsidies import ProgrammeFactory, ProgrammeWindowFactory
from tests.smes.conftest import link_sme_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(city_a, sme_a, other_sme_a, sme_member_a, coordinator_a):
    today = timezone.localdate()
    with scope(municipality=city_a):
        company = LargeCompanyFactory(municipality=city_a, name_ja="川崎重電株式会社", with_aliases=False)
        seed = PatentFactory(
            company=company, title="静音ファンの羽根形状", publication_state=PublicationState.PUBLISHED
        )
        other_seed = PatentFactory(
            company=company, title="食品の鮮度保持フィルム", publication_state=PublicationState.PUBLISHED
        )
        services.seed_interest_send(sme=sme_a, patent=seed, actor=sme_member_a, message="騒音対策に")
        answered = services.seed_interest_send(
            sme=sme_a, patent=other_seed, actor=sme_member_a, message="包装に"
        )
        services.seed_interest_acknowledge(interest=answered, actor=coordinator_a, reply="来週ご連絡します")
        other_member = link_sme_member(city_a, other_sme_a)
        services.seed_interest_send(sme=other_sme_a, patent=seed, actor=other_member, message="他社の関心")

        meeting = MeetingFactory(municipality=city_a, company=company, title="川崎重電との個別面談")
        ParticipantFactory(meeting=meeting, sme=sme_a, reply=Reply.ATTENDING)
        hidden = MeetingFactory(municipality=city_a, company=company, title="他社だけの面談")
        ParticipantFactory(meeting=hidden, sme=other_sme_a)
        symposium = MeetingFactory(
            municipality=city_a, kind=MeetingKind.SYMPOSIUM, company=None, title="技術交流会"
        )
        symposium.presenting_companies.add(company)
        OneOnOneRequestFactory(symposium=symposium, sme=sme_a)

        NegotiationFactory(municipality=city_a, sme=sme_a, company=company, state=State.TERMS)
        NegotiationFactory(municipality=city_a, sme=other_sme_a, company=company, state=State.EVALUATION)

        plan = BusinessPlanFactory(sme=sme_a, title="静音ファン事業計画")
        services.business_plan_set_status(plan=plan, new_status="submitted", actor=sme_member_a)
        version = plan.versions.get()
        services.plan_comment_add(
            version=version, actor=coordinator_a, section=PlanSection.choices[0][0], body="市場規模の根拠を"
        )
        services.plan_comment_add(
            version=version,
            actor=coordinator_a,
            section=PlanSection.choices[0][0],
            body="内部メモ",
            internal=True,
        )

        programme = ProgrammeFactory(
            municipality=city_a,
            name="川崎市新製品開発補助金",
            max_amount_jpy=5_000_000,
            rate_numerator=2,
            rate_denominator=3,
        )
        ProgrammeWindowFactory(
            programme=programme,
            opens_on=today - dt.timedelta(days=10),
            closes_on=today + dt.timedelta(days=12),
        )
    return {"today": today}


def test_sme_dashboard_shows_its_own_programme_work(client_of, city_a, sme_member_a, world):
    body = (
        client_of(sme_member_a)
        .get(reverse("dashboard", kwargs={"municipality": city_a.slug}))
        .content.decode()
    )
    # Interests and their status.
    assert "静音ファンの羽根形状" in body
    assert "コーディネーターの回答待ち" in body
    assert "食品の鮮度保持フィルム" in body
    # Meetings and the one-on-one request, with its state.
    assert "川崎重電との個別面談" in body
    assert "出席" in body
    assert "他社だけの面談" not in body
    assert "個別面談の申込み · コーディネーターの日程調整待ち" in body
    # The deal's next step.
    assert "次: 契約条件で合意する" in body
    assert reverse("licence_glossary", kwargs={"municipality": city_a.slug}) in body
    # The plan with the coordinators' comment, not the internal one.
    assert "静音ファン事業計画" in body
    assert "市場規模の根拠を" in body
    assert "内部メモ" not in body
    # The subsidy window with amount, rate and days left.
    assert "川崎市新製品開発補助金" in body
    assert "上限 500万円" in body
    assert "補助率 3分の2" in body
    assert "あと12日" in body
    # No API tokens on an SME's dashboard.
    assert "APIトークン" not in body.split('data-testid="account-menu"')[0]
    assert "他社の関心" not in body


def test_sme_dashboard_in_english(client_of, city_a, sme_member_a, world):
    sme_member_a.preferred_language = "en"
    sme_member_a.save(update_fields=["preferred_language"])
    client = client_of(sme_member_a)
    client.cookies["django_language"] = "en"
    body = client.get(
        reverse("dashboard", kwargs={"municipality": city_a.slug}), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "up to ¥5,000,000" in body
    assert "rate 2/3" in body
    assert "12 days left" in body


def test_sme_dashboard_without_a_linked_company_says_so(client_of, city_a):
    unlinked = make_member(city_a, "sme_member")
    response = client_of(unlinked).get(reverse("dashboard", kwargs={"municipality": city_a.slug}))
    assert response.status_code == 200
    assert "まだ関心表明を送っていません" in response.content.decode()


@pytest.mark.parametrize(
    ("amount", "ja", "en"),
    [
        (5_000_000, "500万円", "¥5,000,000"),
        (150_000_000, "1億5,000万円", "¥150,000,000"),
        (100_000_000, "1億円", "¥100,000,000"),
        (1_234_567, "1,234,567円", "¥1,234,567"),
    ],
)
def test_yen_words_in_each_language(amount, ja, en):
    with translation.override("ja"):
        assert wording.yen_words(amount) == ja
    with translation.override("en"):
        assert wording.yen_words(amount) == en


def test_days_and_rates_in_words():
    today = dt.date(2026, 12, 5)
    with translation.override("ja"):
        assert wording.days_left_words(dt.date(2026, 12, 17), today) == "あと12日"
        assert wording.days_left_words(today, today) == "本日締切"
        assert wording.days_left_words(dt.date(2026, 12, 3), today) == "2日前に締切"
        assert wording.rate_words(2, 3) == "3分の2"
    with translation.override("en"):
        assert wording.days_left_words(dt.date(2026, 12, 6), today) == "1 day left"
        assert wording.rate_words(1, 2) == "1/2"
        assert wording.rate_words(1, 1) == "in full"
