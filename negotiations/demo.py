"""Demo deals and meetings in Kawasaki: a deal in every state (walked there through the services, so
the history is real), launched products drawn from NASA spinoff stories, meetings of each kind, tasks.

Idempotent: nothing is added when the municipality already has deals. Uses the companies, seeds and
SMEs of patents/demo.py and smes/demo.py, creating minimal ones when those apps left none.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from kawasaki.demo import demo_step
from patents.models import LargeCompany, Patent, PublicationState
from smes.models import SME

from . import services
from .models import DropReason, MeetingKind, Negotiation, State

FIXTURE = Path(__file__).parent / "fixtures" / "nasa_spinoffs.json"

# Where each demo deal ends, with its drop reason when dropped.
TARGETS = [
    (State.INTEREST, None),
    (State.INTRODUCED, None),
    (State.MEETING_HELD, None),
    (State.NDA_SIGNED, None),
    (State.EVALUATION, None),
    (State.TERMS, None),
    (State.LICENCE_SIGNED, None),
    (State.PROTOTYPE, None),
    (State.LAUNCHED, None),
    (State.LAUNCHED, None),
    (State.LAUNCHED, None),
    (State.DROPPED, DropReason.TECHNOLOGY_NOT_READY),
    (State.DROPPED, DropReason.PRICE),
]

TERMS = {
    "licence_type": "non_exclusive",
    "field_of_use": "自社製品への組込み（デモデータ）",
    "territory": "日本",
    "term_months": 60,
    "upfront_fee_yen": 300_000,
    "royalty_percent": Decimal("3.00"),
    "minimum_royalty_yen": 100_000,
    "sublicensing": False,
    "improvements": "grant_back",
}


def _companies_and_smes(municipality) -> tuple[list[LargeCompany], list[SME]]:
    companies = list(LargeCompany.objects.filter(municipality=municipality).order_by("pk")[:4])
    smes = list(SME.objects.filter(municipality=municipality).order_by("pk")[:8])
    # Enough pairs for a deal in every state when the other apps' demos left nothing.
    if not companies:
        companies = [
            LargeCompany.objects.get_or_create(municipality=municipality, name_ja=f"デモ電機{n}株式会社")[0]
            for n in range(1, 3)
        ]
    if not smes:
        smes = [
            SME.objects.get_or_create(municipality=municipality, name_ja=f"デモ製作所{n}")[0]
            for n in range(1, 8)
        ]
    return companies, smes


def _seeds_of(company) -> list[Patent]:
    published = Patent.objects.filter(company=company, publication_state=PublicationState.PUBLISHED)
    return list(
        (published if published.exists() else Patent.objects.filter(company=company)).order_by("pk")[:2]
    )


def _walk(deal: Negotiation, target: str, reason, actor, spinoff: dict | None, today: dt.date) -> None:
    if target == State.DROPPED:
        services.negotiation_advance_to(negotiation=deal, to_state=State.EVALUATION, actor=actor)
        services.negotiation_move(
            negotiation=deal,
            to_state=State.DROPPED,
            actor=actor,
            reason=reason,
            note="デモ: 評価の結果、見送り",
        )
        return
    order = State.values
    if order.index(target) >= order.index(State.NDA_SIGNED):
        services.negotiation_advance_to(negotiation=deal, to_state=State.NDA_SIGNED, actor=actor)
        services.nda_record(
            negotiation=deal,
            actor=actor,
            signed_on=today - dt.timedelta(days=200),
            expires_on=today + dt.timedelta(days=900),
        )
    if order.index(target) >= order.index(State.LICENCE_SIGNED):
        services.negotiation_advance_to(negotiation=deal, to_state=State.TERMS, actor=actor)
        services.licence_terms_record(
            negotiation=deal, actor=actor, data={**TERMS, "signed_on": today - dt.timedelta(days=120)}
        )
    if target == State.LAUNCHED and spinoff is not None:
        services.negotiation_advance_to(negotiation=deal, to_state=State.PROTOTYPE, actor=actor)
        services.product_record(
            negotiation=deal,
            actor=actor,
            name=spinoff["title"],
            description=spinoff["abstract"],
            launch_date=today - dt.timedelta(days=30),
            price_yen=198_000,
            source_note=f"NASA Spinoff {spinoff['case_number']} (public domain)",
        )
        return
    services.negotiation_advance_to(negotiation=deal, to_state=target, actor=actor)


@demo_step
def negotiations_demo(context: dict) -> None:
    municipality = context["municipalities"]["kawasaki"]
    coordinator = context["users"]["coordinator"]
    if Negotiation.objects.filter(municipality=municipality).exists():
        return
    today = timezone.localdate()
    companies, smes = _companies_and_smes(municipality)
    spinoffs = iter(json.loads(FIXTURE.read_text(encoding="utf-8"))["records"])
    # The demo accounts' own company and SME come first, so that their logins show a deal.
    company_user = context["users"].get("company")
    sme_user = context["users"].get("sme")
    own_company = getattr(company_user.memberships.filter(municipality=municipality).first(), "company", None)
    own_sme = getattr(sme_user.memberships.filter(municipality=municipality).first(), "sme", None)
    if own_company in companies:
        companies.remove(own_company)
        companies.insert(0, own_company)
    if own_sme in smes:
        smes.remove(own_sme)
        smes.insert(0, own_sme)
    pairs = [(sme, company) for company, sme in itertools.product(companies, smes)]
    # Put the demo SME with the demo company in evaluation: both logins then see one live deal.
    order = [4] + [i for i in range(len(TARGETS)) if i != 4]
    deals = []
    for (sme, company), index in zip(pairs, order, strict=False):
        target, reason = TARGETS[index]
        deal, _created = services.negotiation_open(
            municipality=municipality,
            actor=coordinator,
            sme=sme,
            company=company,
            seeds=_seeds_of(company),
            note="デモ: スクリーニング結果から関心あり",
        )
        spinoff = next(spinoffs, None) if target == State.LAUNCHED else None
        _walk(deal, target, reason, coordinator, spinoff, today)
        deals.append(deal)
    first = deals[0]
    services.timeline_add(
        negotiation=first,
        actor=coordinator,
        kind="note",
        text="社内メモ: 先方は独占を希望する可能性あり",
        internal=True,
    )
    services.timeline_add(
        negotiation=first, actor=coordinator, kind="call", text="中小企業と電話: 試料の評価は来週完了見込み"
    )
    services.task_create(
        municipality=municipality,
        actor=coordinator,
        title="評価結果をヒアリング",
        due_on=today + dt.timedelta(days=1),
        assignee=coordinator,
        negotiation=first,
    )
    services.task_create(
        municipality=municipality,
        actor=coordinator,
        title="契約書案の論点を整理",
        due_on=today + dt.timedelta(days=4),
        assignee=coordinator,
        negotiation=deals[5],
    )
    _meetings(municipality, coordinator, companies, smes, today)


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _meetings(municipality, coordinator, companies, smes, today) -> None:
    seeds = [seed for company in companies[:2] for seed in _seeds_of(company)]
    symposium = services.meeting_create(
        municipality=municipality,
        actor=coordinator,
        kind=MeetingKind.SYMPOSIUM,
        title="知的財産交流会（デモ）",
        starts_at=_at(today - dt.timedelta(days=20), 14),
        ends_at=_at(today - dt.timedelta(days=20), 17),
        venue="川崎市産業振興会館",
        presenting_companies=companies[:2],
        seeds=seeds,
        smes=smes[:4],
    )
    services.meeting_hold(
        meeting=symposium,
        actor=coordinator,
        minutes="2社が計6件のシーズを紹介。個別面談の希望を受付。",
        attended_sme_ids=[s.pk for s in smes[:3]],
    )
    if len(smes) > 2:
        services.one_on_one_request(
            symposium=symposium,
            actor=coordinator,
            sme=smes[2],
            company=companies[0],
            seeds=_seeds_of(companies[0])[:1],
            note="試作品への応用を相談したい",
        )
    services.meeting_create(
        municipality=municipality,
        actor=coordinator,
        kind=MeetingKind.ONE_ON_ONE,
        title="個別面談（デモ）",
        starts_at=_at(today + dt.timedelta(days=2), 10),
        ends_at=_at(today + dt.timedelta(days=2), 11),
        online_url="https://meet.example.jp/demo-one-on-one",
        company=companies[0],
        seeds=_seeds_of(companies[0]),
        smes=smes[:1],
    )
    closed = services.meeting_create(
        municipality=municipality,
        actor=coordinator,
        kind=MeetingKind.CLOSED,
        title="クローズド技術説明会（デモ）",
        starts_at=_at(today + dt.timedelta(days=6), 15),
        ends_at=_at(today + dt.timedelta(days=6), 17),
        venue="川崎市役所 第3庁舎 会議室",
        company=companies[-1],
        seeds=_seeds_of(companies[-1]),
        smes=smes[:3],
    )
    services.task_create(
        municipality=municipality,
        actor=coordinator,
        title="説明会の資料を企業から受領",
        due_on=today + dt.timedelta(days=3),
        assignee=coordinator,
        meeting=closed,
    )
    # An upcoming symposium open to SME self-registration (the demo SME's login sees it in its menu).
    upcoming = services.meeting_create(
        municipality=municipality,
        actor=coordinator,
        kind=MeetingKind.SYMPOSIUM,
        title="知的財産交流会 秋（デモ）",
        starts_at=_at(today + dt.timedelta(days=21), 13),
        ends_at=_at(today + dt.timedelta(days=21), 17),
        venue="川崎市産業振興会館 ホール",
        presenting_companies=companies[:2],
        seeds=seeds,
        agenda="13:00 開会\n13:10 大企業による技術紹介\n15:30 個別相談会",
        capacity=30,
    )
    for sme in smes[1:3]:
        services.meeting_register(meeting=upcoming, actor=coordinator, sme=sme)
    # A cancelled meeting stays listed, marked cancelled.
    cancelled = services.meeting_create(
        municipality=municipality,
        actor=coordinator,
        kind=MeetingKind.CLOSED,
        title="クローズド説明会 延期分（デモ）",
        starts_at=_at(today + dt.timedelta(days=9), 10),
        ends_at=_at(today + dt.timedelta(days=9), 12),
        venue="川崎市役所 第3庁舎 会議室",
        company=companies[-1],
        smes=smes[:2],
    )
    services.meeting_cancel(
        meeting=cancelled, actor=coordinator, reason="企業側の登壇者の都合により延期します。"
    )
