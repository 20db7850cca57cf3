"""Demo deals in Kawasaki: a deal in every state (walked there through the services, so the history is
real), launched products drawn from NASA spinoff stories, tasks (one on the closed demo meeting of
matching/demo.py).

Idempotent: nothing is added when the municipality already has deals. Uses the companies, seeds and
SMEs of patents/demo.py and smes/demo.py, creating minimal ones when those apps left none
(matching.demo.demo_companies_and_smes).
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from kawasaki.demo import demo_step
from matching.demo import DEMO_CLOSED_MEETING, demo_companies_and_smes, demo_seeds_of
from matching.models import Meeting

from . import services
from .models import DropReason, Negotiation, State

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
    companies, smes = demo_companies_and_smes(context, municipality)
    spinoffs = iter(json.loads(FIXTURE.read_text(encoding="utf-8"))["records"])
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
            seeds=demo_seeds_of(company),
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
    # The closed demo meeting of matching/demo.py gets its follow-up action.
    closed = Meeting.objects.filter(municipality=municipality, title=DEMO_CLOSED_MEETING).first()
    if closed is not None:
        services.task_create(
            municipality=municipality,
            actor=coordinator,
            title="説明会の資料を企業から受領",
            due_on=today + dt.timedelta(days=3),
            assignee=coordinator,
            meeting=closed,
        )
