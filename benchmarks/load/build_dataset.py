"""Build the scale data set of issue 13 in the database DATABASE_URL names: one municipality with
100,000 seeds of one large company, 500 SMEs and 50 coordinators, then its seed and SME indexes.

    DATABASE_URL=postgres://... .venv/bin/python benchmarks/load/build_dataset.py [--seeds N] [--smes N] [--deals N]

Seeds resample real public records read from ../shared/data at run time (never copied into the
repository): each seed takes a random ipc-titles record (title, IPC codes, applicant, date) and, for
half of them, a random real NASA abstract, as benchmarks/bench_import.py does. 90% are published.
SMEs mix the fields of the demo SMEs (smes/demo_data, hand-written samples) and the English
profiles of benchmarks/profile_set.py, so no two SMEs have the same text.
Coordinators are bench-coordinator-NN@bench.example.jp with the password below and a TOTP
authenticator whose secret is TOTP_SECRET (benchmarks/load/locustfile.py signs in with it; production
settings require the second factor of coordinators).

The programme's history (`programme_history`, `--deals N`, default 400; `--deals 0` leaves it out): eight
fiscal years (April-March) up to yesterday of a programme that grows each year. N deals, each between a
bench SME and one of the two companies on one or two seeds of a small set (180 published seeds the SMEs
are interested in), walked forward through the pipeline with a chance to stop at each step (about 66% of
deals are introduced, 53% reach a meeting, 27% an NDA, 10% a licence, 6% a product), then dropped with a
reason or, when recent or licensed, left open. Every deal has its dated timeline (state changes stored as
from/to codes, "NDA recorded", "terms recorded", "product recorded" and "meeting held" as codes with
parameters, some Japanese notes and calls); a one-on-one meeting held on the day it moved to "meeting
held", follow-up meetings every two or three months while it is worked on and one upcoming for open
deals (meetings of deals that never met are cancelled or upcoming); two symposiums a year with both
companies presenting (SMEs that open a deal in the months after it, and SMEs without deals). Most deals
come from a visit, a screening run for the SME shortlisting the deal's seeds and one more, and a second
visit; about 40 more visits a year. Licence terms (type, signed on the licence day after the NDA, upfront
fee, royalty %, minimum royalty, term, field of use), products launched after their licence with yearly
sales reported for each fiscal year that is over, ~5 interests in seeds per deal, three subsidy programmes
(city, prefecture, national; two windows a year) with about one application per four deals (from deals
with an NDA, submitted after it), KPI targets for each year near what the year came to, open tasks on open
deals and done ones along the way. Dates are in order per deal and the `auto_now` stamps (created_at,
state_changed_at, recorded_at...) carry the historical dates, so the KPI page has a funnel in every year.
For 400 deals: ~3,100 timeline entries, ~1,270 meetings (~1,160 held), ~900 visits, 2,000 interests, 38
licences, 23 products, 100 applications, ~330 tasks (~100 open); about a second on SQLite.

The municipality is `bench` (its rows are replaced when the script runs again). Writes
benchmarks/load/dataset.json with the slugs, ids and accounts the benchmarks use. Rows are written
with bulk inserts (the import path is measured by bench_import.py); the indexes are built the way the
worker builds them (matching.indexing.index_build).
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("KAWASAKI_SHARED_DATA", ROOT.parent / "shared" / "data"))
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

SLUG = "bench"
PASSWORD = "bench-load-2026"  # noqa: S105 - a throwaway database's accounts
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105 - base32; the locust users compute their codes from it
TODAY = dt.date.today()
OUT = Path(__file__).resolve().parent / "dataset.json"


def seed_rows(count: int, rng: random.Random):
    ipc = [json.loads(line) for line in (SHARED / "ipc-titles" / "patents.jsonl").open(encoding="utf-8")]
    nasa = [json.loads(line) for line in (SHARED / "nasa" / "patents.jsonl").open(encoding="utf-8")]
    abstracts = [r["abstract"] for r in nasa if r.get("abstract")]
    for i in range(count):
        record = rng.choice(ipc)
        date = None
        if record.get("date"):
            try:
                date = dt.date.fromisoformat(record["date"][:10])
            except ValueError:
                date = None
        yield {
            "number": f"{record['id']}-{i:06d}".upper().replace(" ", ""),
            "title": (record["title"] or "untitled")[:400],
            "abstract": rng.choice(abstracts) if rng.random() < 0.5 else "",
            "ipc_codes": " ".join(dict.fromkeys(record.get("ipc") or [])),
            "applicants": "\n".join(record.get("applicants") or []),
            "publication_date": date,
            # Most rights still run (as in a portfolio offered for licence); one in twenty has expired.
            "expiry_date": TODAY
            + dt.timedelta(days=rng.randint(-700, -1) if rng.random() < 0.05 else rng.randint(30, 5400)),
            "published": rng.random() < 0.9,
            "fit": rng.choice(["yes", "no", "unknown"]),
        }


def sme_profiles() -> list[dict]:
    from profile_set import EN_PROFILES

    rows = []
    for name in ("kawasaki_smes.json", "sagamihara_smes.json"):
        rows += json.loads((ROOT / "smes" / "demo_data" / name).read_text(encoding="utf-8"))
    for title, body in EN_PROFILES:
        needs, _sep, capabilities = body.partition("\n")
        rows.append({"products": title, "needs": needs, "capabilities": capabilities, "equipment": ""})
    return rows


# --- the programme's history (--deals) ---------------------------------------------------------------

# How far a deal gets: the chance of each step forward, by the state it leaves (a funnel that narrows:
# about 4 in 10 deals reach a meeting and an NDA, 1 in 10 a licence, 6 in 100 a product).
STEP_ON = {
    "interest": 0.72,
    "introduced": 0.8,
    "meeting_held": 0.5,
    "nda_signed": 0.85,
    "evaluation": 0.62,
    "terms": 0.7,
    "licence_signed": 0.8,
    "prototype": 0.75,
}
# Days from entering a state to the next step (a range drawn from).
STEP_DAYS = {
    "interest": (7, 40),
    "introduced": (14, 45),
    "meeting_held": (20, 90),
    "nda_signed": (14, 60),
    "evaluation": (30, 150),
    "terms": (30, 120),
    "licence_signed": (60, 240),
    "prototype": (60, 300),
}
DROP_NOTES = {
    "technology_not_ready": "量産に必要な技術の成熟度が足りないと判断",
    "price": "実施料の条件で折り合わず",
    "sme_capacity": "社内の人員と設備の都合で見送り",
    "licensor_withdrew": "企業側の事業方針の変更により提供を取り下げ",
    "other": "代表者の交代に伴い検討を中断",
}
INTEREST_MESSAGES = [
    "自社の加工技術と組み合わせられないか、詳しい説明を伺いたいです。",
    "既存製品の改良に使えそうです。実施許諾の条件を教えてください。",
    "試作に向けて技術資料を拝見したいと考えています。",
    "取引先からの要望に応えられる技術か確認したいです。",
    "新規事業の候補として社内で検討しています。面談を希望します。",
    "省エネ化の課題解決に役立ちそうなので関心があります。",
]
NOTES = [
    "先方の技術担当と電話で打合せ。サンプル提供の時期を確認した。",
    "中小企業側で社内検討中。来月に回答の予定。",
    "市の補助金の活用について説明した。",
    "評価用の試料を受領。評価項目を共有した。",
    "実施料の考え方について双方の意向を聞き取った。",
    "量産時の品質基準について追加の資料を依頼した。",
]
MINUTES = [
    "技術の概要と実施許諾の進め方を説明。中小企業側から用途の提案があった。",
    "試作の進め方と評価の観点を確認。次回までに評価計画を作成する。",
    "評価結果を共有。性能は概ね目標を満たすが耐久性に課題が残る。",
    "契約条件の論点を整理。実施料率と対象分野について持ち帰り検討。",
    "量産に向けた工程と販路について意見交換した。",
]
TASK_TITLES = [
    "秘密保持契約書の案を送付する",
    "評価結果の報告を受け取る",
    "次回面談の日程を調整する",
    "補助金の申請書類を確認する",
    "契約条件の修正案を企業に送る",
    "試作品の評価に立ち会う",
    "知財部との打合せ結果を共有する",
]
PRODUCT_WORDS = (
    ["高効率", "小型", "省エネ", "軽量", "高精度", "静音", "防水", "長寿命"],
    [
        "センサーユニット",
        "熱交換器",
        "搬送ロボット",
        "検査装置",
        "LED照明",
        "制御基板",
        "加工治具",
        "蓄電モジュール",
    ],
)
FIELDS_OF_USE = ["産業機械", "医療・介護機器", "建築設備", "食品加工", "自動車部品", "環境・エネルギー"]
PROGRAMMES = [
    ("ベンチ市ものづくり開発補助金", "ベンチ市", "city", 2_000_000),
    ("神奈川県中小企業技術開発支援事業", "神奈川県", "prefecture", 5_000_000),
    ("ものづくり・商業・サービス生産性向上促進補助金", "中小企業庁", "national", 12_500_000),
]


def fiscal_year_of(day: dt.date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """A time on `day` in Japan (where the programme's records are written)."""
    from zoneinfo import ZoneInfo

    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZoneInfo("Asia/Tokyo"))


class historical_stamps:
    """Let bulk inserts keep the dates given for auto_now / auto_now_add fields (the history's dates,
    not the day the script runs)."""

    def __init__(self, *models):
        self.fields = [
            f
            for model in models
            for f in model._meta.concrete_fields
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        ]

    def __enter__(self):
        self.saved = [(f, f.auto_now, f.auto_now_add) for f in self.fields]
        for f in self.fields:
            f.auto_now = f.auto_now_add = False

    def __exit__(self, *exc):
        for f, now, now_add in self.saved:
            f.auto_now, f.auto_now_add = now, now_add


def programme_history(*, municipality, companies, coordinators, deals: int, rng: random.Random) -> dict:
    """Eight fiscal years of the programme up to today: visits, screening runs and shortlists, the SMEs'
    interests in seeds, `deals` deals walked forward through the pipeline with their timeline (state
    changes as codes, NDA, terms, products), meetings (held, cancelled, upcoming), licence terms,
    products and their yearly sales, subsidy applications, the council's targets and open tasks.
    Every row carries its historical date; dates are in order per deal and never after yesterday."""
    from matching.models import (
        Decision,
        Direction,
        Meeting,
        MeetingKind,
        MeetingStatus,
        Participant,
        Reply,
        RunStatus,
        ScreeningCandidate,
        ScreeningRun,
    )
    from negotiations.models import (
        EntryCode,
        EntryKind,
        LicenceTerms,
        Negotiation,
        Product,
        State,
        Task,
        TimelineEntry,
    )
    from patents.models import Patent, PublicationState
    from reports.models import Figure, KpiTarget, ProductSales
    from smes.models import SME, InterestStatus, SeedInterest, Visit
    from subsidies.models import Application, ApplicationStatus, Programme, ProgrammeWindow

    pipeline = [*STEP_ON, "launched"]
    last_day = TODAY - dt.timedelta(days=1)
    current = fiscal_year_of(TODAY)
    years = list(range(current - 7, current + 1))
    sme_ids = list(SME.objects.filter(municipality=municipality).order_by("pk").values_list("pk", flat=True))
    sme_name = dict(SME.objects.filter(municipality=municipality).values_list("pk", "name_ja"))
    users = {u.pk: u for u in coordinators}
    coord_ids = [u.pk for u in coordinators]
    # A real programme works on a small set of seeds: the ones SMEs are interested in.
    pools = {}
    for company, size in zip(companies, (160, 20), strict=True):
        published = list(
            Patent.objects.filter(company=company, publication_state=PublicationState.PUBLISHED)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        pools[company.pk] = rng.sample(published, min(size, len(published)))

    def day_in(year: int) -> dt.date:
        start = dt.date(year, 4, 1)
        end = min(dt.date(year + 1, 3, 31), last_day)
        return start + dt.timedelta(days=rng.randint(0, max(0, (end - start).days)))

    def change_time(state: str, day: dt.date) -> dt.datetime:
        """When the state-change entry into `state` on `day` is written (the timeline below)."""
        if state == "interest":
            return at(day, 10)
        if state == "dropped":
            return at(day, 18)
        return at(day, 16 if state == "meeting_held" else 9 + pipeline.index(state), 1)

    def pick_coordinator() -> int:
        return rng.choice(coord_ids[:8]) if coord_ids else None

    # Deals opened per year: the programme grows; the current year only up to today.
    elapsed = (last_day - dt.date(current, 4, 1)).days / 365
    weights = [6 + 2 * k for k in range(len(years) - 1)] + [(6 + 2 * (len(years) - 1)) * max(elapsed, 0.05)]
    pairs: set[tuple[int, int]] = set()
    deal_specs = []
    deals = min(deals, len(sme_ids) * len(companies))
    while len(deal_specs) < deals:
        company = companies[0] if rng.random() < 0.9 or len(companies) == 1 else companies[1]
        sme = rng.choice(sme_ids)
        if (sme, company.pk) in pairs:
            continue
        pairs.add((sme, company.pk))
        opened = day_in(rng.choices(years, weights)[0])
        seeds = rng.sample(pools[company.pk], rng.choice((1, 1, 1, 2)))
        # The walk: each state with the day it was entered, then maybe a drop.
        steps = [("interest", opened)]
        while steps[-1][0] != "launched":
            state, since = steps[-1]
            low, high = STEP_DAYS[state]
            nxt = since + dt.timedelta(days=rng.randint(low, high))
            if rng.random() > STEP_ON[state] or nxt > last_day:
                break
            steps.append((pipeline[pipeline.index(state) + 1], nxt))
        dropped = None
        state, since = steps[-1]
        if state != "launched":
            drop_day = since + dt.timedelta(days=rng.randint(20, 150))
            # Stalled deals are mostly dropped in the end; recent ones are still open.
            # (a licensed deal whose product does not come stays open more often than not).
            give_up = 0.3 if state in ("licence_signed", "prototype") else 0.85
            if drop_day <= last_day and rng.random() < give_up:
                reason = rng.choices(list(DROP_NOTES), (3, 3, 3, 1, 1))[0]
                dropped = (drop_day, reason)
        deal_specs.append(
            {
                "sme": sme,
                "company": company,
                "seeds": seeds,
                "steps": steps,
                "dropped": dropped,
                "coordinator": pick_coordinator(),
            }
        )
    deal_specs.sort(key=lambda d: d["steps"][0][1])

    with historical_stamps(
        Negotiation,
        TimelineEntry,
        Meeting,
        Visit,
        SeedInterest,
        LicenceTerms,
        Product,
        ProductSales,
        Task,
        ScreeningRun,
        Application,
        KpiTarget,
    ):
        rows = []
        for spec in deal_specs:
            steps, dropped = spec["steps"], spec["dropped"]
            final_state, changed = ("dropped", dropped[0]) if dropped else steps[-1]
            by_state = dict(steps)
            nda = by_state.get("nda_signed")
            rows.append(
                Negotiation(
                    municipality=municipality,
                    sme_id=spec["sme"],
                    company=spec["company"],
                    state=final_state,
                    coordinator_id=spec["coordinator"],
                    created_by_id=spec["coordinator"],
                    drop_reason=dropped[1] if dropped else "",
                    drop_note=DROP_NOTES[dropped[1]] if dropped else "",
                    nda_signed_on=nda,
                    nda_expires_on=nda.replace(year=nda.year + 3) if nda else None,
                    created_at=at(steps[0][1], 10),
                    state_changed_at=change_time(final_state, changed),
                )
            )
        Negotiation.objects.bulk_create(rows, batch_size=1000)
        for spec, row in zip(deal_specs, rows, strict=True):
            spec["pk"] = row.pk
        Through = Negotiation.seeds.through
        Through.objects.bulk_create(
            [Through(negotiation_id=s["pk"], patent_id=p) for s in deal_specs for p in s["seeds"]],
            batch_size=2000,
        )

        entries, meetings, meeting_links, terms_rows, products, tasks = [], [], [], [], [], []
        visits, runs, run_candidates = [], [], []

        def entry(spec, when, kind, **fields):
            user = users.get(spec["coordinator"])
            entries.append(
                TimelineEntry(
                    municipality=municipality,
                    negotiation_id=spec["pk"],
                    kind=kind,
                    actor=user,
                    actor_label=str(user) if user else "system",
                    created_at=when,
                    **fields,
                )
            )

        def meeting(spec, day, title, status, minutes=""):
            """A one-on-one of the deal on `day` (its seeds and SME linked after the insert)."""
            meetings.append(
                Meeting(
                    municipality=municipality,
                    kind=MeetingKind.ONE_ON_ONE,
                    status=status,
                    title=title,
                    starts_at=at(day, 14),
                    ends_at=at(day, 15),
                    venue="ベンチ市産業振興会館 会議室",
                    company=spec["company"],
                    coordinator_id=spec["coordinator"],
                    created_by_id=spec["coordinator"],
                    minutes=minutes,
                    cancelled_at=at(day - dt.timedelta(days=3), 10)
                    if status == MeetingStatus.CANCELLED
                    else None,
                    cancel_reason="日程が合わず中止" if status == MeetingStatus.CANCELLED else "",
                    created_at=at(
                        min(max(spec["steps"][0][1], day - dt.timedelta(days=rng.randint(7, 30))), last_day),
                        11,
                    ),
                )
            )
            meeting_links.append((spec, status))

        for spec in deal_specs:
            steps, dropped = spec["steps"], spec["dropped"]
            opened = steps[0][1]
            name = f"{sme_name[spec['sme']]} × {spec['company'].name_ja}"
            # Before the deal: a visit, a screening run for the SME and its shortlist (most deals).
            if rng.random() < 0.75:
                visited = opened - dt.timedelta(days=rng.randint(20, 60))
                visits.append((spec["sme"], visited, spec["coordinator"], "代表取締役"))
                visits.append((spec["sme"], opened, spec["coordinator"], "代表取締役、技術担当"))
                ran = visited + dt.timedelta(days=rng.randint(1, 7))
                runs.append(
                    ScreeningRun(
                        municipality=municipality,
                        direction=Direction.SME_TO_SEEDS,
                        status=RunStatus.DONE,
                        sme_id=spec["sme"],
                        top_k=10,
                        progress=100,
                        candidate_count=10,
                        created_by_id=spec["coordinator"],
                        created_at=at(ran, 15),
                        enqueued_at=at(ran, 15),
                        started_at=at(ran, 15),
                        finished_at=at(ran, 15, 1),
                    )
                )
                others = [p for p in rng.sample(pools[spec["company"].pk], 12) if p not in spec["seeds"]]
                picked = (spec["seeds"] + others)[:10]
                rng.shuffle(picked)
                run_candidates.append((spec, ran, picked))
            entry(
                spec,
                at(opened, 10),
                EntryKind.STATE_CHANGE,
                to_state=State.INTEREST,
                text="紹介したシーズに関心。企業との面談を希望",
            )
            for (old, _since), (new, day) in itertools.pairwise(steps):
                hour = 9 + pipeline.index(new)
                if new == "meeting_held":
                    meeting(spec, day, f"個別面談 {name}", MeetingStatus.HELD, rng.choice(MINUTES))
                    entry(
                        spec,
                        at(day, 16),
                        EntryKind.MEETING,
                        code=EntryCode.MEETING_HELD,
                        params={"meeting": f"個別面談 {name}", "date": day.isoformat()},
                    )
                    hour = 16
                if new == "nda_signed":
                    entry(
                        spec,
                        at(day, hour),
                        EntryKind.DOCUMENT,
                        code=EntryCode.NDA_RECORDED,
                        params={"date": day.isoformat()},
                    )
                if new == "licence_signed":
                    kind = rng.choices(["non_exclusive", "exclusive", "assignment"], (70, 25, 5))[0]
                    royalty = Decimal(rng.choice(("2.0", "2.5", "3.0", "3.5", "4.0", "5.0")))
                    terms_rows.append(
                        LicenceTerms(
                            municipality=municipality,
                            negotiation_id=spec["pk"],
                            licence_type=kind,
                            signed_on=day,
                            field_of_use=rng.choice(FIELDS_OF_USE),
                            territory="日本国内",
                            term_months=None if kind == "assignment" else rng.choice((60, 120, None)),
                            upfront_fee_yen=rng.randint(5, 50) * 100_000 * (3 if kind == "assignment" else 1),
                            royalty_percent=Decimal(0) if kind == "assignment" else royalty,
                            minimum_royalty_yen=0
                            if kind == "assignment" or rng.random() < 0.5
                            else rng.randint(1, 10) * 100_000,
                            sublicensing=rng.random() < 0.2,
                            improvements=rng.choice(("licensee", "licensor", "joint", "grant_back")),
                            recorded_by_id=spec["coordinator"],
                            recorded_at=at(day, hour),
                        )
                    )
                    entry(
                        spec,
                        at(day, hour),
                        EntryKind.DOCUMENT,
                        code=EntryCode.TERMS_RECORDED,
                        params={"type": kind},
                    )
                if new == "launched":
                    product = rng.choice(PRODUCT_WORDS[0]) + rng.choice(PRODUCT_WORDS[1])
                    product = f"{product} {spec['pk'] % 97 + 1:02d}型"
                    products.append(
                        Product(
                            municipality=municipality,
                            negotiation_id=spec["pk"],
                            name=product,
                            description=f"{spec['company'].name_ja}の開放特許を活用して開発した製品。",
                            launch_date=day,
                            price_yen=rng.randint(2, 300) * 10_000,
                            source_note="中小企業からの報告",
                            created_by_id=spec["coordinator"],
                            created_at=at(day, hour),
                        )
                    )
                    entry(
                        spec,
                        at(day, hour),
                        EntryKind.DOCUMENT,
                        code=EntryCode.PRODUCT_RECORDED,
                        params={"name": product},
                    )
                entry(spec, at(day, hour, 1), EntryKind.STATE_CHANGE, from_state=old, to_state=new)
                if rng.random() < 0.4:
                    note_day = day + dt.timedelta(days=rng.randint(2, 6))
                    if note_day <= last_day and (
                        len(steps) == steps.index((new, day)) + 1
                        or note_day < steps[steps.index((new, day)) + 1][1]
                    ):
                        entry(
                            spec,
                            at(note_day, 17),
                            rng.choice((EntryKind.NOTE, EntryKind.CALL)),
                            text=rng.choice(NOTES),
                            internal=rng.random() < 0.3,
                        )
            reached = [s for s, _d in steps]
            end = dropped[0] if dropped else (steps[-1][1] if steps[-1][0] == "launched" else last_day)
            if "meeting_held" in reached:
                # Follow-up meetings every month or two while the deal is worked on.
                day = dict(steps)["meeting_held"] + dt.timedelta(days=rng.randint(40, 90))
                n = 2
                while day < end and day <= last_day:
                    title = f"技術打合せ（第{n}回） {name}"
                    meeting(spec, day, title, MeetingStatus.HELD, rng.choice(MINUTES))
                    entry(
                        spec,
                        at(day, 16),
                        EntryKind.MEETING,
                        code=EntryCode.MEETING_HELD,
                        params={"meeting": title, "date": day.isoformat()},
                    )
                    day += dt.timedelta(days=rng.randint(45, 110))
                    n += 1
                if not dropped and steps[-1][0] != "launched":
                    meeting(
                        spec,
                        TODAY + dt.timedelta(days=rng.randint(3, 60)),
                        f"技術打合せ（第{n}回） {name}",
                        MeetingStatus.PLANNED,
                    )
            elif "introduced" in reached:
                day = dict(steps)["introduced"] + dt.timedelta(days=rng.randint(14, 45))
                if dropped or day <= last_day:
                    day = min(day, last_day)
                    meeting(spec, day, f"個別面談 {name}", MeetingStatus.CANCELLED)
                else:
                    meeting(spec, day, f"個別面談 {name}", MeetingStatus.PLANNED)
            if dropped:
                entry(
                    spec,
                    at(dropped[0], 18),
                    EntryKind.STATE_CHANGE,
                    from_state=steps[-1][0],
                    to_state=State.DROPPED,
                    text=DROP_NOTES[dropped[1]],
                )
            elif steps[-1][0] != "launched":
                # An open deal has a next step: a task, overdue now and then.
                tasks.append(
                    Task(
                        municipality=municipality,
                        negotiation_id=spec["pk"],
                        title=rng.choice(TASK_TITLES),
                        due_on=TODAY + dt.timedelta(days=rng.randint(-10, 45)),
                        assignee_id=spec["coordinator"],
                        created_by_id=spec["coordinator"],
                        created_at=at(max(steps[-1][1], last_day - dt.timedelta(days=20)), 12),
                    )
                )
            # Done tasks along the way.
            for _state, day in steps[1:]:
                if rng.random() < 0.3:
                    tasks.append(
                        Task(
                            municipality=municipality,
                            negotiation_id=spec["pk"],
                            title=rng.choice(TASK_TITLES),
                            due_on=day,
                            assignee_id=spec["coordinator"],
                            done_at=at(day, 17),
                            created_by_id=spec["coordinator"],
                            created_at=at(day - dt.timedelta(days=14), 12),
                        )
                    )

        # Symposiums: two a year (spring and autumn), both companies presenting, 20-60 SMEs each: SMEs
        # that open a deal in the months after it (where deals start) and SMEs without any deal.
        symposiums = []
        for year in [*years, current + 1]:
            for month, dday in ((6, 20), (11, 15)):
                day = dt.date(year if month >= 4 else year + 1, month, dday)
                if day > TODAY + dt.timedelta(days=120):
                    continue
                status = MeetingStatus.HELD if day <= last_day else MeetingStatus.PLANNED
                symposiums.append(
                    Meeting(
                        municipality=municipality,
                        kind=MeetingKind.SYMPOSIUM,
                        status=status,
                        title=f"開放特許マッチング交流会 {year}年度{'春' if month == 6 else '秋'}",
                        starts_at=at(day, 13),
                        ends_at=at(day, 17),
                        venue="ベンチ市産業振興会館 ホール",
                        capacity=80,
                        coordinator_id=coord_ids[0] if coord_ids else None,
                        created_by_id=coord_ids[0] if coord_ids else None,
                        agenda="企業によるシーズ紹介、個別相談",
                        minutes="2社がシーズを紹介し、個別相談を実施した。"
                        if status == MeetingStatus.HELD
                        else "",
                        created_at=at(day - dt.timedelta(days=60), 10),
                    )
                )
        Meeting.objects.bulk_create(meetings + symposiums, batch_size=1000)
        participants = []
        with_deal = {s["sme"] for s in deal_specs}
        no_deal = [sme for sme in sme_ids if sme not in with_deal]
        MeetingSeeds = Meeting.seeds.through
        Presenting = Meeting.presenting_companies.through
        seed_links, presenting = [], []
        for row, (spec, status) in zip(meetings, meeting_links, strict=True):
            held = status == MeetingStatus.HELD
            participants.append(
                Participant(
                    municipality=municipality,
                    meeting_id=row.pk,
                    sme_id=spec["sme"],
                    reply=Reply.ATTENDING if status != MeetingStatus.CANCELLED else Reply.DECLINED,
                    invited_at=row.created_at,
                    attended=True if held else None,
                )
            )
            seed_links += [MeetingSeeds(meeting_id=row.pk, patent_id=p) for p in spec["seeds"]]
        for row in symposiums:
            held = row.status == MeetingStatus.HELD
            presenting += [Presenting(meeting_id=row.pk, largecompany_id=c.pk) for c in companies]
            starts = row.starts_at.date()
            coming = {
                s["sme"]
                for s in deal_specs
                if starts < s["steps"][0][1] <= starts + dt.timedelta(days=180) and rng.random() < 0.6
            }
            free = rng.sample(no_deal, min(len(no_deal), rng.randint(10, 30)))
            for sme in sorted(coming | set(free)):
                participants.append(
                    Participant(
                        municipality=municipality,
                        meeting_id=row.pk,
                        sme_id=sme,
                        reply=Reply.ATTENDING,
                        invited_at=row.created_at,
                        attended=(rng.random() < 0.85) if held else None,
                    )
                )
        Participant.objects.bulk_create(participants, batch_size=2000)
        MeetingSeeds.objects.bulk_create(seed_links, batch_size=2000)
        Presenting.objects.bulk_create(presenting)
        TimelineEntry.objects.bulk_create(entries, batch_size=2000)
        LicenceTerms.objects.bulk_create(terms_rows)
        Product.objects.bulk_create(products)

        # Sales: each full fiscal year after the launch (reported once the year is over), and the
        # launch year's months; growing, then levelling off.
        sales = []
        for product in products:
            first = fiscal_year_of(product.launch_date)
            base = rng.randint(5, 80) * 1_000_000
            for k, year in enumerate(range(first, current)):
                amount = int(base * min(1 + 0.6 * k, 3) * (0.4 if k == 0 else rng.uniform(0.8, 1.2)))
                sales.append(
                    ProductSales(
                        municipality=municipality,
                        product_id=product.pk,
                        fiscal_year=year,
                        sales_yen=amount,
                        royalty_base_yen=int(amount * 0.9),
                        reported_by_id=coord_ids[0] if coord_ids else None,
                        reported_at=at(dt.date(year + 1, 5, 20), 10),
                    )
                )
        ProductSales.objects.bulk_create(sales)

        # The coordinators' other visits (rounds that no deal came from): about 40 a year.
        for year in years:
            for _i in range(40 if year < current else int(40 * max(elapsed, 0.05))):
                visits.append((rng.choice(sme_ids), day_in(year), pick_coordinator(), "代表取締役"))
        Visit.objects.bulk_create(
            [
                Visit(
                    municipality=municipality,
                    sme_id=sme,
                    visited_on=day,
                    coordinator_id=coordinator,
                    coordinator_label=str(users.get(coordinator, "")),
                    people_met=people,
                    notes="事業の現状と今後の方向を聞き取り、関連する開放特許を紹介した。",
                    created_at=at(day, 11),
                )
                for sme, day, coordinator, people in visits
                if day >= dt.date(years[0], 4, 1)
            ],
            batch_size=2000,
        )

        ScreeningRun.objects.bulk_create(runs, batch_size=1000)
        candidates = []
        for run, (spec, ran, picked) in zip(runs, run_candidates, strict=True):
            alternative = next(p for p in picked if p not in spec["seeds"])
            for rank, patent in enumerate(picked, start=1):
                chosen = patent in spec["seeds"] or patent == alternative
                score = round(1.0 - rank * 0.06 + rng.uniform(-0.02, 0.02), 3)
                candidates.append(
                    ScreeningCandidate(
                        municipality=municipality,
                        run_id=run.pk,
                        patent_id=patent,
                        sme_id=spec["sme"],
                        rank=rank,
                        score=score,
                        relevance=round(score * 12, 2),
                        fit_adjustment=0.0,
                        band="strong" if rank <= 3 else "possible",
                        decision=Decision.SHORTLISTED if chosen else Decision.PENDING,
                        note="次回の訪問で紹介する"
                        if patent in spec["seeds"]
                        else ("代替案として紹介する" if chosen else ""),
                        decided_by_id=spec["coordinator"] if chosen else None,
                        decided_at=at(ran, 16) if chosen else None,
                    )
                )
        ScreeningCandidate.objects.bulk_create(candidates, batch_size=2000)

        # The SMEs' interests in seeds: the deals' own, and many more that came to nothing.
        interests, seen = [], set()

        def interest(sme, patent, day):
            if (sme, patent) in seen or day > last_day:
                return
            seen.add((sme, patent))
            answered = day < last_day - dt.timedelta(days=14) or rng.random() < 0.5
            interests.append(
                SeedInterest(
                    municipality=municipality,
                    sme_id=sme,
                    patent_id=patent,
                    message=rng.choice(INTEREST_MESSAGES),
                    status=InterestStatus.ACKNOWLEDGED if answered else InterestStatus.NEW,
                    created_by_label=sme_name[sme],
                    created_at=at(day, 9),
                    acknowledged_by_id=pick_coordinator() if answered else None,
                    acknowledged_at=at(min(day + dt.timedelta(days=rng.randint(1, 5)), last_day), 17)
                    if answered
                    else None,
                    reply="ご関心ありがとうございます。担当コーディネーターから日程調整のご連絡をします。"
                    if answered
                    else "",
                )
            )

        for spec in deal_specs:
            for patent in spec["seeds"]:
                interest(spec["sme"], patent, spec["steps"][0][1] - dt.timedelta(days=rng.randint(1, 10)))
        pool = [(c.pk, p) for c in companies for p in pools[c.pk]]
        target = 5 * len(deal_specs)
        tries = 0
        while len(interests) < target and tries < target * 5:
            tries += 1
            _company, patent = rng.choice(pool)
            interest(rng.choice(sme_ids), patent, day_in(rng.choices(years, weights)[0]))
        SeedInterest.objects.bulk_create(interests, batch_size=2000)

        # Subsidy programmes (three, two windows a year) and about one application for four deals:
        # SMEs with a deal at NDA or later apply for the development costs.
        programmes = [
            Programme(
                municipality=municipality,
                name=name,
                agency=agency,
                level=level,
                max_amount_jpy=maximum,
                rate_numerator=1 if level != "national" else 2,
                rate_denominator=2 if level != "national" else 3,
                purpose="新製品・新技術の開発に要する経費の一部を補助する。",
                licence_required=level == "city",
                created_at=at(dt.date(years[0], 4, 1), 9),
            )
            for name, agency, level, maximum in PROGRAMMES
        ]
        Programme.objects.bulk_create(programmes)
        windows = {}
        window_rows = []
        for programme in programmes:
            for year in [*years, current + 1]:
                for label, opens, closes in (("第1回", (5, 1), (6, 15)), ("第2回", (9, 1), (10, 15))):
                    window = ProgrammeWindow(
                        municipality=municipality,
                        programme=programme,
                        label=f"{year}年度 {label}",
                        opens_on=dt.date(year, *opens),
                        closes_on=dt.date(year, *closes),
                    )
                    window_rows.append(window)
                    windows.setdefault(programme.pk, []).append(window)
        ProgrammeWindow.objects.bulk_create(window_rows)
        applications = []
        candidates_for_subsidy = [s for s in deal_specs if "nda_signed" in dict(s["steps"])]
        for spec in candidates_for_subsidy:
            if len(applications) >= max(1, len(deal_specs) // 4):
                break
            nda = dict(spec["steps"])["nda_signed"]
            programme = rng.choice(programmes)
            window = next((w for w in windows[programme.pk] if w.closes_on >= nda), None)
            if window is None:
                continue
            submitted = max(window.opens_on, nda) + dt.timedelta(days=rng.randint(0, 14))
            submitted = min(submitted, window.closes_on)
            requested = rng.randint(5, programme.max_amount_jpy // 100_000) * 100_000
            fields = {"status": ApplicationStatus.DRAFT}
            if submitted <= last_day:
                decided = submitted + dt.timedelta(days=rng.randint(45, 75))
                fields = {"status": ApplicationStatus.SUBMITTED, "submitted_on": submitted}
                roll = rng.random()
                if roll < 0.07:
                    fields = {
                        "status": ApplicationStatus.WITHDRAWN,
                        "submitted_on": submitted,
                        "withdrawn_on": min(submitted + dt.timedelta(days=20), last_day),
                        "withdrawal_reason": "開発計画の見直しのため",
                    }
                elif decided <= last_day:
                    granted = roll < 0.7
                    fields.update(
                        status=ApplicationStatus.GRANTED if granted else ApplicationStatus.REJECTED,
                        decided_on=decided,
                        amount_granted_jpy=int(requested * rng.choice((1.0, 1.0, 0.8))) if granted else None,
                    )
                    reported = decided + dt.timedelta(days=300)
                    if granted and reported <= last_day:
                        fields.update(status=ApplicationStatus.RESULT_REPORTED, result_reported_on=reported)
            applications.append(
                Application(
                    municipality=municipality,
                    sme_id=spec["sme"],
                    programme=programme,
                    window=window,
                    title=f"開放特許を活用した{rng.choice(PRODUCT_WORDS[1])}の開発",
                    negotiation_id=spec["pk"],
                    coordinator_id=spec["coordinator"],
                    amount_requested_jpy=requested,
                    created_by_id=spec["coordinator"],
                    created_at=at(min(max(nda, submitted - dt.timedelta(days=7)), last_day), 15),
                    updated_at=at(min(submitted + dt.timedelta(days=1), last_day), 15),
                    **fields,
                )
            )
        Application.objects.bulk_create(applications)
        Task.objects.bulk_create(tasks, batch_size=2000)

        # The council's targets: about what each year came to, a little above or below (not always met).
        actual = {year: dict.fromkeys(Figure.values, 0) for year in years}

        def count(figure, day):
            if day is not None and fiscal_year_of(day) in actual:
                actual[fiscal_year_of(day)][figure] += 1

        for _sme, day, _c, _p in visits:
            count("visits", day)
        for c in candidates:
            count("matches", c.decided_at.date() if c.decided_at else None)
        for row in meetings + symposiums:
            if row.status == MeetingStatus.HELD:
                count("meetings", row.starts_at.date())
        for spec in deal_specs:
            by_state = dict(spec["steps"])
            count("ndas", by_state.get("nda_signed"))
            count("licences", by_state.get("licence_signed"))
            count("products", by_state.get("launched"))
        KpiTarget.objects.bulk_create(
            [
                KpiTarget(
                    municipality=municipality,
                    fiscal_year=year,
                    figure=figure,
                    target=max(1, round(actual[year][figure] * rng.uniform(0.85, 1.2)))
                    if year < current
                    else max(1, round(actual[year - 1][figure] * 1.1)),
                    set_by_id=coord_ids[0] if coord_ids else None,
                    set_at=at(dt.date(year, 4, 1) - dt.timedelta(days=20), 10),
                )
                for year in years
                for figure in Figure.values
            ]
        )
    states = {}
    for row in rows:
        states[row.state] = states.get(row.state, 0) + 1
    return {
        "deals": len(rows),
        "states": states,
        "timeline entries": len(entries),
        "meetings": len(meetings) + len(symposiums),
        "held": sum(1 for m in meetings + symposiums if m.status == MeetingStatus.HELD),
        "visits": len(visits),
        "screening runs": len(runs),
        "interests": len(interests),
        "licences": len(terms_rows),
        "products": len(products),
        "sales reports": len(sales),
        "applications": len(applications),
        "tasks": len(tasks),
        "open tasks": sum(1 for t in tasks if t.done_at is None),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seeds", type=int, default=100_000)
    parser.add_argument("--smes", type=int, default=500)
    parser.add_argument("--coordinators", type=int, default=50)
    parser.add_argument(
        "--deals", type=int, default=400, help="deals of the programme's history (0: no history)"
    )
    parser.add_argument("--no-index", action="store_true", help="skip building the indexes")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kawasaki.settings.production")
    import django

    django.setup()
    from allauth.mfa.totp.internal.auth import TOTP
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection, transaction
    from django_scopes import scope, scopes_disabled

    from kawasaki.models import Membership, Municipality, Role, User
    from kawasaki.services import api_token_issue
    from matching.indexing import index_build
    from matching.models import IndexKind, Meeting
    from negotiations.models import Negotiation, Product
    from patents.models import LargeCompany, Patent, PublicationState
    from reports.models import ProductSales
    from smes.models import SME
    from subsidies.models import Application

    call_command("migrate", verbosity=0)
    rng = random.Random(13)
    started = time.perf_counter()
    with scopes_disabled():
        # The history first: its rows protect the SMEs, companies and deals they point at. Then the seeds
        # and SMEs, whose deletion bumps the index versions (rows the municipality's delete then removes).
        for model in (Application, ProductSales, Product, Negotiation, Meeting, Patent, SME):
            model.objects.filter(municipality__slug=SLUG).delete()
        Municipality.objects.filter(slug=SLUG).delete()
        User.objects.filter(email__endswith="@bench.example.jp").delete()
    municipality = Municipality.objects.create(
        slug=SLUG, name_ja="ベンチ市", name_en="Bench City", prefecture="神奈川県"
    )
    print(f"database: {connection.vendor}; old data removed in {time.perf_counter() - started:.1f} s")

    with scope(municipality=municipality):
        company = LargeCompany.objects.create(
            municipality=municipality, name_ja="ベンチ電機株式会社", name_en="Bench Electric"
        )
        other = LargeCompany.objects.create(
            municipality=municipality, name_ja="アルファ重工業株式会社", name_en="Alpha Heavy Industries"
        )
        t0 = time.perf_counter()
        now = dt.datetime.now(dt.UTC)
        batch: list[Patent] = []
        fit_fields = [
            f.name for f in Patent._meta.fields if f.name.startswith("fit_") and not f.name.endswith("_note")
        ]
        with transaction.atomic():
            for i, row in enumerate(seed_rows(args.seeds, rng)):
                batch.append(
                    Patent(
                        municipality=municipality,
                        # a second, small portfolio so that company filters and orderings mean something
                        company=other if i % 50 == 0 else company,
                        number=row["number"],
                        title=row["title"],
                        abstract=row["abstract"],
                        ipc_codes=row["ipc_codes"],
                        applicants=row["applicants"],
                        publication_date=row["publication_date"],
                        expiry_date=row["expiry_date"],
                        publication_state=PublicationState.PUBLISHED
                        if row["published"]
                        else PublicationState.DRAFT,
                        published_at=now if row["published"] else None,
                        **dict.fromkeys(fit_fields[: rng.randint(0, len(fit_fields))], row["fit"]),
                    )
                )
                if len(batch) == 5000:
                    Patent.objects.bulk_create(batch)
                    batch = []
            Patent.objects.bulk_create(batch)
        print(f"seeds: {args.seeds:,} in {time.perf_counter() - t0:.1f} s")

        t0 = time.perf_counter()
        profiles = sme_profiles()
        smes = []
        for i in range(args.smes):
            a, b, c = rng.choice(profiles), rng.choice(profiles), rng.choice(profiles)
            smes.append(
                SME(
                    municipality=municipality,
                    name_ja=f"ベンチ工業{i:03d}株式会社",
                    name_en=f"Bench Works {i:03d}",
                    industry=a.get("industry") or "E",
                    industry_detail=a.get("industry_detail", ""),
                    products=a.get("products", ""),
                    needs=b.get("needs", ""),
                    capabilities=c.get("capabilities", ""),
                    equipment=a.get("equipment", ""),
                    needs_tags=b.get("needs_tags", []),
                    consent_to_share=i % 3 != 0,
                )
            )
        SME.objects.bulk_create(smes)
        print(f"SMEs: {args.smes} in {time.perf_counter() - t0:.1f} s")

        password = make_password(PASSWORD)
        accounts, api_keys = [], []
        for i in range(args.coordinators):
            email = f"bench-coordinator-{i:02d}@bench.example.jp"
            user = User.objects.create(email=email, password=password, display_name=f"ベンチ {i:02d}")
            Membership.objects.create(user=user, municipality=municipality, role=Role.COORDINATOR)
            TOTP.activate(user, TOTP_SECRET)
            accounts.append(email)
            _token, key = api_token_issue(user=user, municipality=municipality, name="load test")
            api_keys.append(key)
        print(f"coordinators: {len(accounts)} (password {PASSWORD!r}, TOTP secret in this file)")

        if args.deals:
            t0 = time.perf_counter()
            with transaction.atomic():
                figures = programme_history(
                    municipality=municipality,
                    companies=[company, other],
                    coordinators=list(User.objects.filter(email__in=accounts).order_by("email")),
                    deals=args.deals,
                    rng=rng,
                )
            print(
                f"history in {time.perf_counter() - t0:.1f} s: "
                + ", ".join(f"{k} {v}" for k, v in figures.items())
            )

        if not args.no_index:
            for kind in (IndexKind.SEEDS, IndexKind.SMES):
                t0 = time.perf_counter()
                record = index_build(municipality=municipality, kind=kind)
                print(f"{kind} index: {record.doc_count:,} documents in {time.perf_counter() - t0:.1f} s")

        some_seeds = list(
            Patent.objects.filter(municipality=municipality)
            .order_by("pk")
            .values_list("pk", flat=True)[:2000:40]
        )
        some_smes = list(
            SME.objects.filter(municipality=municipality).order_by("pk").values_list("pk", flat=True)[:50]
        )
    OUT.write_text(
        json.dumps(
            {
                "municipality": SLUG,
                "company_id": company.pk,
                "password": PASSWORD,
                "totp_secret": TOTP_SECRET,
                "coordinators": accounts,
                "api_keys": api_keys,
                "seed_ids": some_seeds,
                "sme_ids": some_smes,
            },
            indent=1,
        )
    )
    print(f"done in {time.perf_counter() - started:.1f} s; wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
