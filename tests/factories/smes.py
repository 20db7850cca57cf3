import datetime as dt

import factory

from smes.models import SME, BusinessPlan, NextAction, Partner, PartnerKind, Referral, Visit

from .core import MunicipalityFactory, UserFactory

# Real-format corporate numbers whose check digits are right (7000012050002 is the National Tax
# Agency's own number; the others follow the same rule).
GOOD_CORPORATE_NUMBERS = ["7000012050002", "4011001098993", "2120901007402", "1180301018771"]


class SMEFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SME

    municipality = factory.SubFactory(MunicipalityFactory)
    name_ja = factory.Sequence(lambda n: f"テスト工業{n}株式会社")
    name_kana = factory.Sequence(lambda n: f"テストコウギョウ{n}")
    name_en = factory.Sequence(lambda n: f"Test Industries {n}")
    industry = "E"
    employees = 25
    products = "精密切削部品"
    needs = "自社製品を持ちたい"
    needs_tags = factory.LazyFunction(lambda: ["センサー", "IoT"])


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit

    sme = factory.SubFactory(SMEFactory)
    municipality = factory.SelfAttribute("sme.municipality")
    visited_on = dt.date(2026, 10, 1)
    coordinator = factory.SubFactory(UserFactory)
    coordinator_label = factory.LazyAttribute(lambda o: str(o.coordinator))
    people_met = "代表取締役 山田"
    notes = "社長は新製品に意欲的"
    needs_learnt = "検査工程の自動化"


class NextActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NextAction

    visit = factory.SubFactory(VisitFactory)
    municipality = factory.SelfAttribute("visit.municipality")
    description = "大企業の開放特許を三件紹介する"
    due_on = dt.date(2026, 11, 30)
    assignee = factory.SelfAttribute("visit.coordinator")


class BusinessPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BusinessPlan

    sme = factory.SubFactory(SMEFactory)
    municipality = factory.SelfAttribute("sme.municipality")
    title = factory.Sequence(lambda n: f"新製品事業計画{n}")
    product_concept = "工場向けの小型振動センサー"
    customers_market = "市内の中小製造業"


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    municipality = factory.SubFactory(MunicipalityFactory)
    name_ja = factory.Sequence(lambda n: f"テスト研究所{n}")
    kind = PartnerKind.RESEARCH_INSTITUTE
    fields = "材料評価"


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral

    sme = factory.SubFactory(SMEFactory)
    municipality = factory.SelfAttribute("sme.municipality")
    partner = factory.SubFactory(PartnerFactory, municipality=factory.SelfAttribute("..municipality"))
    referred_on = dt.date(2026, 10, 5)
    purpose = "試作品の強度試験"
