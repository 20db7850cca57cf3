"""Demo data of the smes app: SME profiles, visits, business plans in every state, partners, referrals.

Two kinds of SME, both labelled in `source_note` so nobody mistakes them for real programme members:
- profiles made from real NASA Spinoff stories (public domain; the records used are copied verbatim in
  fixtures/nasa_spinoffs.jsonl): the US company and its product, with needs written from the story;
- about twenty hand-written Japanese SMEs (fictional, labelled as samples).

Idempotent: SMEs by (municipality, name_ja), partners by name, plans by (SME, title); visits and
referrals are added only to an SME that has none.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from pathlib import Path

from django.utils import timezone

from kawasaki.demo import demo_step
from kawasaki.models import Membership, Role
from kawasaki.selectors import forget_roles
from patents.models import Patent, PublicationState

from . import services
from .models import (
    SME,
    BusinessPlan,
    Partner,
    PartnerKind,
    PlanStatus,
    PlanVersion,
    Referral,
    SeedInterest,
    Visit,
)
from .validators import corporate_number_check_digit

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLE_NOTE = "サンプル（架空の企業・手書き） / Hand-written sample, fictional company"
NASA_NOTE = "NASA Spinoff の実話に基づくデモ（米国企業・パブリックドメイン） / Demo from a NASA Spinoff story (public domain)"


def _corporate_number(base: str) -> str:
    """A well-formed number for a fictional company: the check digit computed from a made-up base."""
    return f"{corporate_number_check_digit(base)}{base}"


# (name_ja, kana, name_en, ward, industry, detail, employees, capital in 10,000 yen, founded,
#  products, capabilities, equipment, certifications, needs, tags, referred_by)
JAPANESE_SMES = [
    (
        "株式会社多摩川精密（サンプル）",
        "タマガワセイミツ",
        "Tamagawa Precision (sample)",
        "高津区",
        "E",
        "26 生産用機械器具製造業",
        38,
        3000,
        1968,
        "半導体製造装置向けの精密切削部品",
        "5軸加工、±2μmの精度管理",
        "5軸マシニングセンタ 4台、三次元測定機",
        "ISO 9001",
        "下請け中心から脱却し、自社ブランドの計測機器を持ちたい。センサー技術のシーズを探している。",
        ["自社製品", "センサー", "計測"],
        "川崎信用金庫 溝口支店（サンプル）",
    ),
    (
        "有限会社中原電子工業（サンプル）",
        "ナカハラデンシコウギョウ",
        "Nakahara Denshi (sample)",
        "中原区",
        "E",
        "28 電子部品・デバイス製造業",
        22,
        1000,
        1979,
        "プリント基板の実装・検査受託",
        "小ロット多品種の実装、試作基板の短納期対応",
        "SMTライン 2本、X線検査装置",
        "ISO 14001",
        "IoT機器の自社開発に挑戦したい。省電力無線と電池長寿命化の技術が必要。",
        ["IoT", "省電力", "無線"],
        "川崎市産業振興財団（サンプル）",
    ),
    (
        "株式会社川崎ファインケミカル（サンプル）",
        "カワサキファインケミカル",
        "Kawasaki Fine Chemical (sample)",
        "川崎区",
        "E",
        "16 化学工業",
        55,
        5000,
        1962,
        "工業用洗浄剤、防錆剤",
        "配合設計、少量多品種の受託製造",
        "反応釜 10基、分析機器（GC-MS）",
        "ISO 9001、ISO 14001",
        "環境負荷の低い水系洗浄剤を開発したい。界面活性剤の新技術に関心。",
        ["環境", "化学", "洗浄"],
        "神奈川県信用保証協会（サンプル）",
    ),
    (
        "株式会社宮前モールド（サンプル）",
        "ミヤマエモールド",
        "Miyamae Mold (sample)",
        "宮前区",
        "E",
        "18 プラスチック製品製造業",
        17,
        1000,
        1985,
        "射出成形金型、医療機器向け樹脂部品",
        "精密金型設計、クリーンルーム成形",
        "射出成形機 12台、クラス10000クリーンルーム",
        "ISO 13485",
        "医療・介護向けの自社製品を持ちたい。抗菌樹脂や生体適合材料の技術を探している。",
        ["医療", "介護", "樹脂"],
        "川崎信用金庫 宮前支店（サンプル）",
    ),
    (
        "株式会社麻生ソフトウェア（サンプル）",
        "アサオソフトウェア",
        "Asao Software (sample)",
        "麻生区",
        "G",
        "39 情報サービス業",
        30,
        2000,
        2004,
        "製造業向け生産管理システム",
        "Web系システム開発、画像処理",
        "",
        "ISMS（ISO 27001）",
        "画像認識を使った外観検査の自社パッケージを作りたい。",
        ["画像処理", "AI", "検査"],
        "川崎商工会議所（サンプル）",
    ),
    (
        "幸区板金工業株式会社（サンプル）",
        "サイワイクバンキンコウギョウ",
        "Saiwai Sheet Metal (sample)",
        "幸区",
        "E",
        "24 金属製品製造業",
        12,
        1000,
        1971,
        "制御盤筐体、ステンレス板金加工品",
        "薄板の精密曲げ、TIG溶接",
        "ファイバーレーザー加工機、ベンダー 3台",
        "",
        "防災・屋外向けの製品を自社で企画したい。軽量で強い構造の技術に関心。",
        ["防災", "軽量化", "板金"],
        "川崎信用金庫 幸支店（サンプル）",
    ),
    (
        "株式会社多摩ヘルスケア（サンプル）",
        "タマヘルスケア",
        "Tama Healthcare (sample)",
        "多摩区",
        "P",
        "85 社会保険・社会福祉・介護事業",
        45,
        1000,
        2010,
        "通所介護、介護用品の企画",
        "介護現場の知見、利用者モニター",
        "",
        "",
        "見守りセンサーや移乗支援機器を現場目線で製品化したい。",
        ["介護", "見守り", "センサー"],
        "川崎市福祉製品認証（サンプル）",
    ),
    (
        "川崎光学工業株式会社（サンプル）",
        "カワサキコウガクコウギョウ",
        "Kawasaki Optical (sample)",
        "高津区",
        "E",
        "27 業務用機械器具製造業",
        26,
        3000,
        1974,
        "産業用レンズ、光学フィルター",
        "研磨、薄膜コーティング",
        "真空蒸着装置 3台、干渉計",
        "ISO 9001",
        "レーザー応用の計測・加工ユニットを自社製品化したい。",
        ["光学", "レーザー", "計測"],
        "横浜銀行 溝ノ口支店（サンプル）",
    ),
    (
        "株式会社臨海プラント工業（サンプル）",
        "リンカイプラントコウギョウ",
        "Rinkai Plant (sample)",
        "川崎区",
        "D",
        "08 設備工事業",
        60,
        5000,
        1966,
        "プラント配管工事、保守点検",
        "高圧配管、溶接施工管理",
        "",
        "ISO 45001",
        "配管の劣化を常時監視する仕組みを保守サービスに加えたい。",
        ["保守", "監視", "配管"],
        "川崎商工会議所（サンプル）",
    ),
    (
        "株式会社中原フードテック（サンプル）",
        "ナカハラフードテック",
        "Nakahara Food Tech (sample)",
        "中原区",
        "E",
        "09 食料品製造業",
        34,
        1000,
        1990,
        "業務用惣菜、冷凍食品",
        "急速冷凍、HACCP運用",
        "急速冷凍庫 2台",
        "JFS-B",
        "鮮度を保つ包装・保冷技術で販路を広げたい。",
        ["食品", "保冷", "包装"],
        "川崎信用金庫 新城支店（サンプル）",
    ),
    (
        "株式会社高津ロボティクス（サンプル）",
        "タカツロボティクス",
        "Takatsu Robotics (sample)",
        "高津区",
        "E",
        "29 電気機械器具製造業",
        15,
        2000,
        2015,
        "搬送ロボット、治具の自動化",
        "組込みソフト、モーター制御",
        "3Dプリンター、試作用旋盤",
        "",
        "小型で安全な協働ロボットのための力覚センサー技術を探している。",
        ["ロボット", "自動化", "センサー"],
        "かながわ産業振興センター（サンプル）",
    ),
    (
        "有限会社宮前テキスタイル（サンプル）",
        "ミヤマエテキスタイル",
        "Miyamae Textile (sample)",
        "宮前区",
        "E",
        "11 繊維工業",
        9,
        500,
        1958,
        "作業服、機能性インナー",
        "縫製、小ロット生産",
        "工業用ミシン 20台",
        "",
        "高機能素材で防護服・作業服の自社ブランドを立ち上げたい。",
        ["繊維", "防護", "素材"],
        "川崎信用金庫 鷺沼支店（サンプル）",
    ),
    (
        "株式会社麻生グリーンエネルギー（サンプル）",
        "アサオグリーンエネルギー",
        "Asao Green Energy (sample)",
        "麻生区",
        "D",
        "08 設備工事業",
        20,
        1000,
        2012,
        "太陽光発電設備の施工・保守",
        "電気工事、遠隔監視",
        "",
        "",
        "蓄電・熱利用の技術と組み合わせた製品を開発したい。",
        ["エネルギー", "蓄電", "断熱"],
        "川崎市環境局（サンプル）",
    ),
    (
        "株式会社川崎セラミックス（サンプル）",
        "カワサキセラミックス",
        "Kawasaki Ceramics (sample)",
        "川崎区",
        "E",
        "21 窯業・土石製品製造業",
        28,
        3000,
        1969,
        "ファインセラミックス部品",
        "焼結、精密研削",
        "焼成炉 5基、平面研削盤",
        "ISO 9001",
        "セラミックスと金属の接合技術で用途を広げたい。",
        ["接合", "セラミックス", "材料"],
        "川崎商工会議所（サンプル）",
    ),
    (
        "株式会社幸メディカルデバイス（サンプル）",
        "サイワイメディカルデバイス",
        "Saiwai Medical Devices (sample)",
        "幸区",
        "E",
        "27 業務用機械器具製造業",
        19,
        2000,
        2001,
        "リハビリ用計測機器",
        "生体信号の計測、医療機器の薬事対応",
        "電波暗室（小型）",
        "ISO 13485",
        "筋電センサーを使った在宅リハビリ機器を開発したい。",
        ["医療", "リハビリ", "生体信号"],
        "川崎市産業振興財団（サンプル）",
    ),
    (
        "株式会社多摩精工（サンプル）",
        "タマセイコウ",
        "Tama Seiko (sample)",
        "多摩区",
        "E",
        "25 はん用機械器具製造業",
        41,
        3000,
        1963,
        "バルブ、継手",
        "精密研削、気密試験",
        "ヘリウムリーク試験装置",
        "ISO 9001",
        "漏れゼロの小型バルブを水素・医療向けに展開したい。",
        ["バルブ", "水素", "気密"],
        "横浜銀行 登戸支店（サンプル）",
    ),
    (
        "株式会社中原デザインラボ（サンプル）",
        "ナカハラデザインラボ",
        "Nakahara Design Lab (sample)",
        "中原区",
        "L",
        "72 専門サービス業",
        7,
        500,
        2016,
        "製品デザイン、UI設計",
        "工業デザイン、ユーザー調査",
        "3Dプリンター",
        "",
        "デザインと技術シーズを組み合わせた自社プロダクトに挑戦したい。",
        ["デザイン", "自社製品"],
        "川崎商工会議所（サンプル）",
    ),
    (
        "株式会社臨港物流システム（サンプル）",
        "リンコウブツリュウシステム",
        "Rinko Logistics Systems (sample)",
        "川崎区",
        "H",
        "44 道路貨物運送業",
        80,
        5000,
        1975,
        "冷凍・冷蔵輸送",
        "温度管理物流",
        "冷凍車 40台",
        "",
        "電源不要の保冷容器で医薬品輸送に参入したい。",
        ["物流", "保冷", "医薬品"],
        "川崎信用金庫 本店（サンプル）",
    ),
    (
        "株式会社高津金属表面処理（サンプル）",
        "タカツキンゾクヒョウメンショリ",
        "Takatsu Surface Finishing (sample)",
        "高津区",
        "E",
        "24 金属製品製造業",
        24,
        1000,
        1970,
        "めっき、化成処理",
        "無電解ニッケル、硬質クロム",
        "めっきライン 6本",
        "ISO 14001",
        "六価クロムを使わない表面処理の技術が必要。",
        ["表面処理", "環境", "めっき"],
        "神奈川県産業技術センター（サンプル）",
    ),
    (
        "株式会社宮前エレクトロニクス（サンプル）",
        "ミヤマエエレクトロニクス",
        "Miyamae Electronics (sample)",
        "宮前区",
        "E",
        "29 電気機械器具製造業",
        33,
        2000,
        1988,
        "電源ユニット、ヒーター制御盤",
        "アナログ回路設計、熱設計",
        "恒温槽、EMC簡易測定器",
        "ISO 9001",
        "薄くて曲げられるヒーターで新しい製品を作りたい。",
        ["ヒーター", "熱", "電源"],
        "川崎信用金庫 有馬支店（サンプル）",
    ),
]

# NASA Spinoff stories used as demo SME profiles: record id -> (company, industry, tags, needs).
NASA_SMES = {
    "5e6c359d40205c094b086cef": (
        "Q-Peak Inc.",
        "E",
        ["laser", "spectroscopy"],
        "Smaller pulsed lasers for medical and industrial instruments.",
    ),
    "54ed040a95dd5ea535db3f22": (
        "Laser Techniques Company, LLC",
        "L",
        ["inspection", "laser"],
        "Laser inspection of machinery in places people cannot reach.",
    ),
    "54ed040195dd5ea535ae169d": (
        "EGC Enterprises Inc.",
        "E",
        ["heater", "graphite"],
        "Thin flexible heaters for new markets beyond aircraft de-icing.",
    ),
    "54ed03ff95dd5ea635823ab3": (
        "4DSP LLC",
        "E",
        ["fiber optics", "monitoring"],
        "Fibre-optic structural monitoring for medicine, oil and gas, transport.",
    ),
    "54ed041095dd5ea535c489de": (
        "S-Bond Technologies LLC",
        "E",
        ["joining", "solder"],
        "Joining ceramics and carbon to metals without flux.",
    ),
    "5e6c358140205c094b086ce2": (
        "Doering Company LLC",
        "E",
        ["valve", "zero leak"],
        "Zero-leak valves for demanding environments.",
    ),
    "54ed040c95dd5ea73514df13": (
        "SunDanzer Refrigeration Inc.",
        "E",
        ["refrigeration", "solar"],
        "Battery-free solar refrigerators for vaccines.",
    ),
    "639cac7c890819b89903b9d2": (
        "Delsys Inc.",
        "E",
        ["EMG", "wearable"],
        "Wireless EMG sensors for prosthetics and rehabilitation.",
    ),
    "54ed040695dd5ea735be0d0f": (
        "Boston Micromachines Corporation",
        "E",
        ["MEMS", "optics"],
        "Deformable mirrors for microscopy and laser systems.",
    ),
    "568ae33f95dd5e930822b826": (
        "Dunmore Corporation",
        "E",
        ["insulation", "films"],
        "Multilayer insulation films for buildings and cryogenics.",
    ),
}

PARTNERS = [
    (
        "かわさき産業技術センター（サンプル）",
        "Kawasaki Industrial Technology Center (sample)",
        PartnerKind.RESEARCH_INSTITUTE,
        "材料評価、電磁環境（EMC）試験、振動試験",
        "電波暗室、振動試験機、走査型電子顕微鏡",
        "技術相談窓口",
        "soudan@itc.example.jp",
        "044-000-0001",
    ),
    (
        "神奈川試験分析ラボ（サンプル）",
        "Kanagawa Testing Lab (sample)",
        PartnerKind.TEST_FACILITY,
        "耐候性試験、塩水噴霧試験、引張試験",
        "恒温恒湿槽、塩水噴霧試験機、万能試験機",
        "試験受付",
        "test@lab.example.jp",
        "044-000-0002",
    ),
    (
        "多摩川工科大学 産学連携センター（サンプル）",
        "Tamagawa Institute of Technology (sample)",
        PartnerKind.UNIVERSITY,
        "センサー工学、組込みシステム、医用工学",
        "クリーンルーム、筋電計測システム",
        "産学連携コーディネーター",
        "sangaku@tit.example.jp",
        "044-000-0003",
    ),
    (
        "株式会社京浜試作工房（サンプル）",
        "Keihin Prototype Works (sample)",
        PartnerKind.DEVELOPMENT,
        "機構設計、基板設計、少量試作",
        "3Dプリンター（金属・樹脂）、5軸加工機",
        "営業部",
        "info@keihin-proto.example.jp",
        "044-000-0004",
    ),
    (
        "スタジオ・ミゾノクチ デザイン（サンプル）",
        "Studio Mizonokuchi Design (sample)",
        PartnerKind.DESIGN_FIRM,
        "プロダクトデザイン、パッケージ、ブランディング",
        "",
        "代表",
        "hello@studio-m.example.jp",
        "044-000-0005",
    ),
    (
        "川崎臨海エンジニアリング（サンプル）",
        "Kawasaki Rinkai Engineering (sample)",
        PartnerKind.DEVELOPMENT,
        "制御ソフトウェア、IoTクラウド",
        "",
        "技術営業",
        "iot@rinkai-eng.example.jp",
        "044-000-0006",
    ),
]

PLAN_SECTIONS = {
    "product_concept": "大企業の開放特許（圧電薄膜の成膜技術）を用い、電池交換なしで3年間動く小型振動センサーを製品化する。\n既存のモーター保守サービスに組み合わせ、故障の予兆を知らせる。",
    "customers_market": "市内および京浜地区の中小製造業 約2,000社。設備保全の人手不足が深刻で、簡易な状態監視の需要がある。",
    "advantage": "他社製品の半額以下、配線不要で後付けできる、当社の保守網で設置まで支援できる。",
    "development": "上期：試作（かわさき産業技術センターで評価）\n下期：市内3社で実証\n翌年度：量産開始",
    "budget": "総額1,800万円。自己資金600万円、ものづくり補助金1,000万円、信用金庫融資200万円。",
    "technology": "開放特許の通常実施権、成膜条件のノウハウ提供。",
    "risks": "量産時の歩留まり、補助金が不採択の場合の資金計画。",
}


def _nasa_records() -> dict[str, dict]:
    rows = {}
    with (FIXTURES / "nasa_spinoffs.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            rows[record["id"]] = record
    return rows


def _smes(municipality, *, japanese: bool) -> list[SME]:
    """The demo SMEs of a municipality: the hand-written samples (Kawasaki only), then the NASA stories."""
    smes = []
    for index, row in enumerate(JAPANESE_SMES if japanese else []):
        (name_ja, kana, name_en, ward, industry, detail, employees, capital, founded, products, capabilities,
         equipment, certifications, needs, tags, referred_by) = row  # fmt: skip
        sme = SME.objects.filter(municipality=municipality, name_ja=name_ja).first()
        if sme is None:
            sme = services.sme_create(
                municipality=municipality,
                actor=None,
                data={
                    "name_ja": name_ja,
                    "name_kana": kana,
                    "name_en": name_en,
                    "corporate_number": _corporate_number(f"0201{municipality.pk % 100:02d}{index:06d}"),
                    "postal_code": f"21{index % 5}-00{index:02d}",
                    "address": f"神奈川県川崎市{ward}（サンプル住所）{index + 1}-1",
                    "industry": industry,
                    "industry_detail": detail,
                    "employees": employees,
                    "capital_jpy": capital * 10_000,
                    "founded_year": founded,
                    "products": products,
                    "capabilities": capabilities,
                    "equipment": equipment,
                    "certifications": certifications,
                    "needs": needs,
                    "needs_tags": tags,
                    "referred_by": referred_by,
                    "consent_to_share": index % 3 != 2,
                },
            )
            SME.objects.filter(pk=sme.pk).update(source_note=SAMPLE_NOTE)
        smes.append(sme)
    records = _nasa_records()
    for record_id, (company, industry, tags, needs) in NASA_SMES.items():
        record = records[record_id]
        existing = SME.objects.filter(municipality=municipality, name_en=company).first()
        if existing is not None:
            smes.append(existing)
            continue
        story = html.unescape(record["abstract"])
        sme = services.sme_create(
            municipality=municipality,
            actor=None,
            data={
                "name_ja": company,
                "name_en": company,
                "industry": industry,
                "products": html.unescape(record["title"]),
                "capabilities": story,
                "needs": needs,
                "needs_tags": tags,
                "consent_to_share": True,
            },
        )
        note = f"{NASA_NOTE}: {record['case_number']} ({record['center']})"
        SME.objects.filter(pk=sme.pk).update(source_note=note[:300])
        smes.append(sme)
    return smes


def _partners(municipality) -> list[Partner]:
    partners = []
    for name_ja, name_en, kind, fields, equipment, contact, email, phone in PARTNERS:
        partner = Partner.objects.filter(municipality=municipality, name_ja=name_ja).first()
        if partner is None:
            partner = services.partner_create(
                municipality=municipality,
                actor=None,
                data={
                    "name_ja": name_ja,
                    "name_en": name_en,
                    "kind": kind,
                    "fields": fields,
                    "equipment": equipment,
                    "contact_name": contact,
                    "contact_email": email,
                    "contact_phone": phone,
                },
            )
        partners.append(partner)
    return partners


def _visits(smes, coordinator, today) -> None:
    for index, sme in enumerate(smes[:10]):
        if Visit.objects.filter(sme=sme).exists():
            continue
        services.visit_record(
            sme=sme,
            actor=coordinator,
            visited_on=today - dt.timedelta(days=60 - index * 4),
            people_met="代表取締役、技術部長",
            notes="工場を見学。加工精度は高いが、受注の七割が一社に集中している。社長は自社製品に強い意欲。",
            needs_learnt=sme.needs,
            next_actions=[
                ("関連する開放特許を3件選んで紹介する", today + dt.timedelta(days=index * 3 - 10)),
                ("連携先（公設試）の担当者を紹介する", today + dt.timedelta(days=index * 5 + 7)),
            ],
        )
        if index % 3 == 0:
            services.visit_record(
                sme=sme,
                actor=coordinator,
                visited_on=today - dt.timedelta(days=20 - index),
                people_met="代表取締役",
                notes="紹介した特許のうち一件に強い関心。試作費用の見通しを相談された。",
                needs_learnt="試作費用の補助金",
                next_actions=[("補助金の公募要領を送る", today + dt.timedelta(days=5))],
            )


def _referrals(smes, partners, coordinator, today) -> None:
    outcomes = ["working_together", "met", "pending", "no_fit", "pending"]
    for index, sme in enumerate(smes[:5]):
        if Referral.objects.filter(sme=sme).exists():
            continue
        referral = services.referral_create(
            sme=sme,
            partner=partners[index % len(partners)],
            actor=coordinator,
            purpose="試作品の評価試験と改良の相談",
            referred_on=today - dt.timedelta(days=30 - index * 3),
        )
        if outcomes[index] != "pending":
            services.referral_record_outcome(
                referral=referral,
                actor=coordinator,
                outcome=outcomes[index],
                outcome_note="初回面談を実施。" if outcomes[index] != "no_fit" else "設備が合わず見送り。",
            )


def _plan(sme, title, author, coordinator, moves: list[str], *, revise: dict | None = None) -> BusinessPlan:
    plan = BusinessPlan.objects.filter(sme=sme, title=title).first()
    if plan is not None:
        return plan
    plan = services.business_plan_create(sme=sme, actor=author, title=title, sections=PLAN_SECTIONS)
    for status in moves:
        if status == PlanStatus.REVISED and revise:
            plan = services.business_plan_update(
                plan=plan, actor=author, title=plan.title, sections={**plan.sections(), **revise}
            )
        actor = author if status in services.FREEZING_STATUSES else coordinator
        plan = services.business_plan_set_status(plan=plan, new_status=status, actor=actor)
        if status == PlanStatus.FEEDBACK_GIVEN:
            version = PlanVersion.objects.filter(plan=plan).order_by("-number").first()
            services.plan_comment_add(
                version=version,
                actor=coordinator,
                section="budget",
                body="補助金が不採択だった場合の資金計画も書いてください。",
            )
            services.plan_comment_add(
                version=version,
                actor=coordinator,
                section="customers_market",
                body="実証先の3社の業種を具体的に。",
            )
            services.plan_comment_add(
                version=version,
                actor=coordinator,
                section="risks",
                body="社長は資金面に不安あり。次回訪問で融資の相談に乗ること。",
                internal=True,
            )
    return plan


def _plans(smes, sme_user, coordinator) -> None:
    own = smes[0]
    revised = {
        "budget": "総額1,800万円。自己資金600万円、ものづくり補助金1,000万円、信用金庫融資200万円。\n補助金が不採択の場合は試作を二段階に分け、初年度は自己資金と融資で600万円の範囲で進める。",
        "customers_market": "市内および京浜地区の中小製造業 約2,000社。\n実証先：金属加工（高津区）、食品工場（中原区）、プラント保守（川崎区）の3社。",
    }
    _plan(own, "小型振動センサーの製品化", sme_user, coordinator, [])
    _plan(own, "設備監視サービスの事業化", sme_user, coordinator, ["submitted", "feedback_given"])
    _plan(
        own,
        "振動センサーを使った保守点検サービス",
        sme_user,
        coordinator,
        ["submitted", "feedback_given", "revised"],
        revise=revised,
    )
    _plan(smes[1], "省電力IoTゲートウェイ", coordinator, coordinator, ["submitted"])
    _plan(
        smes[3],
        "抗菌樹脂の介護用品",
        coordinator,
        coordinator,
        ["submitted", "feedback_given", "revised", "accepted"],
        revise=revised,
    )
    _plan(smes[4], "外観検査パッケージ", coordinator, coordinator, ["submitted", "accepted"])


def _interest(sme, sme_user) -> None:
    seed = Patent.objects.filter(
        municipality=sme.municipality, publication_state=PublicationState.PUBLISHED
    ).first()
    if seed is None or SeedInterest.objects.filter(sme=sme, patent=seed).exists():
        return
    services.seed_interest_send(
        sme=sme, patent=seed, actor=sme_user, message="当社の振動センサーの電源に使えないか相談したいです。"
    )


@demo_step
def smes_demo(context) -> None:
    today = timezone.localdate()
    coordinator = context["users"]["coordinator"]
    sme_user = context["users"]["sme"]
    for slug, municipality in context["municipalities"].items():
        smes = _smes(municipality, japanese=slug == "kawasaki")
        partners = _partners(municipality)
        _visits(smes, coordinator, today)
        _referrals(smes, partners, coordinator, today)
        if slug == "kawasaki":
            # The demo SME account acts for the first sample company.
            Membership.objects.filter(user=sme_user, municipality=municipality, role=Role.SME_MEMBER).update(
                sme=smes[0]
            )
            forget_roles(sme_user)
            _plans(smes, sme_user, coordinator)
            _interest(smes[0], sme_user)
