"""Demo screening and meetings in Kawasaki: one SME-needs run and one portfolio run, executed at once;
meetings of each kind (a symposium held, with a one-on-one request; a one-on-one and a closed meeting
planned; an upcoming symposium open for registration; a cancelled meeting).

Idempotent: nothing is added when the municipality already has runs (or meetings). The meetings use the
companies, seeds and SMEs of patents/demo.py and smes/demo.py, creating minimal ones when those apps
left none; negotiations/demo.py uses the same ones for its deals.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from kawasaki.demo import demo_step
from patents.models import LargeCompany, Patent, PublicationState
from smes.models import SME

from .models import Decision, Direction, Meeting, MeetingKind, ProposalKind, ScreeningRun
from .services import meetings, proposals, screening, symposiums

# negotiations/demo.py adds a follow-up task to this meeting.
DEMO_CLOSED_MEETING = "クローズド技術説明会（デモ）"


@demo_step
def demo_screening(context: dict) -> None:
    municipality = context["municipalities"]["kawasaki"]
    coordinator = context["users"]["coordinator"]
    if ScreeningRun.objects.filter(municipality=municipality).exists():
        return
    if not Patent.objects.filter(
        municipality=municipality, publication_state=PublicationState.PUBLISHED
    ).exists():
        return
    sme = SME.objects.filter(municipality=municipality).exclude(needs="").order_by("pk").first()
    if sme is not None:
        run = screening.screening_run_start(
            municipality=municipality,
            actor=coordinator,
            direction=Direction.SME_TO_SEEDS,
            query_text="\n".join(t for t in (sme.needs, sme.products) if t),
            sme=sme,
            top_k=10,
        )
        screening.screening_run_execute(run=run)
        first = run.candidates.order_by("rank").first()
        if first is not None:
            screening.candidate_decide(
                candidate=first,
                actor=coordinator,
                decision=Decision.SHORTLISTED,
                note="デモ: 次回訪問で紹介する",
            )
            # A proposal waiting to be scheduled, so that the coordinator's proposals page has one.
            proposals.meeting_propose(
                municipality=municipality,
                actor=coordinator,
                kind=ProposalKind.ONE_ON_ONE,
                candidates=[first],
                note="デモ: 企業の都合を聞いて日程を決める",
            )
    company = LargeCompany.objects.filter(municipality=municipality).order_by("pk").first()
    if company is not None:
        run = screening.screening_run_start(
            municipality=municipality,
            actor=coordinator,
            direction=Direction.PORTFOLIO,
            company=company,
            top_k=3,
        )
        screening.screening_run_execute(run=run)
        screening.screening_run_share(run=run, actor=coordinator)


def demo_companies_and_smes(context: dict, municipality) -> tuple[list[LargeCompany], list[SME]]:
    """Up to 4 companies and 8 SMEs of the municipality, the demo accounts' own company and SME first
    (so that their logins show a deal and a meeting); minimal ones when the other apps' demos left none."""
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
    return companies, smes


def demo_seeds_of(company) -> list[Patent]:
    """Two seeds of a company, published ones first."""
    published = Patent.objects.filter(company=company, publication_state=PublicationState.PUBLISHED)
    return list(
        (published if published.exists() else Patent.objects.filter(company=company)).order_by("pk")[:2]
    )


@demo_step
def meetings_demo(context: dict) -> None:
    municipality = context["municipalities"]["kawasaki"]
    coordinator = context["users"]["coordinator"]
    if Meeting.objects.filter(municipality=municipality).exists():
        return
    companies, smes = demo_companies_and_smes(context, municipality)
    _meetings(municipality, coordinator, companies, smes, timezone.localdate())


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _meetings(municipality, coordinator, companies, smes, today: dt.date) -> None:
    seeds = [seed for company in companies[:2] for seed in demo_seeds_of(company)]
    symposium = meetings.meeting_create(
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
    meetings.meeting_hold(
        meeting=symposium,
        actor=coordinator,
        minutes="2社が計6件のシーズを紹介。個別面談の希望を受付。",
        attended_sme_ids=[s.pk for s in smes[:3]],
    )
    if len(smes) > 2:
        symposiums.one_on_one_request(
            symposium=symposium,
            actor=coordinator,
            sme=smes[2],
            company=companies[0],
            seeds=demo_seeds_of(companies[0])[:1],
            note="試作品への応用を相談したい",
        )
    meetings.meeting_create(
        municipality=municipality,
        actor=coordinator,
        kind=MeetingKind.ONE_ON_ONE,
        title="個別面談（デモ）",
        starts_at=_at(today + dt.timedelta(days=2), 10),
        ends_at=_at(today + dt.timedelta(days=2), 11),
        online_url="https://meet.example.jp/demo-one-on-one",
        company=companies[0],
        seeds=demo_seeds_of(companies[0]),
        smes=smes[:1],
    )
    meetings.meeting_create(
        municipality=municipality,
        actor=coordinator,
        kind=MeetingKind.CLOSED,
        title=DEMO_CLOSED_MEETING,
        starts_at=_at(today + dt.timedelta(days=6), 15),
        ends_at=_at(today + dt.timedelta(days=6), 17),
        venue="川崎市役所 第3庁舎 会議室",
        company=companies[-1],
        seeds=demo_seeds_of(companies[-1]),
        smes=smes[:3],
    )
    # An upcoming symposium open to SME self-registration (the demo SME's login sees it in its menu).
    upcoming = meetings.meeting_create(
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
        symposiums.meeting_register(meeting=upcoming, actor=coordinator, sme=sme)
    # A cancelled meeting stays listed, marked cancelled.
    cancelled = meetings.meeting_create(
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
    meetings.meeting_cancel(
        meeting=cancelled, actor=coordinator, reason="企業側の登壇者の都合により延期します。"
    )
