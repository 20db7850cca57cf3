"""Demo deals: each demo city's programme over three fiscal years, told in demo_data/deals.json.

Every deal walks forward through the services the way a coordinator records it: the SME is visited;
the coordinator screens the seeds for it and shortlists the deal's seed and one more (`match`); the
shortlist is presented on a second visit and the SME's interest opens the deal (`interest`); the
coordinator introduces the SME to the company by arranging a one-on-one meeting (`introduced`), held
with minutes on its day (the matching app's signal moves the deal to "meeting held"); the NDA, the
evaluation, the terms negotiation, the signed licence (its terms), the prototype and the product that
follows from the seed each come on their own day. The coordinator's other visits of each year
(`rounds`) heard out SMEs that no deal came from. Dates are given per fiscal year of the story (`fy`
0, 1, 2 and `on` as MM-DD, April to March); the story is placed so that its last date is before
today, and its dates are in order. A few deals are still open, two dropped.

The records carry the story's dates too, not the day the demo ran: every row a step writes (the deal,
its timeline and audit entries, the screening run and its shortlisted candidates, the meeting, the
visit, the terms, the product) is stamped with that step's date (`_dated`), so a deal is opened on the
day the SME showed interest, its "NDA signed" entry is dated the NDA's day, and the time a deal spent
in each state, and the council's funnel of each year, are the story's.

Idempotent: nothing is added to a municipality that already has deals. A deal whose SME or company is
missing (another app's demo not run) is left out.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kawasaki.demo import demo_step
from kawasaki.models import AuditEntry
from matching.demo import DEMO_CLOSED_MEETING
from matching.models import (
    Decision,
    Direction,
    Meeting,
    MeetingKind,
    ScreeningCandidate,
    ScreeningRun,
    ShortlistEntry,
)
from matching.services import meetings, screening
from matching.services.screening import SeedFilters
from patents.models import CompanyAlias, LargeCompany, Patent, company_name_key
from smes import services as sme_services
from smes.models import SME, Visit

from . import services
from .models import (
    Document,
    DocumentKind,
    LicenceTerms,
    Negotiation,
    Product,
    Side,
    State,
    Task,
    TimelineEntry,
)

DEMO_DATA = Path(__file__).resolve().parent / "demo_data"
# A deal's dated steps, in the order they happen.
DATED_PARTS = (
    "visit",
    "match",
    "interest",
    "opened",
    "introduced",
    "meeting",
    "nda",
    "evaluation",
    "terms",
    "licence",
    "prototype",
    "product",
)
FIRST_VISIT_NOTES = "事業の現状と今後の方向を聞き取り、関連する開放特許を紹介した。"
PRESENTING_VISIT_NOTES = "スクリーニングで選んだ候補シーズを説明し、企業との面談の意向を確認した。"


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
    ] + [visit for city in story().values() for visit in city.get("rounds", [])]
    while max(story_date(first, part) for part in parts) >= today:
        first -= 1
    return first


def _company(municipality, name: str) -> LargeCompany | None:
    alias = CompanyAlias.objects.filter(municipality=municipality, key=company_name_key(name)).first()
    return alias.company if alias is not None else None


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


# The time stamps a demo step writes (auto_now / auto_now_add, or "now" set by a service), per model.
STAMPED = (
    (TimelineEntry, ("created_at",)),
    (AuditEntry, ("created_at",)),
    (Negotiation, ("created_at", "state_changed_at")),
    (Meeting, ("created_at",)),
    (Visit, ("created_at",)),
    (LicenceTerms, ("recorded_at",)),
    (Product, ("created_at",)),
    (Task, ("created_at",)),
    (Document, ("created_at",)),
    (ScreeningRun, ("created_at", "started_at", "finished_at")),
    (ScreeningCandidate, ("decided_at",)),
    (ShortlistEntry, ("added_at",)),
)


@contextmanager
def _dated(day: dt.date, hour: int) -> Iterator[None]:
    """Stamp every row the block writes (or whose stamp it moves) with `day` at `hour`, not now.

    The services stamp "now"; a row written before the block (an earlier step, already back-dated,
    or another app's demo) has a stamp before `started`, so only this step's rows move.
    """
    started = timezone.now()
    yield
    when = _at(day, hour)
    for model, fields in STAMPED:
        for field in fields:
            model._base_manager.filter(**{f"{field}__gte": started}).update(**{field: when})


def _shortlist(
    municipality, coordinator, sme: SME, seeds: list[Patent], match: dict, companies: list
) -> None:
    """The coordinator screens the seeds for the SME after the visit (the visit's notes as the query, or
    the SME's own words) among the city's Japanese companies' seeds, and shortlists the deal's seeds
    and the best other candidate: what is later presented to the SME."""
    run = screening.screening_run_start(
        municipality=municipality,
        actor=coordinator,
        direction=Direction.SME_TO_SEEDS,
        sme=sme,
        query_text=match.get("query", ""),
        top_k=10,
        filters=SeedFilters(company_ids=tuple(c.pk for c in companies)),
    )
    screening.screening_run_execute(run=run)
    wanted = {seed.pk for seed in seeds}
    ranked = list(run.candidates.order_by("rank"))
    chosen = [c for c in ranked if c.patent_id in wanted] + [c for c in ranked if c.patent_id not in wanted][
        :1
    ]
    for candidate in chosen:
        screening.candidate_decide(
            candidate=candidate,
            actor=coordinator,
            decision=Decision.SHORTLISTED,
            note="次回の訪問で紹介する" if candidate.patent_id in wanted else "代替案として紹介する",
        )


def _deal(
    municipality, coordinator, data: dict, venue: str, first_year: int, companies: list
) -> Negotiation | None:
    sme = SME.objects.filter(municipality=municipality, name_ja=data["sme"]).first()
    company = _company(municipality, data["company"])
    if sme is None or company is None:
        return None
    seeds = list(Patent.objects.filter(company=company, number__in=data["seeds"]))

    def on(key: str) -> dt.date:
        return story_date(first_year, data[key])

    def move(key: str, to_state: str, hour: int) -> None:
        """Step the deal forward to `to_state` on the story's day for `key` (when the story has one)."""
        if key in data:
            with _dated(on(key), hour):
                services.negotiation_advance_to(negotiation=deal, to_state=to_state, actor=coordinator)

    if "visit" in data:
        with _dated(on("visit"), 11):
            sme_services.visit_record(
                sme=sme,
                actor=coordinator,
                visited_on=on("visit"),
                people_met="代表取締役",
                notes=FIRST_VISIT_NOTES,
                needs_learnt=sme.needs,
            )
    if "match" in data:
        with _dated(on("match"), 15):
            _shortlist(municipality, coordinator, sme, seeds, data["match"], companies)
    if "interest" in data:
        # The shortlist is presented to the SME (on a second visit when the story began with one); the
        # SME's interest in the company's seed opens the deal.
        day = on("interest")
        with _dated(day, 11):
            if "visit" in data:
                sme_services.visit_record(
                    sme=sme,
                    actor=coordinator,
                    visited_on=day,
                    people_met="代表取締役、技術担当",
                    notes=PRESENTING_VISIT_NOTES,
                    needs_learnt="",
                )
            deal, _created = services.negotiation_open(
                municipality=municipality,
                actor=coordinator,
                sme=sme,
                company=company,
                seeds=seeds,
                note="紹介したシーズに関心。企業との面談を希望",
            )
    else:
        with _dated(on("opened"), 10):
            deal, _created = services.negotiation_open(
                municipality=municipality,
                actor=coordinator,
                sme=sme,
                company=company,
                seeds=seeds,
                note="交流会の資料を見た企業から関心の連絡",
            )
    if "meeting" in data:
        day = on("meeting")
        # Introduced: the coordinator arranges the meeting with the company; it is held (with minutes)
        # on its day, and the matching app's signal advances the deal to "meeting held".
        with _dated(on("introduced"), 10):
            services.negotiation_advance_to(negotiation=deal, to_state=State.INTRODUCED, actor=coordinator)
            meeting = meetings.meeting_create(
                municipality=municipality,
                actor=coordinator,
                kind=MeetingKind.ONE_ON_ONE,
                title=f"個別面談 {sme.name_ja.replace('（サンプル）', '')} × {company.name_ja.replace('（サンプル）', '')}",
                starts_at=_at(day, 14),
                ends_at=_at(day, 15),
                venue=venue,
                company=company,
                seeds=seeds,
                smes=[sme],
            )
        with _dated(day, 16):
            meetings.meeting_hold(
                meeting=meeting,
                actor=coordinator,
                minutes=data["meeting"]["minutes"],
                attended_sme_ids=[sme.pk],
            )
        deal.refresh_from_db()  # moved by the signal's own copy
    else:
        move("introduced", State.INTRODUCED, 10)
    if "nda" in data:
        signed = on("nda")
        with _dated(signed, 10):
            services.nda_record(
                negotiation=deal,
                actor=coordinator,
                signed_on=signed,
                expires_on=signed.replace(year=signed.year + 3),
            )
            services.negotiation_advance_to(negotiation=deal, to_state=State.NDA_SIGNED, actor=coordinator)
    # The evaluation (samples, data under the NDA) and the terms negotiation, each on its own day.
    move("evaluation", State.EVALUATION, 10)
    move("terms", State.TERMS, 10)
    if "licence" in data:
        signed = on("licence")
        terms = {k: v for k, v in data["licence"].items() if k not in ("fy", "on")}
        with _dated(signed, 11):
            services.licence_terms_record(
                negotiation=deal,
                actor=coordinator,
                data={**terms, "royalty_percent": Decimal(terms["royalty_percent"]), "signed_on": signed},
            )
    move("prototype", State.PROTOTYPE, 12)
    if "product" in data:
        product = data["product"]
        with _dated(on("product"), 13):
            services.product_record(
                negotiation=deal,
                actor=coordinator,
                name=product["name"],
                description=product["description"],
                launch_date=on("product"),
                price_yen=product["price_yen"],
                source_note="デモ用のサンプル（架空の製品） / Demo sample, fictional product",
            )
    if data["target"] == State.DROPPED:
        # Dropped after about six weeks of evaluation (not later than yesterday).
        day = min(on("evaluation") + dt.timedelta(days=45), timezone.localdate() - dt.timedelta(days=1))
        with _dated(day, 17):
            services.negotiation_move(
                negotiation=deal,
                to_state=State.DROPPED,
                actor=coordinator,
                reason=data["drop"]["reason"],
                note=data["drop"]["note"],
                confirmed=True,
            )
    return deal


def _rounds(municipality, coordinator, city: dict, first_year: int) -> None:
    """The coordinator's other visits of each year: SMEs heard out that no deal came from (yet)."""
    for data in city.get("rounds", []):
        sme = SME.objects.filter(municipality=municipality, name_ja=data["sme"]).first()
        if sme is None:
            continue
        day = story_date(first_year, data)
        with _dated(day, 10):
            sme_services.visit_record(
                sme=sme,
                actor=coordinator,
                visited_on=day,
                people_met=data.get("people_met", "代表取締役"),
                notes=data["notes"],
                needs_learnt=sme.needs,
            )


@demo_step
def negotiations_demo(context: dict) -> None:
    coordinator = context["users"]["coordinator"]
    today = timezone.localdate()
    first_year = story_first_year(today)
    for slug, city in story().items():
        municipality = context["municipalities"].get(slug)
        if municipality is None or Negotiation.objects.filter(municipality=municipality).exists():
            continue
        found = {_company(municipality, d["company"]) for d in city["deals"]}
        companies = sorted((c for c in found if c is not None), key=lambda c: c.pk)
        _rounds(municipality, coordinator, city, first_year)
        deals = [
            _deal(municipality, coordinator, data, city["venue"], first_year, companies)
            for data in city["deals"]
        ]
        if slug == "kawasaki":
            _kawasaki_tasks(municipality, coordinator, [d for d in deals if d is not None], today)


# The draft licence of the deal in terms: the company's first draft, then the SME's counter-proposal,
# which now waits on the company's review (its dashboard's "deals waiting on you"). Plain text, samples.
DRAFT_LICENCES = (
    (
        Side.LICENSOR,
        "通常実施権許諾契約書（案）",
        21,
        "通常実施権許諾契約書（案）\n（サンプル・架空の契約書です）\n\n"
        "第1条（許諾）甲は乙に対し、本特許について日本国内における通常実施権を許諾する。\n"
        "第2条（対価）乙は甲に一時金100万円及び純売上高の3%のランニングロイヤリティを支払う。\n",
    ),
    (
        Side.LICENSEE,
        "通常実施権許諾契約書（案） 中小企業からの修正案",
        9,
        "通常実施権許諾契約書（案）修正案\n（サンプル・架空の契約書です）\n\n"
        "第2条（対価）一時金を50万円とし、初年度のランニングロイヤリティを2%とする案。\n"
        "第5条（用途）配管保守サービスへの利用に限る旨を追記。\n",
    ),
)


def _draft_licences(deal: Negotiation, coordinator, today: dt.date) -> None:
    for side, title, days_ago, text in DRAFT_LICENCES:
        with _dated(today - dt.timedelta(days=days_ago), 11):
            services.document_upload(
                negotiation=deal,
                actor=coordinator,
                kind=DocumentKind.LICENCE_DRAFT,
                side=side,
                title=title,
                upload=SimpleUploadedFile(
                    "licence-draft.txt", text.encode("utf-8"), content_type="text/plain"
                ),
            )


def _kawasaki_tasks(municipality, coordinator, deals: list[Negotiation], today: dt.date) -> None:
    # Each task on the deal it is about: the evaluation's result is heard on the deal in evaluation,
    # the draft licence's points are sorted out on the deal in terms (never the other way round).
    evaluating = next((d for d in deals if d.state == State.EVALUATION), None)
    negotiating = next((d for d in deals if d.state == State.TERMS), None)
    if evaluating is not None:
        # This week's notes on a live deal: after its last step (the story's dates are all in the past).
        with _dated(today - dt.timedelta(days=3), 15):
            services.timeline_add(
                negotiation=evaluating,
                actor=coordinator,
                kind="note",
                text="社内メモ: 先方は用途を限った独占を希望する可能性あり",
                internal=True,
            )
        with _dated(today - dt.timedelta(days=1), 10):
            services.timeline_add(
                negotiation=evaluating,
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
            negotiation=evaluating,
        )
    if negotiating is not None:
        services.task_create(
            municipality=municipality,
            actor=coordinator,
            title="契約書案の論点を整理",
            due_on=today + dt.timedelta(days=4),
            assignee=coordinator,
            negotiation=negotiating,
        )
        _draft_licences(negotiating, coordinator, today)
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
