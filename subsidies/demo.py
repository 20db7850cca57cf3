"""Demo subsidies: programmes modelled on real ones (labelled as examples whose facts must be checked),
windows around today so that every state shows, and applications in each status for demo SMEs."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from kawasaki.demo import demo_step
from kawasaki.models import Membership, Role
from smes import services as sme_services
from smes.models import SME, BusinessPlan

from . import services
from .models import Application, Level, Programme, ProgrammeTemplate, SizeRule, TemplateWindow

EXAMPLE_NOTE = (
    "デモ用の例です。実在の制度を模していますが、補助上限額・補助率・対象・締切などの事実は必ず最新の公募要領で"
    "確認してください。/ Demo example modelled on a real programme: check every fact (maximum, rate, "
    "eligibility, deadlines) against the current official call."
)

TEMPLATES = [
    {
        "slug": "monodukuri-hojokin-example",
        "name": "ものづくり・商業・サービス生産性向上促進補助金（例）",
        "agency": "中小企業庁・全国中小企業団体中央会",
        "level": Level.NATIONAL,
        "purpose": "中小企業の革新的な製品・サービス開発や生産プロセス改善のための設備投資等を支援する。",
        "max_amount_jpy": 12_500_000,
        "rate_numerator": 1,
        "rate_denominator": 2,
        "eligible_costs": "機械装置・システム構築費、技術導入費（知的財産権等の導入費用）、専門家経費、外注費など",
        "official_url": "https://portal.monodukuri-hojo.jp/",
        "notes": EXAMPLE_NOTE,
        "size_rule": SizeRule.SME_BASIC_ACT,
        "business_plan_required": True,
    },
    {
        "slug": "kanagawa-new-product-example",
        "name": "神奈川県 中小企業新製品開発支援補助金（例）",
        "agency": "神奈川県 産業労働局",
        "level": Level.PREFECTURE,
        "purpose": "県内中小企業による新製品・新技術の開発、試作を支援する。",
        "max_amount_jpy": 3_000_000,
        "rate_numerator": 1,
        "rate_denominator": 2,
        "eligible_costs": "原材料費、試作加工費、機器借用料、外部委託費",
        "official_url": "https://www.pref.kanagawa.jp/",
        "notes": EXAMPLE_NOTE,
        "size_rule": SizeRule.SME_BASIC_ACT,
        "prefectures": ["神奈川県"],
        "industries": ["E", "G"],
        "min_years_in_business": 1,
    },
    {
        "slug": "jizokuka-hojokin-example",
        "name": "小規模事業者持続化補助金（例）",
        "agency": "中小企業庁・日本商工会議所",
        "level": Level.NATIONAL,
        "purpose": "小規模事業者が経営計画に基づいて行う販路開拓や業務効率化の取組を支援する。",
        "max_amount_jpy": 500_000,
        "rate_numerator": 2,
        "rate_denominator": 3,
        "eligible_costs": "機械装置等費、広報費、ウェブサイト関連費、展示会等出展費、開発費など",
        "official_url": "https://www.jizokuka-hojokin.jp/",
        "notes": EXAMPLE_NOTE,
        "size_rule": SizeRule.SMALL_SCALE,
        "business_plan_required": True,
    },
]

CITY_PROGRAMMES = [
    {
        "name": "川崎市 知的財産交流 共同研究開発補助金（例）",
        "agency": "川崎市 経済労働局",
        "level": Level.CITY,
        "purpose": "大企業の開放特許のライセンスを受けた市内中小企業が、大学・公設試等と行う共同研究開発を支援する。",
        "max_amount_jpy": 5_000_000,
        "rate_numerator": 2,
        "rate_denominator": 3,
        "eligible_costs": "共同研究費、試作費、特許実施料（一時金）",
        "official_url": "https://www.city.kawasaki.jp/",
        "notes": EXAMPLE_NOTE,
        "size_rule": SizeRule.SME_BASIC_ACT,
        "local_only": True,
        "licence_required": True,
    },
    {
        "name": "川崎市 新製品・新技術 製品化支援補助金（例）",
        "agency": "川崎市 経済労働局",
        "level": Level.CITY,
        "purpose": "市内中小企業の新製品の製品化・販路開拓を支援する。",
        "max_amount_jpy": 1_000_000,
        "rate_numerator": 1,
        "rate_denominator": 2,
        "eligible_costs": "デザイン費、展示会出展費、認証取得費",
        "official_url": "https://www.city.kawasaki.jp/",
        "notes": EXAMPLE_NOTE,
        "size_rule": SizeRule.SME_BASIC_ACT,
        "local_only": True,
        "business_plan_required": True,
        "min_years_in_business": 2,
    },
]

DEMO_SMES = [
    {
        "name_ja": "デモ精密工業株式会社",
        "name_en": "Demo Precision Industries",
        "address": "神奈川県川崎市高津区坂戸3-2-1",
        "industry": "E",
        "industry_detail": "29 電気機械器具製造業",
        "employees": 45,
        "capital_jpy": 30_000_000,
        "founded_year": 1978,
        "products": "精密切削部品、治具",
        "needs": "自社製品として小型センサー機器を開発したい",
    },
    {
        "name_ja": "デモ商事株式会社",
        "name_en": "Demo Trading",
        "address": "神奈川県川崎市中原区小杉町1-1",
        "industry": "I",
        "industry_detail": "53 建築材料、鉱物・金属材料等卸売業",
        "employees": 150,
        "capital_jpy": 120_000_000,
        "founded_year": 1990,
        "products": "金属材料の卸売",
        "needs": "取扱製品に付加価値を付けたい",
    },
]


def _demo_smes(municipality, coordinator, member) -> list[SME]:
    """The SME the demo SME account acts for first (smes/demo.py links it), then others; SMEs of our
    own only when the smes demo has made none."""
    existing = list(SME.objects.filter(municipality=municipality).order_by("pk")[:3])
    linked = (
        Membership.objects.filter(user=member, municipality=municipality, sme__isnull=False)
        .values_list("sme_id", flat=True)
        .first()
        if member is not None
        else None
    )
    if linked is not None:
        existing = [SME.objects.get(pk=linked), *[s for s in existing if s.pk != linked][:2]]
    if existing:
        return existing
    note = "デモ用の架空の企業です / Fictitious demo company"
    return [
        sme_services.sme_create(
            municipality=municipality, actor=coordinator, data={**data, "source_note": note}
        )
        for data in DEMO_SMES
    ]


def _template(data: dict, today: dt.date) -> ProgrammeTemplate:
    template, created = ProgrammeTemplate.objects.get_or_create(slug=data["slug"], defaults=data)
    if created:
        TemplateWindow.objects.create(
            template=template,
            label="第1次締切",
            opens_on=today - dt.timedelta(days=20),
            closes_on=today + dt.timedelta(days=10),
        )
        TemplateWindow.objects.create(
            template=template,
            label="第2次締切",
            opens_on=today + dt.timedelta(days=15),
            closes_on=today + dt.timedelta(days=75),
        )
    return template


@demo_step
def demo_subsidies(context: dict) -> None:
    municipality = context["municipalities"]["kawasaki"]
    coordinator = context["users"]["coordinator"]
    today = timezone.localdate()
    templates = [_template(data, today) for data in TEMPLATES]
    for slug in ("kawasaki", "sagamihara"):
        city = context["municipalities"][slug]
        if not Programme.objects.filter(municipality=city, template=templates[0]).exists():
            services.programme_adopt(municipality=city, actor=None, template=templates[0])
    if Application.objects.filter(municipality=municipality).exists():
        return
    if not Programme.objects.filter(municipality=municipality, template=templates[1]).exists():
        services.programme_adopt(municipality=municipality, actor=None, template=templates[1])
    city_programmes = []
    for data in CITY_PROGRAMMES:
        programme = Programme.objects.filter(municipality=municipality, name=data["name"]).first()
        if programme is None:
            programme = services.programme_create(municipality=municipality, actor=None, data=data)
        city_programmes.append(programme)
    joint_rd, productisation = city_programmes
    past = services.window_create(
        programme=joint_rd,
        actor=None,
        label="前期募集",
        opens_on=today - dt.timedelta(days=150),
        closes_on=today - dt.timedelta(days=120),
    )
    current = services.window_create(
        programme=joint_rd,
        actor=None,
        label="後期募集",
        opens_on=today - dt.timedelta(days=30),
        closes_on=today + dt.timedelta(days=12),
    )
    services.window_create(
        programme=productisation,
        actor=None,
        label="通年募集（第3四半期）",
        opens_on=today + dt.timedelta(days=5),
        closes_on=today + dt.timedelta(days=60),
    )
    member = context["users"].get("sme")
    smes = _demo_smes(municipality, coordinator, member)
    sme = smes[0]
    if member is not None:
        Membership.objects.filter(
            user=member, municipality=municipality, role=Role.SME_MEMBER, sme__isnull=True
        ).update(sme=sme)
    plan = BusinessPlan.objects.filter(municipality=municipality, sme=sme).order_by("pk").first()
    if plan is None:
        plan = sme_services.business_plan_create(
            sme=sme,
            actor=coordinator,
            title="小型振動センサーの製品化計画",
            sections={"product_concept": "開放特許を活用した工場向け小型振動センサー"},
        )
    day = dt.timedelta(days=1)
    # (status, title, window, requested, granted, submitted, decided, reported); a withdrawal's date
    # goes in the "decided" column.
    rows = [
        ("draft", "振動センサー試作の共同研究", current, 4_000_000, None, None, None, None),
        ("submitted", "センサー筐体の共同設計", current, 2_500_000, None, today - 3 * day, None, None),
        (
            "granted",
            "検査装置の共同開発",
            past,
            5_000_000,
            4_500_000,
            past.opens_on + 5 * day,
            past.closes_on + 20 * day,
            None,
        ),
        (
            "rejected",
            "加工条件データベースの構築",
            past,
            3_000_000,
            None,
            past.opens_on + 8 * day,
            past.closes_on + 20 * day,
            None,
        ),
        (
            "result_reported",
            "小型モーター制御の共同研究",
            past,
            4_800_000,
            4_000_000,
            past.opens_on + 2 * day,
            past.closes_on + 10 * day,
            today - 2 * day,
        ),
        (
            "withdrawn",
            "表面処理条件の共同評価",
            current,
            1_500_000,
            None,
            today - 6 * day,
            today - 1 * day,
            None,
        ),
    ]
    for index, (status, title, window, requested, granted, submitted, decided, reported) in enumerate(rows):
        application = services.application_create(
            sme=smes[index % len(smes)],
            programme=joint_rd,
            actor=coordinator,
            window=window,
            title=title,
            amount_requested_jpy=requested,
            business_plan=plan if index % len(smes) == 0 else None,
        )
        if status == "draft":
            continue
        services.application_set_status(
            application=application, new_status="submitted", actor=coordinator, on=submitted
        )
        if status in ("granted", "result_reported"):
            services.application_set_status(
                application=application,
                new_status="granted",
                actor=coordinator,
                on=decided,
                amount_granted_jpy=granted,
            )
        if status == "rejected":
            services.application_set_status(
                application=application, new_status="rejected", actor=coordinator, on=decided
            )
        if status == "withdrawn":
            services.application_set_status(
                application=application,
                new_status="withdrawn",
                actor=coordinator,
                on=decided,
                reason="ライセンス交渉が中断したため、今回の公募への申請を取り下げ（デモ）",
            )
        if status == "result_reported":
            services.application_set_status(
                application=application, new_status="result_reported", actor=coordinator, on=reported
            )
        services.application_note_add(
            application=application, actor=coordinator, body="デモ: 審査ポイントを事前に確認済み（内部メモ）"
        )
