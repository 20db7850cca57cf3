"""The eligibility engine: SME Basic Act thresholds at their boundaries, each failing rule explained,
and the now / soon / not eligible answer."""

import datetime as dt

import pytest
from django.utils import translation
from django_scopes import scope, scopes_disabled

from kawasaki.models import Role
from smes.models import SME, PlanStatus
from subsidies import selectors
from subsidies.eligibility import (
    MANUFACTURING,
    NOT_ELIGIBLE,
    QUALIFIES_NOW,
    QUALIFIES_SOON,
    RETAIL,
    SERVICES,
    WHOLESALE,
    SMEFacts,
    evaluate,
    is_small_scale,
    is_sme,
    rule_reasons,
    size_groups_for,
)
from subsidies.models import Programme, ProgrammeWindow, SizeRule
from tests.conftest import make_member
from tests.factories.smes import BusinessPlanFactory
from tests.subsidies.conftest import TODAY

LIMITS = [
    (MANUFACTURING, 300_000_000, 300),
    (WHOLESALE, 100_000_000, 100),
    (SERVICES, 50_000_000, 100),
    (RETAIL, 50_000_000, 50),
]


@pytest.mark.parametrize(("group", "capital", "employees"), LIMITS)
def test_sme_basic_act_boundaries(group, capital, employees):
    # Either condition suffices: at the limit on one side is enough, one over on both sides is not.
    assert is_sme(group, capital_jpy=capital, employees=employees) is True
    assert is_sme(group, capital_jpy=capital, employees=employees + 1) is True
    assert is_sme(group, capital_jpy=capital + 1, employees=employees) is True
    assert is_sme(group, capital_jpy=capital - 1, employees=employees + 1000) is True
    assert is_sme(group, capital_jpy=capital + 1_000_000_000, employees=employees - 1) is True
    assert is_sme(group, capital_jpy=capital + 1, employees=employees + 1) is False


def test_sme_basic_act_exact_manufacturing_figures():
    assert is_sme(MANUFACTURING, capital_jpy=300_000_000, employees=301) is True
    assert is_sme(MANUFACTURING, capital_jpy=300_000_001, employees=300) is True
    assert is_sme(MANUFACTURING, capital_jpy=300_000_001, employees=301) is False


def test_sme_basic_act_unknown_figures():
    assert is_sme(RETAIL, capital_jpy=None, employees=None) is None
    assert is_sme(RETAIL, capital_jpy=50_000_001, employees=None) is None
    assert is_sme(RETAIL, capital_jpy=None, employees=50) is True
    assert is_sme(RETAIL, capital_jpy=None, employees=51) is None


@pytest.mark.parametrize(
    ("industry", "detail", "groups"),
    [
        ("E", "29 電気機械器具製造業", {MANUFACTURING}),
        ("D", "", {MANUFACTURING}),
        ("H", "", {MANUFACTURING}),
        ("I", "53 建築材料卸売業", {WHOLESALE}),
        ("I", "55", {WHOLESALE}),
        ("I", "56 各種商品小売業", {RETAIL}),
        ("I", "61", {RETAIL}),
        ("I", "", {WHOLESALE, RETAIL}),
        ("M", "75 宿泊業", {SERVICES}),
        ("M", "76 飲食店", {RETAIL}),
        ("M", "", {SERVICES, RETAIL}),
        ("G", "39 情報サービス業", {SERVICES}),
        ("G", "37 通信業", {MANUFACTURING}),
        ("G", "411 映像情報制作・配給業", {SERVICES}),
        ("G", "414 出版業", {MANUFACTURING}),
        ("K", "70 物品賃貸業", {SERVICES}),
        ("K", "693 駐車場業", {SERVICES}),
        ("K", "68 不動産取引業", {MANUFACTURING}),
        ("N", "791 旅行業", {MANUFACTURING}),
        ("N", "78 洗濯・理容・美容・浴場業", {SERVICES}),
        ("L", "", {SERVICES}),
        ("R", "", {SERVICES}),
    ],
)
def test_size_group_of_industry(industry, detail, groups):
    assert size_groups_for(industry, detail) == groups


NO_FACTS = SMEFacts(has_submitted_plan=False, has_licence=False)


def _sme(city, **kwargs):
    values = {
        "name_ja": "テスト",
        "industry": "E",
        "employees": 10,
        "capital_jpy": 10_000_000,
        "address": "神奈川県A市川崎区1",
        "founded_year": 2000,
    }
    values.update(kwargs)
    return SME(municipality=city, **values)


def _reasons(city, programme_kwargs, facts=NO_FACTS, **sme_kwargs):
    programme = Programme(municipality=city, name="P", agency="X", level="city", **programme_kwargs)
    with translation.override("en"):
        return [
            (r.rule, r.message)
            for r in rule_reasons(sme=_sme(city, **sme_kwargs), programme=programme, facts=facts, today=TODAY)
        ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("industry", "detail", "capital", "employees"),
    [
        ("E", "", 300_000_000, 301),
        ("E", "", 300_000_001, 300),
        ("I", "53", 100_000_000, 101),
        ("I", "53", 100_000_001, 100),
        ("L", "", 50_000_000, 101),
        ("L", "", 50_000_001, 100),
        ("I", "58", 50_000_000, 51),
        ("I", "58", 50_000_001, 50),
    ],
)
def test_size_rule_passes_at_the_limit(city_a, industry, detail, capital, employees):
    rules = {"size_rule": SizeRule.SME_BASIC_ACT}
    assert (
        _reasons(
            city_a, rules, industry=industry, industry_detail=detail, capital_jpy=capital, employees=employees
        )
        == []
    )


@pytest.mark.django_db
def test_size_rule_explains_each_group_over_the_limit(city_a):
    rules = {"size_rule": SizeRule.SME_BASIC_ACT}
    assert _reasons(city_a, rules, industry="E", capital_jpy=300_000_001, employees=301) == [
        (
            "size",
            "Not an SME under the SME Basic Act: in manufacturing and others, capital must be at most "
            "300,000,000 yen or employees at most 300; this company has 300,000,001 yen and 301 employees.",
        )
    ]
    assert _reasons(
        city_a, rules, industry="I", industry_detail="53", capital_jpy=100_000_001, employees=101
    ) == [
        (
            "size",
            "Not an SME under the SME Basic Act: in wholesale, capital must be at most 100,000,000 yen or "
            "employees at most 100; this company has 100,000,001 yen and 101 employees.",
        )
    ]
    assert _reasons(city_a, rules, industry="R", capital_jpy=50_000_001, employees=101)[0][1] == (
        "Not an SME under the SME Basic Act: in services, capital must be at most 50,000,000 yen or "
        "employees at most 100; this company has 50,000,001 yen and 101 employees."
    )
    assert _reasons(city_a, rules, industry="I", industry_detail="58", capital_jpy=50_000_001, employees=51)[
        0
    ][1] == (
        "Not an SME under the SME Basic Act: in retail, capital must be at most 50,000,000 yen or "
        "employees at most 50; this company has 50,000,001 yen and 51 employees."
    )


@pytest.mark.django_db
def test_size_rule_explains_missing_and_ambiguous_data(city_a):
    rules = {"size_rule": SizeRule.SME_BASIC_ACT}
    assert _reasons(city_a, rules, capital_jpy=None, employees=None) == [
        ("size", "Capital or employees are not recorded, so the SME size cannot be checked.")
    ]
    assert _reasons(city_a, rules, industry="") == [
        ("size", "The industry is not recorded, so the SME size cannot be checked.")
    ]
    # 80 million yen and 80 people: an SME as a wholesaler, not as a retailer.
    assert _reasons(
        city_a, rules, industry="I", industry_detail="", capital_jpy=80_000_000, employees=80
    ) == [
        (
            "size",
            "The industry division covers groups with different SME limits (retail, wholesale); write the "
            "JSIC group number at the start of the industry detail to decide.",
        )
    ]
    # Under both groups' limits the division alone is enough.
    assert (
        _reasons(city_a, rules, industry="I", industry_detail="", capital_jpy=10_000_000, employees=10) == []
    )


SMALL_SCALE_LIMITS = [(MANUFACTURING, 20), (WHOLESALE, 5), (SERVICES, 5), (RETAIL, 5)]


@pytest.mark.parametrize(("group", "limit"), SMALL_SCALE_LIMITS)
def test_small_scale_boundaries(group, limit):
    assert is_small_scale(group, employees=0) is True
    assert is_small_scale(group, employees=limit - 1) is True
    assert is_small_scale(group, employees=limit) is True
    assert is_small_scale(group, employees=limit + 1) is False
    assert is_small_scale(group, employees=None) is None


SMALL = {"size_rule": SizeRule.SMALL_SCALE}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("industry", "detail", "limit"),
    [
        ("E", "29 電気機械器具製造業", 20),  # manufacturing
        ("D", "", 20),  # construction: "others"
        ("N", "791 旅行業", 20),  # travel agencies: "others" in the Act
        ("G", "37 通信業", 20),
        ("I", "53 建築材料卸売業", 5),  # wholesale
        ("I", "58 飲食料品小売業", 5),  # retail
        ("M", "76 飲食店", 5),  # restaurants count as retail
        ("M", "75 宿泊業", 5),  # services (the Act's 5, see the module docstring)
        ("G", "39 情報サービス業", 5),
        ("L", "", 5),
        ("I", "", 5),  # wholesale or retail: both 5, so the division alone decides
    ],
)
def test_small_scale_rule_at_and_around_the_limit(city_a, industry, detail, limit):
    for employees in (limit - 1, limit):
        assert _reasons(city_a, SMALL, industry=industry, industry_detail=detail, employees=employees) == []
    over = _reasons(city_a, SMALL, industry=industry, industry_detail=detail, employees=limit + 1)
    assert [rule for rule, _message in over] == ["size"]
    assert f"at most {limit}; this company has {limit + 1}." in over[0][1]


@pytest.mark.django_db
def test_small_scale_rule_ignores_capital(city_a):
    # One yen of capital does not make 21 people small-scale, and 1 billion yen does not stop 20 being it.
    assert _reasons(city_a, SMALL, industry="E", capital_jpy=1, employees=21) != []
    assert _reasons(city_a, SMALL, industry="E", capital_jpy=1_000_000_000, employees=20) == []
    assert _reasons(city_a, SMALL, industry="E", capital_jpy=None, employees=20) == []


@pytest.mark.django_db
def test_small_scale_rule_explains_each_group_over_the_limit(city_a):
    assert _reasons(city_a, SMALL, industry="E", employees=21) == [
        (
            "size",
            "Not a small-scale business under the SME Basic Act: in manufacturing and others, regular "
            "employees must be at most 20; this company has 21.",
        )
    ]
    assert _reasons(city_a, SMALL, industry="I", industry_detail="53", employees=6) == [
        (
            "size",
            "Not a small-scale business under the SME Basic Act: in wholesale, regular employees must be "
            "at most 5; this company has 6.",
        )
    ]
    assert _reasons(city_a, SMALL, industry="I", industry_detail="58", employees=6)[0][1] == (
        "Not a small-scale business under the SME Basic Act: in retail, regular employees must be at "
        "most 5; this company has 6."
    )
    assert _reasons(city_a, SMALL, industry="R", employees=6)[0][1] == (
        "Not a small-scale business under the SME Basic Act: in services, regular employees must be at "
        "most 5; this company has 6."
    )
    # Division I without detail: wholesale or retail, both limited to 5.
    assert _reasons(city_a, SMALL, industry="I", employees=6)[0][1] == (
        "Not a small-scale business under the SME Basic Act: in retail, wholesale, regular employees "
        "must be at most 5; this company has 6."
    )
    # Over even the larger of two candidate limits: the explanation names that one.
    assert _reasons(city_a, SMALL, industry="N", employees=21)[0][1] == (
        "Not a small-scale business under the SME Basic Act: in manufacturing and others, regular "
        "employees must be at most 20; this company has 21."
    )


@pytest.mark.django_db
def test_small_scale_rule_explains_missing_and_ambiguous_data(city_a):
    assert _reasons(city_a, SMALL, employees=None) == [
        (
            "size",
            "The number of employees is not recorded, so the small-scale business size cannot be checked.",
        )
    ]
    assert _reasons(city_a, SMALL, industry="") == [
        ("size", "The industry is not recorded, so the small-scale business size cannot be checked.")
    ]
    # Division N without detail: travel agencies (20) or other services (5); 10 people decide nothing.
    assert _reasons(city_a, SMALL, industry="N", employees=10) == [
        (
            "size",
            "The industry division covers groups with different small-scale limits (manufacturing and "
            "others, services); write the JSIC group number at the start of the industry detail to decide.",
        )
    ]
    assert _reasons(city_a, SMALL, industry="N", employees=5) == []
    assert _reasons(city_a, SMALL, industry="N", industry_detail="791", employees=10) == []


@pytest.mark.django_db
def test_small_scale_explanation_is_translated(city_a):
    programme = Programme(municipality=city_a, name="P", agency="X", level="city", **SMALL)
    sme = _sme(city_a, industry="I", industry_detail="58", employees=6)
    with translation.override("ja"):
        reasons = rule_reasons(sme=sme, programme=programme, facts=NO_FACTS, today=TODAY)
        label = programme.get_size_rule_display()
    assert [r.message for r in reasons] == [
        "中小企業基本法上の小規模企業者ではありません。小売業では常時使用する従業員が5人以下である必要がありますが、"
        "この企業は6人です。"
    ]
    assert label == "中小企業基本法上の小規模企業者"


@pytest.mark.django_db
def test_each_other_rule_is_explained(city_a):
    assert _reasons(city_a, {"industries": ["E", "G"]}, industry="D") == [
        ("industry", "Industry D is not covered; the programme is open to JSIC divisions E, G.")
    ]
    assert _reasons(city_a, {"industries": ["E"]}, industry="") == [
        ("industry", "The industry is not recorded; the programme is open to JSIC divisions E.")
    ]
    assert _reasons(city_a, {"prefectures": ["東京都"]}) == [
        ("region", "The company is in 神奈川県; the programme is limited to 東京都.")
    ]
    assert _reasons(city_a, {"local_only": True}, address="神奈川県横浜市西区1") == [
        ("region", "The address is not in A市; the programme is limited to companies located there.")
    ]
    assert _reasons(city_a, {"local_only": True}, address="") == [
        ("region", "The address is not recorded, so the location cannot be checked.")
    ]
    assert _reasons(city_a, {"min_years_in_business": 3}, founded_year=2024) == [
        ("years", "In business for 2 years (founded 2024); the programme requires at least 3.")
    ]
    assert _reasons(city_a, {"min_years_in_business": 3}, founded_year=2023) == []
    assert _reasons(city_a, {"min_years_in_business": 3}, founded_year=None) == [
        ("years", "The founding year is not recorded; the programme requires 3 years in business.")
    ]
    assert _reasons(city_a, {"licence_required": True}) == [
        ("licence", "The programme requires a signed licence; none is recorded.")
    ]
    assert _reasons(city_a, {"licence_required": True}, facts=SMEFacts(False, True)) == []
    assert _reasons(city_a, {"business_plan_required": True}) == [
        ("business_plan", "The programme requires a submitted business plan; none is recorded.")
    ]
    assert _reasons(city_a, {"business_plan_required": True}, facts=SMEFacts(True, False)) == []


@pytest.mark.django_db
def test_address_without_prefecture_uses_the_municipality(city_a):
    assert _reasons(city_a, {"prefectures": ["神奈川県"]}, address="A市中原区1-1") == []


@pytest.mark.django_db
def test_explanations_are_translated(city_a):
    programme = Programme(municipality=city_a, name="P", agency="X", level="city", licence_required=True)
    with translation.override("ja"):
        reasons = rule_reasons(sme=_sme(city_a), programme=programme, facts=NO_FACTS, today=TODAY)
    assert [r.message for r in reasons] == [
        "この制度には締結済みのライセンス契約が必要ですが、記録がありません。"
    ]


def _windows(*spans):
    return [ProgrammeWindow(label=f"w{i}", opens_on=a, closes_on=b) for i, (a, b) in enumerate(spans)]


@pytest.mark.django_db
def test_now_soon_and_no_window(city_a):
    sme = _sme(city_a)
    programme = Programme(municipality=city_a, name="P", agency="X", level="city")
    d = dt.timedelta
    now = evaluate(
        sme=sme,
        programme=programme,
        windows=_windows((TODAY, TODAY)),
        facts=NO_FACTS,
        today=TODAY,
        soon_days=30,
    )
    assert (now.status, now.window.label, now.reasons) == (QUALIFIES_NOW, "w0", [])
    soon = evaluate(
        sme=sme,
        programme=programme,
        windows=_windows((TODAY - d(40), TODAY - d(1)), (TODAY + d(30), TODAY + d(60))),
        facts=NO_FACTS,
        today=TODAY,
        soon_days=30,
    )
    assert (soon.status, soon.window.label) == (QUALIFIES_SOON, "w1")
    with translation.override("en"):
        later = evaluate(
            sme=sme,
            programme=programme,
            windows=_windows((TODAY + d(31), TODAY + d(60))),
            facts=NO_FACTS,
            today=TODAY,
            soon_days=30,
        )
    assert later.status == NOT_ELIGIBLE
    assert [(r.rule, r.message) for r in later.reasons] == [
        ("window", "No application window is open now or opens within 30 days.")
    ]


@pytest.mark.django_db
def test_failing_rule_wins_over_an_open_window(city_a):
    programme = Programme(municipality=city_a, name="P", agency="X", level="city", industries=["G"])
    result = evaluate(
        sme=_sme(city_a),
        programme=programme,
        windows=_windows((TODAY, TODAY)),
        facts=NO_FACTS,
        today=TODAY,
        soon_days=30,
    )
    assert result.status == NOT_ELIGIBLE
    assert [r.rule for r in result.reasons] == ["industry"]


@pytest.mark.django_db
def test_eligibility_of_reads_plans_and_orders_results(city_a, sme_a):
    from tests.factories.subsidies import ProgrammeFactory, ProgrammeWindowFactory

    with scopes_disabled():
        needs_plan = ProgrammeFactory(municipality=city_a, name="B 計画必須", business_plan_required=True)
        ProgrammeWindowFactory(programme=needs_plan, opens_on=TODAY, closes_on=TODAY)
        open_to_all = ProgrammeFactory(municipality=city_a, name="A 誰でも")
        ProgrammeWindowFactory(
            programme=open_to_all,
            opens_on=TODAY + dt.timedelta(days=5),
            closes_on=TODAY + dt.timedelta(days=9),
        )
        ProgrammeFactory(municipality=city_a, name="C 休止中", is_active=False)
    with scope(municipality=city_a):
        results = selectors.eligibility_of(sme=sme_a, today=TODAY, soon_days=30)
        assert [(r.programme.name, r.status) for r in results] == [
            ("A 誰でも", QUALIFIES_SOON),
            ("B 計画必須", NOT_ELIGIBLE),
        ]
        BusinessPlanFactory(sme=sme_a, status=PlanStatus.SUBMITTED)
        results = selectors.eligibility_of(sme=sme_a, today=TODAY, soon_days=30)
        assert [(r.programme.name, r.status) for r in results] == [
            ("B 計画必須", QUALIFIES_NOW),
            ("A 誰でも", QUALIFIES_SOON),
        ]
    assert make_member(city_a, Role.COORDINATOR)  # the selector needs no user: pages check the rule
