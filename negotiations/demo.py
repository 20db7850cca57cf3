"""Demo deals: each demo city's programme over three fiscal years, told in demo_data/deals.json.

Every deal walks forward through the services the way a coordinator records it: the SME is visited,
meets the company in a one-on-one meeting (held, with minutes: the matching app's signal opens the
deal), signs the NDA, the licence (its terms), and launches a product that follows from the seed.
Dates are given per fiscal year of the story (`fy` 0, 1, 2 and `on` as MM-DD, April to March); the
story is placed so that its last date is before today, and its dates are in order (NDA after the
meeting, licence after the NDA, launch after the licence). A few deals are still open, two dropped.

Idempotent: nothing is added to a municipality that already has deals. A deal whose SME or company is
missing (another app's demo not run) is left out.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from kawasaki.demo import demo_step
from matching.demo import DEMO_CLOSED_MEETING
from matching.models import Meeting, MeetingKind
from matching.services import meetings
from patents.models import CompanyAlias, LargeCompany, Patent, company_name_key
from smes import services as sme_services
from smes.models import SME

from . import services
from .models import Negotiation, State

DEMO_DATA = Path(__file__).resolve().parent / "demo_data"
DATED_PARTS = ("opened", "visit", "meeting", "nda", "licence", "product")


def story() -> dict:
    """The demo deals of every city, as written in demo_data/deals.json."""
    return json.loads((DEMO_DATA / "deals.json").read_text(encoding="utf-8"))


def story_date(first_year: int, part: dict) -> dt.date:
    """The date of a part of the story: `on` (MM-DD) in fiscal year `first_year + fy` (April-March)."""
    month, day = (int(x) for x in part["on"].split("-"))
    year = first_year + part["fy"]
    return dt.date(year if month >= 4 else year + 1, month, day)


def story_first_year(today: dt.date) -> int:
    """The fiscal year the story starts in: two years before the current one, or earlier when the
    story's last date would not be in the past yet."""
    fiscal_year = today.year if today.month >= 4 else today.year - 1
    first = fiscal_year - 2
    parts = [
        deal[key] for city in story().values() for deal in city["deals"] for key in DATED_PARTS if key in deal
    ]
    while max(story_date(first, part) for part in parts) >= today:
        first -= 1
    return first


def _company(municipality, name: str) -> LargeCompany | None:
    alias = CompanyAlias.objects.filter(municipality=municipality, key=company_name_key(name)).first()
    return alias.company if alias is not None else None


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _deal(municipality, coordinator, data: dict, venue: str, first_year: int) -> Negotiation | None:
    sme = SME.objects.filter(municipality=municipality, name_ja=data["sme"]).first()
    company = _company(municipality, data["company"])
    if sme is None or company is None:
        return None
    seeds = list(Patent.objects.filter(company=company, number__in=data["seeds"]))

    def on(key: str) -> dt.date:
        return story_date(first_year, data[key])

    if "visit" in data:
        sme_services.visit_record(
            sme=sme,
            actor=coordinator,
            visited_on=on("visit"),
            people_met="代表取締役",
            notes="事業の現状と今後の方向を聞き取り、関連する開放特許を紹介した。",
            needs_learnt=sme.needs,
        )
    if "meeting" in data:
        day = on("meeting")
        meeting = meetings.meeting_create(
            municipality=municipality,
            actor=coordinator,
            kind=MeetingKind.ONE_ON_ONE,
            title=f"個別面談 {sme.name_ja.replace('（サンプル）', '')} × {company.name_ja.replace('(サンプル)', '')}",
            starts_at=_at(day, 14),
            ends_at=_at(day, 15),
            venue=venue,
            company=company,
            seeds=seeds,
            smes=[sme],
        )
        # The matching app's signal opens the deal and advances it to "meeting held".
        meetings.meeting_hold(
            meeting=meeting, actor=coordinator, minutes=data["meeting"]["minutes"], attended_sme_ids=[sme.pk]
        )
        deal = Negotiation.objects.get(municipality=municipality, sme=sme, company=company)
    else:
        deal, _created = services.negotiation_open(
            municipality=municipality,
            actor=coordinator,
            sme=sme,
            company=company,
            seeds=seeds,
            note="交流会の資料を見た企業から関心の連絡",
        )
    target = data["target"]
    if target == State.INTRODUCED:
        services.negotiation_advance_to(negotiation=deal, to_state=State.INTRODUCED, actor=coordinator)
    if "nda" in data:
        signed = on("nda")
        services.nda_record(
            negotiation=deal,
            actor=coordinator,
            signed_on=signed,
            expires_on=signed.replace(year=signed.year + 3),
        )
        # As far as the deal went before its licence (a dropped deal was dropped during evaluation).
        order = State.values
        reached = (
            State.EVALUATION
            if target == State.DROPPED
            else order[min(order.index(target), order.index(State.TERMS))]
        )
        services.negotiation_advance_to(negotiation=deal, to_state=reached, actor=coordinator)
    if "licence" in data:
        terms = {k: v for k, v in data["licence"].items() if k not in ("fy", "on")}
        services.licence_terms_record(
            negotiation=deal,
            actor=coordinator,
            data={**terms, "royalty_percent": Decimal(terms["royalty_percent"]), "signed_on": on("licence")},
        )
    if target in (State.PROTOTYPE, State.LAUNCHED):
        services.negotiation_advance_to(negotiation=deal, to_state=State.PROTOTYPE, actor=coordinator)
    if "product" in data:
        product = data["product"]
        services.product_record(
            negotiation=deal,
            actor=coordinator,
            name=product["name"],
            description=product["description"],
            launch_date=on("product"),
            price_yen=product["price_yen"],
            source_note="デモ用のサンプル（架空の製品） / Demo sample, fictional product",
        )
    if target == State.DROPPED:
        services.negotiation_move(
            negotiation=deal,
            to_state=State.DROPPED,
            actor=coordinator,
            reason=data["drop"]["reason"],
            note=data["drop"]["note"],
            confirmed=True,
        )
    return deal


@demo_step
def negotiations_demo(context: dict) -> None:
    coordinator = context["users"]["coordinator"]
    today = timezone.localdate()
    first_year = story_first_year(today)
    for slug, city in story().items():
        municipality = context["municipalities"].get(slug)
        if municipality is None or Negotiation.objects.filter(municipality=municipality).exists():
            continue
        deals = [_deal(municipality, coordinator, data, city["venue"], first_year) for data in city["deals"]]
        if slug == "kawasaki":
            _kawasaki_tasks(municipality, coordinator, [d for d in deals if d is not None], today)


def _kawasaki_tasks(municipality, coordinator, deals: list[Negotiation], today: dt.date) -> None:
    live = [d for d in deals if d.state in (State.EVALUATION, State.TERMS)]
    if live:
        services.timeline_add(
            negotiation=live[0],
            actor=coordinator,
            kind="note",
            text="社内メモ: 先方は用途を限った独占を希望する可能性あり",
            internal=True,
        )
        services.timeline_add(
            negotiation=live[0],
            actor=coordinator,
            kind="call",
            text="中小企業と電話: 試料の評価は来週完了見込み",
        )
        services.task_create(
            municipality=municipality,
            actor=coordinator,
            title="評価結果をヒアリング",
            due_on=today + dt.timedelta(days=1),
            assignee=coordinator,
            negotiation=live[0],
        )
        services.task_create(
            municipality=municipality,
            actor=coordinator,
            title="契約書案の論点を整理",
            due_on=today + dt.timedelta(days=4),
            assignee=coordinator,
            negotiation=live[-1],
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
