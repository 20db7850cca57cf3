"""The demo tells each city's programme as it could have happened: the whole seed is run (every app's
step), then the story's invariants are checked on what the services recorded; a second run adds nothing."""

import datetime as dt
import re

import pytest
from django.utils import timezone, translation
from django.utils.module_loading import autodiscover_modules
from django_scopes import scope, scopes_disabled

from kawasaki import demo
from matching.models import Decision, Meeting, MeetingStatus, Participant, ScreeningCandidate, ShortlistEntry
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
from patents.models import LargeCompany
from smes.models import SME, Partner, Visit
from smes.validators import validate_corporate_number

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def _counts():
    return (
        Negotiation.objects.count(),
        Product.objects.count(),
        LicenceTerms.objects.count(),
        Meeting.objects.count(),
        Visit.objects.count(),
        Task.objects.count(),
        SME.objects.count(),
        Partner.objects.count(),
    )


@pytest.mark.django_db
def test_seed_demo_has_every_state_and_runs_twice(seeded):
    kawasaki = seeded["kawasaki"]
    assert set(Negotiation.objects.filter(municipality=kawasaki).values_list("state", flat=True)) == set(
        State.values
    )
    assert all(d.drop_reason and d.drop_note for d in Negotiation.objects.filter(state=State.DROPPED))
    counts = _counts()
    demo.seed_demo()
    with scopes_disabled():
        assert _counts() == counts


@pytest.mark.django_db
def test_every_deal_dates_run_in_order_and_in_the_past(seeded):
    today = timezone.localdate()
    deals = Negotiation.objects.exclude(state__in=[State.INTEREST, State.INTRODUCED])
    assert deals.count() >= 15
    for deal in deals:
        held = sorted(
            timezone.localtime(m.starts_at).date()
            for m in Meeting.objects.filter(
                company=deal.company,
                status=MeetingStatus.HELD,
                pk__in=Participant.objects.filter(sme=deal.sme, attended=True).values("meeting_id"),
            )
        )
        assert held, deal
        assert held[-1] <= today
        chain = [held[0]]
        if deal.nda_signed_on:
            assert deal.nda_signed_on >= held[0], deal
            assert deal.nda_expires_on > deal.nda_signed_on
            chain.append(deal.nda_signed_on)
        terms = LicenceTerms.objects.filter(negotiation=deal).first()
        if terms is not None:
            assert deal.nda_signed_on, deal
            assert terms.signed_on >= deal.nda_signed_on, deal
            chain.append(terms.signed_on)
        for product in Product.objects.filter(negotiation=deal):
            assert terms is not None, deal
            assert product.launch_date >= terms.signed_on, deal
            chain.append(product.launch_date)
        assert chain == sorted(chain), deal
        assert chain[-1] <= today, deal
    for visit in Visit.objects.all():
        assert visit.visited_on <= today
    for meeting in Meeting.objects.filter(status=MeetingStatus.HELD):
        assert timezone.localtime(meeting.starts_at).date() <= today


@pytest.mark.django_db
def test_story_spans_fiscal_years_with_believable_terms(seeded):
    for municipality in seeded.values():
        licences = LicenceTerms.objects.filter(municipality=municipality)
        products = Product.objects.filter(municipality=municipality)
        assert len({municipality.fiscal_year_of(t.signed_on) for t in licences}) >= 2
        assert len({municipality.fiscal_year_of(p.launch_date) for p in products}) >= 2
        # Not one price for all: each licence and product has its own figures, in a believable range.
        assert len({(t.royalty_percent, t.upfront_fee_yen) for t in licences}) == licences.count()
        assert len({p.price_yen for p in products}) == products.count()
        for terms in licences:
            assert 1 <= terms.royalty_percent <= 10
            assert 100_000 <= terms.upfront_fee_yen <= 5_000_000
    # The story's own placement: its last date is before today, whatever today is. (Imported here: a
    # demo module imported at collection would put its steps ahead of the apps it builds on.)
    from negotiations.demo import story, story_date, story_first_year

    today = dt.date(2027, 4, 1)
    first = story_first_year(today)
    dates = [
        story_date(first, deal[key])
        for city in story().values()
        for deal in city["deals"]
        for key in ("visit", "meeting", "nda", "licence", "product", "opened")
        if key in deal
    ]
    assert max(dates) < today
    assert first == 2024


@pytest.mark.django_db
def test_products_follow_from_the_seed_and_are_japanese(seeded):
    products = Product.objects.select_related("negotiation__sme", "negotiation__company")
    assert products.count() >= 8
    for product in products:
        deal = product.negotiation
        # A Japanese SME's product is described in Japanese and owes nothing to NASA's spinoff stories.
        assert JAPANESE.search(product.name), product
        assert JAPANESE.search(product.description), product
        for text in (product.name, product.description, product.source_note):
            assert "NASA" not in text, product
            assert "Spinoff" not in text, product
        assert JAPANESE.search(deal.sme.name_ja)
        assert "NASA" not in deal.company.name_ja
        assert deal.seeds.exists()
        assert all(seed.company_id == deal.company_id for seed in deal.seeds.all())


@pytest.mark.django_db
def test_each_city_has_its_own_smes_partners_and_companies(seeded):
    kawasaki, sagamihara = seeded["kawasaki"], seeded["sagamihara"]

    def names(model, municipality):
        return set(model.objects.filter(municipality=municipality).values_list("name_ja", flat=True))

    for model in (SME, Partner, LargeCompany):
        k, s = names(model, kawasaki), names(model, sagamihara)
        assert k, model
        assert s, model
        # Even the public-domain NASA portfolio goes by each city's own centres' name.
        assert not k & s, model
    assert Negotiation.objects.filter(municipality=sagamihara).count() >= 6
    for sme in SME.objects.all():
        assert sme.corporate_number, sme
        validate_corporate_number(sme.corporate_number)
        assert JAPANESE.search(sme.name_ja)
        assert JAPANESE.search(sme.products)
    assert SME.objects.values("corporate_number").distinct().count() == SME.objects.count()


@pytest.mark.django_db
def test_demo_closed_meeting_gets_its_follow_up_task(monkeypatch):
    # Every app's demo module is imported here, in app order, before this test picks its steps: a demo
    # module imported first at collection would put its steps ahead of the apps it builds on.
    autodiscover_modules("demo")
    from matching.demo import meetings_demo
    from negotiations.demo import negotiations_demo

    monkeypatch.setattr(demo, "DEMO_STEPS", [meetings_demo, negotiations_demo])
    demo.seed_demo()
    with scopes_disabled():
        assert list(Task.objects.filter(meeting__isnull=False).values_list("title", "meeting__title")) == [
            ("説明会の資料を企業から受領", "クローズド技術説明会（デモ）")
        ]


@pytest.mark.django_db
def test_records_carry_the_story_dates_not_the_day_the_demo_ran(seeded):
    """Deals, their timelines, meetings and visits are stamped along the story: a deal is opened the day
    the SME showed interest (or the story's day), each entry on the day of what it records, in order."""
    today = timezone.localdate()

    def day(value):
        return timezone.localtime(value).date()

    deals = Negotiation.objects.select_related("terms").prefetch_related("products")
    assert deals.count() >= 20
    for deal in deals:
        entries = list(TimelineEntry.objects.filter(negotiation=deal).order_by("created_at", "pk"))
        assert entries, deal
        opened = day(deal.created_at)
        assert opened < today, deal
        assert day(entries[0].created_at) == opened, deal
        held = Meeting.objects.filter(
            company=deal.company,
            status=MeetingStatus.HELD,
            pk__in=Participant.objects.filter(sme=deal.sme, attended=True).values("meeting_id"),
        ).first()
        if held is not None:
            # Evidence first: the SME's interest opened the deal, then the meeting was arranged (the
            # introduction), then held.
            assert opened <= day(held.created_at) < day(held.starts_at), deal
        for entry in entries:
            if entry.code == EntryCode.NDA_RECORDED:
                assert day(entry.created_at) == deal.nda_signed_on, deal
            elif entry.code == EntryCode.TERMS_RECORDED:
                assert day(entry.created_at) == deal.terms.signed_on, deal
            elif entry.code == EntryCode.PRODUCT_RECORDED:
                assert day(entry.created_at) == deal.products.get().launch_date, deal
            if entry.kind != EntryKind.NOTE and entry.kind != EntryKind.CALL:
                assert day(entry.created_at) < today, (deal, entry.kind, entry.code)
        # The states were entered in pipeline order, and the deal's "state changed" is its last move.
        moves = [e for e in entries if e.kind == EntryKind.STATE_CHANGE]
        order = [State.values.index(e.to_state) for e in moves]
        assert order == sorted(order), deal
        assert deal.state_changed_at == (moves[-1].created_at if moves else deal.created_at), deal
        # Every step after the one before: no two days out of order on the timeline.
        assert [e.created_at for e in entries] == sorted(e.created_at for e in entries)
    # The visits the deals' stories begin with (the smes app's own demo visits are its own).
    story_visits = Visit.objects.filter(
        notes="事業の現状と今後の方向を聞き取り、関連する開放特許を紹介した。"
    )
    assert story_visits.count() >= 10
    for visit in story_visits:
        assert day(visit.created_at) == visit.visited_on
    # Only this week's notes and the open tasks are recent; the history is spread over the story.
    recent = TimelineEntry.objects.filter(created_at__date__gte=today - dt.timedelta(days=7))
    assert set(recent.values_list("kind", flat=True)) <= {EntryKind.NOTE, EntryKind.CALL}
    licences = LicenceTerms.objects.all()
    assert all(day(t.recorded_at) == t.signed_on for t in licences)
    assert len({day(d.created_at) for d in deals}) >= deals.count() - 2


def _story_deals(seeded):
    """(municipality, the deal's story in deals.json, its record) for every story deal."""
    from negotiations.demo import _company, story

    for slug, city in story().items():
        municipality = seeded[slug]
        for data in city["deals"]:
            sme = SME.objects.get(municipality=municipality, name_ja=data["sme"])
            company = _company(municipality, data["company"])
            yield municipality, data, Negotiation.objects.get(sme=sme, company=company)


@pytest.mark.django_db
def test_each_deal_began_with_a_dated_shortlist(seeded):
    """The coordinator screened the seeds for the SME and shortlisted several (the deal's seed among
    them) after the visit, on the story's day, before presenting them and arranging the meeting."""
    from negotiations.demo import story_date, story_first_year

    first = story_first_year(timezone.localdate())

    def day(value):
        return timezone.localtime(value).date()

    matched = 0
    for _municipality, data, deal in _story_deals(seeded):
        if "match" not in data:
            continue
        matched += 1
        on = story_date(first, data["match"])
        shortlisted = ScreeningCandidate.objects.filter(
            run__sme=deal.sme, decision=Decision.SHORTLISTED, decided_at__date=on
        )
        assert shortlisted.count() >= 2, deal
        assert {s.pk for s in deal.seeds.all()} <= set(shortlisted.values_list("patent_id", flat=True)), deal
        assert {day(c.run.created_at) for c in shortlisted} == {on}, deal
        # Japanese companies' seeds only: NASA's portfolio is never put forward to a Japanese SME here.
        assert all(
            JAPANESE.search(c.patent.company.name_ja) and "NASA" not in c.patent.company.name_ja
            for c in shortlisted
        )
        assert ShortlistEntry.objects.filter(sme=deal.sme, patent__in=deal.seeds.all()).exists(), deal
        steps = [
            story_date(first, data[k])
            for k in ("visit", "match", "interest", "introduced", "meeting")
            if k in data
        ]
        assert steps == sorted(steps), deal
        assert len(set(steps)) == len(steps), deal
        assert day(deal.created_at) == story_date(first, data["interest"]), deal
    assert matched >= 18


@pytest.mark.django_db
def test_council_funnel_reads_true_in_every_year(seeded):
    """The council's funnel of every year of the story, and of this year: each figure at most the one
    before it (conversions up to 100 %), matches in every year; and a deal spent days in each stage."""
    from negotiations.demo import story_first_year
    from reports.selectors import funnel, year_funnel

    today = timezone.localdate()
    first = story_first_year(today)
    for municipality in seeded.values():
        current = municipality.fiscal_year_of(today)
        for fiscal_year in range(first, current + 1):
            rows = year_funnel(municipality=municipality, fiscal_year=fiscal_year)
            counts = {row["figure"]: row["count"] for row in rows}
            assert [row["count"] for row in rows] == sorted((row["count"] for row in rows), reverse=True), (
                municipality.slug,
                fiscal_year,
                counts,
            )
            assert all(row["conversion"] is None or row["conversion"] <= 1 for row in rows)
            if fiscal_year <= first + 2:
                assert counts["matches"] > 0, (municipality.slug, fiscal_year)
                assert counts["meetings"] > 0, (municipality.slug, fiscal_year)
        for row in funnel(municipality=municipality):
            if row["state"] != State.LAUNCHED:
                assert row["median_days"] is not None, (municipality.slug, row)
                assert row["median_days"] >= 3, (municipality.slug, row)


@pytest.mark.django_db
def test_demo_tasks_sit_on_the_deal_they_are_about_and_a_draft_waits_on_the_company(seeded):
    """The evaluation's hearing on the deal in evaluation, the draft's points on the deal in terms, and
    that deal's latest draft licence (the SME's counter-proposal) waits on the company's review."""
    from kawasaki.models import User
    from negotiations.selectors import deals_waiting_on

    kawasaki = seeded["kawasaki"]
    tasks = dict(
        Task.objects.filter(municipality=kawasaki, negotiation__isnull=False).values_list(
            "title", "negotiation__state"
        )
    )
    assert tasks["評価結果をヒアリング"] == State.EVALUATION
    assert tasks["契約書案の論点を整理"] == State.TERMS
    company_user = User.objects.get(email="ip@bigcorp.example.com")
    with scope(municipality=kawasaki), translation.override("en"):
        waiting = deals_waiting_on(user=company_user, municipality=kawasaki)
    assert [(w.deal.state, str(w.reason)) for w in waiting] == [
        (State.TERMS, "Review the draft licence (version 2)")
    ]
    assert waiting[0].when.date() < timezone.localdate()
