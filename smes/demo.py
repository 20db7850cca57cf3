"""Demo data of the smes app: SME profiles, visits, business plans in every state, partners, referrals.

Each demo municipality has its own hand-written Japanese SMEs and partners (fictional, labelled as
samples: demo_data/<slug>_smes.json and demo_data/<slug>_partners.json); no two cities share a name.
The business plan's text is in demo_data/ too (README.md there says where each came from).

Idempotent: SMEs by (municipality, name_ja), partners by name, plans by (SME, title); visits and
referrals are added only to an SME that has none.
"""

from __future__ import annotations

import datetime as dt
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
    ContactPerson,
    Partner,
    PlanComment,
    PlanStatus,
    PlanVersion,
    PreferredContact,
    Referral,
    SeedInterest,
    Visit,
)
from .validators import corporate_number_check_digit

DEMO_DATA = Path(__file__).resolve().parent / "demo_data"
SAMPLE_NOTE = "サンプル（架空の企業・手書き） / Hand-written sample, fictional company"
# Per city: the made-up registry office code of its corporate numbers, and its postal code prefix.
CITY_CODES = {"kawasaki": ("020101", "21"), "sagamihara": ("020102", "25")}


def corporate_number(office: str, index: int) -> str:
    """A well-formed number for a fictional company: the check digit computed from a made-up base."""
    base = f"{office}{index + 1:06d}"
    return f"{corporate_number_check_digit(base)}{base}"


def _load(name: str):
    return json.loads((DEMO_DATA / name).read_text(encoding="utf-8"))


def demo_smes_data(slug: str) -> list[dict]:
    """The hand-written SMEs of a demo municipality (none for a city without a file)."""
    path = DEMO_DATA / f"{slug}_smes.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else []


def _smes(municipality) -> list[SME]:
    """The demo SMEs of a municipality, in the order of its file."""
    office, postal = CITY_CODES.get(municipality.slug, ("020199", "20"))
    smes = []
    for index, sample in enumerate(demo_smes_data(municipality.slug)):
        sme = SME.objects.filter(municipality=municipality, name_ja=sample["name_ja"]).first()
        if sme is None:
            sme = services.sme_create(
                municipality=municipality,
                actor=None,
                data={
                    "name_ja": sample["name_ja"],
                    "name_kana": sample["name_kana"],
                    "name_en": sample["name_en"],
                    "corporate_number": corporate_number(office, index),
                    "postal_code": f"{postal}{index % 5}-{index * 37 % 10000:04d}",
                    "address": f"神奈川県{municipality.name_ja}{sample['ward']}（サンプル住所）{index + 1}-1",
                    "industry": sample["industry"],
                    "industry_detail": sample["industry_detail"],
                    "employees": sample["employees"],
                    "capital_jpy": sample["capital_man_yen"] * 10_000,
                    "founded_year": sample["founded_year"],
                    "products": sample["products"],
                    "capabilities": sample["capabilities"],
                    "equipment": sample["equipment"],
                    "certifications": sample["certifications"],
                    "needs": sample["needs"],
                    "needs_tags": sample["needs_tags"],
                    "referred_by": sample["referred_by"],
                    "consent_to_share": index % 3 != 2,
                },
            )
            SME.objects.filter(pk=sme.pk).update(source_note=SAMPLE_NOTE)
        smes.append(sme)
    return smes


def _partners(municipality) -> list[Partner]:
    partners = []
    path = DEMO_DATA / f"{municipality.slug}_partners.json"
    for data in json.loads(path.read_text(encoding="utf-8")) if path.exists() else []:
        partner = Partner.objects.filter(municipality=municipality, name_ja=data["name_ja"]).first()
        if partner is None:
            partner = services.partner_create(municipality=municipality, actor=None, data=data)
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


# The coordinator's comments on a plan's first submitted version: (section, text, internal).
DEFAULT_COMMENTS = [
    ("budget", "補助金が不採択だった場合の資金計画も書いてください。", False),
    ("customers_market", "実証先の3社の業種を具体的に。", False),
    ("risks", "社長は資金面に不安あり。次回訪問で融資の相談に乗ること。", True),
]


def _plan(
    sme,
    title,
    author,
    coordinator,
    moves: list[str],
    *,
    revise: dict | None = None,
    started_days_ago: int = 30,
    comments: list[tuple[str, str, bool]] | None = None,
) -> BusinessPlan:
    plan = BusinessPlan.objects.filter(sme=sme, title=title).first()
    if plan is not None:
        return plan
    sections = _load("business_plan.json")["sections"]
    plan = services.business_plan_create(sme=sme, actor=author, title=title, sections=sections)
    for status in moves:
        if status == PlanStatus.REVISED and revise:
            plan = services.business_plan_update(
                plan=plan, actor=author, title=plan.title, sections={**plan.sections(), **revise}
            )
        actor = author if status in services.FREEZING_STATUSES else coordinator
        plan = services.business_plan_set_status(plan=plan, new_status=status, actor=actor)
        if status == PlanStatus.FEEDBACK_GIVEN:
            version = PlanVersion.objects.filter(plan=plan).order_by("-number").first()
            for section, body, internal in comments or DEFAULT_COMMENTS:
                services.plan_comment_add(
                    version=version, actor=coordinator, section=section, body=body, internal=internal
                )
    _date_plan(plan, started_days_ago)
    return plan


def _date_plan(plan: BusinessPlan, started_days_ago: int) -> None:
    """Date a demo plan along the story instead of the minute the demo ran: begun `started_days_ago`
    days ago, each version submitted two weeks after the one before, comments four days after their
    version."""
    start = timezone.now().replace(hour=10, minute=0, second=0, microsecond=0) - dt.timedelta(
        days=started_days_ago
    )
    last = start
    for version in PlanVersion.objects.filter(plan=plan).order_by("number"):
        submitted = start + dt.timedelta(days=14 * version.number)
        PlanVersion.objects.filter(pk=version.pk).update(submitted_at=submitted)
        PlanComment.objects.filter(version=version).update(created_at=submitted + dt.timedelta(days=4))
        last = max(last, submitted + dt.timedelta(days=4))
    BusinessPlan.objects.filter(pk=plan.pk).update(created_at=start, updated_at=min(last, timezone.now()))


def _plans(smes, sme_user, coordinator) -> None:
    own = smes[0]
    revised = _load("business_plan.json")["revision"]
    _plan(own, "小型振動センサーの製品化", sme_user, coordinator, [], started_days_ago=12)
    _plan(
        own,
        "設備監視サービスの事業化",
        sme_user,
        coordinator,
        ["submitted", "feedback_given"],
        started_days_ago=45,
        comments=[
            ("customers_market", "月額料金の根拠（点検1回あたりの人件費との比較）を加えてください。", False),
            ("development", "実証期間が3か月では短いので、半年で計画し直すことを勧めます。", False),
            ("risks", "通信費の負担をどちらが持つか、大企業側との条件交渉で確認が必要。", True),
        ],
    )
    _plan(
        own,
        "振動センサーを使った保守点検サービス",
        sme_user,
        coordinator,
        ["submitted", "feedback_given", "revised"],
        revise=revised,
        started_days_ago=150,
    )
    _plan(smes[1], "省電力IoTゲートウェイ", coordinator, coordinator, ["submitted"], started_days_ago=30)
    _plan(
        smes[3],
        "抗菌樹脂の介護用品",
        coordinator,
        coordinator,
        ["submitted", "feedback_given", "revised", "accepted"],
        revise=revised,
        started_days_ago=240,
        comments=[
            ("customers_market", "介護施設向けと家庭向けで価格帯を分けて書いてください。", False),
            ("budget", "金型費の見積りを2社から取ってください。", False),
        ],
    )
    _plan(
        smes[4],
        "外観検査パッケージ",
        coordinator,
        coordinator,
        ["submitted", "accepted"],
        started_days_ago=90,
    )


def _interest(sme, sme_user) -> None:
    # The vibration harvester of the sample electric company: the seed the SME's needs point to.
    seed = Patent.objects.filter(
        municipality=sme.municipality, number="JP7000101B2", publication_state=PublicationState.PUBLISHED
    ).first()
    if seed is None or SeedInterest.objects.filter(sme=sme, patent=seed).exists():
        return
    services.seed_interest_send(
        sme=sme, patent=seed, actor=sme_user, message="当社の振動センサーの電源に使えないか相談したいです。"
    )


def _contacts(smes: list[SME], samples: list[dict]) -> None:
    """Each demo SME's one or two people to call (fictional; the 555 numbers and example.jp addresses
    reach nobody), from its sample's `contacts`: usually the first shared with companies, the second not."""
    for sme, sample in zip(smes, samples, strict=False):
        for person in sample.get("contacts", []):
            ContactPerson.objects.get_or_create(
                municipality=sme.municipality,
                sme=sme,
                name=person["name"],
                defaults={
                    "role": person["role"],
                    "phone": person["phone"],
                    "email": person["email"],
                    "preferred_contact": PreferredContact(person["preferred_contact"]),
                    "consent_to_share": person["consent_to_share"],
                },
            )


@demo_step
def smes_demo(context) -> None:
    today = timezone.localdate()
    coordinator = context["users"]["coordinator"]
    sme_user = context["users"]["sme"]
    for slug, municipality in context["municipalities"].items():
        smes = _smes(municipality)
        partners = _partners(municipality)
        if not smes:
            continue
        _visits(smes, coordinator, today)
        if partners:
            _referrals(smes, partners, coordinator, today)
        if slug == "kawasaki":
            # The demo SME account acts for the first sample company.
            Membership.objects.filter(user=sme_user, municipality=municipality, role=Role.SME_MEMBER).update(
                sme=smes[0]
            )
            forget_roles(sme_user)
            _plans(smes, sme_user, coordinator)
            _interest(smes[0], sme_user)
        _contacts(smes, demo_smes_data(slug))
