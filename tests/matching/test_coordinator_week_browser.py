"""A coordinator's week in a real browser, at 1366 px and on a 390 px phone: "my week" leads to a meeting
request and a proposal is scheduled with a named meeting; a quick-search hit goes to the SME's shortlist
with why it fits; two candidates are rejected at once (first without a reason, refused beside the
buttons); the handouts download. On every page the layout fits the screen (no sideways scrolling)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from openpyxl import load_workbook

from kawasaki.models import Role
from matching import services
from matching.models import (
    Decision,
    Direction,
    Meeting,
    MeetingKind,
    MeetingProposal,
    ProposalStatus,
    RejectReason,
    ShortlistEntry,
)
from tests.conftest import enrol_totp, make_member, totp_now
from tests.factories.core import PASSWORD
from tests.factories.matching import MeetingFactory, OneOnOneRequestFactory
from tests.matching.conftest import make_company, make_patent, make_sme

pytestmark = pytest.mark.browser

VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
SLUG = "city-a"


def url(live_server, name, **kwargs) -> str:
    return live_server.url + reverse(name, kwargs={"municipality": SLUG, **kwargs})


def assert_fits(page, where: str) -> None:
    """Nothing wider than the screen: the page never scrolls sideways."""
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{where}: {overflow}px wider than the screen"


@pytest.fixture
def week(city_a):
    """The coordinator's week: an SME screened against a company's seeds (one candidate shortlisted
    and proposed for a meeting, two undecided), and another SME's request after a symposium."""
    coordinator = make_member(city_a, Role.COORDINATOR, email="coord@example.jp", with_mfa=False)
    secret = enrol_totp(coordinator)
    company = make_company(city_a, "川崎電機株式会社(サンプル)")
    sensor = make_patent(
        city_a, company, "振動センサー", "振動を測る小型センサー。", plain_summary="機械の揺れを測る部品"
    )
    damper = make_patent(city_a, company, "振動の減衰装置", "振動を吸収するゴム。")
    harvester = make_patent(city_a, company, "振動発電素子", "振動から電気をつくる素子。")
    sme = make_sme(city_a, "多摩川精密株式会社", needs="振動を測りたい")
    other_sme = make_sme(city_a, "相模精工株式会社", needs="騒音を減らしたい")
    with scope(municipality=city_a):
        run = services.screening_run_start(
            municipality=city_a,
            actor=coordinator,
            direction=Direction.SME_TO_SEEDS,
            sme=sme,
            query_text="振動",
        )
        services.screening_run_execute(run=run)
        shortlisted = run.candidates.get(patent=sensor)
        services.candidate_decide(candidate=shortlisted, actor=coordinator, decision=Decision.SHORTLISTED)
        proposal = services.meeting_propose(
            municipality=city_a, actor=coordinator, kind="one_on_one", candidates=[shortlisted]
        )
        undecided = list(run.candidates.exclude(pk=shortlisted.pk).order_by("rank"))
    with scopes_disabled():
        symposium = MeetingFactory(
            municipality=city_a,
            kind=MeetingKind.SYMPOSIUM,
            company=None,
            title="川崎知財シンポジウム",
            starts_at=timezone.now() - dt.timedelta(days=2),
        )
        symposium.presenting_companies.add(company)
        request = OneOnOneRequestFactory(symposium=symposium, sme=other_sme, company=company)
    assert {c.patent for c in undecided} == {damper, harvester}
    return {
        "coordinator": coordinator,
        "secret": secret,
        "company": company,
        "sme": sme,
        "run": run,
        "proposal": proposal,
        "undecided": undecided,
        "damper": damper,
        "request": request,
    }


@pytest.fixture(params=list(VIEWPORTS))
def screen(request, browser):
    context = browser.new_context(locale="ja-JP", viewport=VIEWPORTS[request.param], accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.console_errors = errors
    yield page
    context.close()


def sign_in(page, live_server, week) -> None:
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=login]", "coord@example.jp")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.fill("input[name=code]", totp_now(week["secret"]))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(f"**/m/{SLUG}/")


@pytest.mark.django_db(transaction=True)
def test_a_coordinators_week(live_server, screen, city_a, week, tmp_path):
    page = screen
    sign_in(page, live_server, week)

    # 1. My week: the symposium's request is one click from scheduling it.
    request_link = page.get_by_role("link", name="相模精工株式会社 × 川崎電機株式会社(サンプル)")
    request_link.wait_for()
    assert_fits(page, "my week")
    request_link.click()
    page.wait_for_url(url(live_server, "request_schedule", pk=week["request"].pk))
    assert "相模精工株式会社" in page.locator("main").inner_text()
    assert_fits(page, "request schedule")

    # 2. Scheduling from a proposal: the meeting is named after the SME, the company and the seed.
    page.goto(url(live_server, "meetingproposal_list"))
    assert_fits(page, "proposals")
    page.get_by_test_id(f"schedule-{week['proposal'].pk}").click()
    title = page.locator("input[name=title]")
    assert title.input_value() == "多摩川精密 × 川崎電機: 振動センサー"
    day = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    page.fill("input[name=starts_at]", f"{day}T10:00")
    page.fill("input[name=ends_at]", f"{day}T11:00")
    page.fill("input[name=venue]", "川崎市産業振興会館")
    assert_fits(page, "schedule form")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/meetings/*/")
    assert page.locator("h1").inner_text().strip() == "多摩川精密 × 川崎電機: 振動センサー"
    assert_fits(page, "meeting")
    with scopes_disabled():
        meeting = Meeting.objects.get(municipality=city_a, kind=MeetingKind.ONE_ON_ONE)
        assert meeting.title == "多摩川精密 × 川崎電機: 振動センサー"
        assert meeting.venue == "川崎市産業振興会館"
        assert MeetingProposal.objects.get().status == ProposalStatus.SCHEDULED

    # 3. Quick search for the SME, save a hit to its shortlist (htmx, no reload), with why it fits.
    page.goto(url(live_server, "screening_home"))
    page.locator("#id_sme-search").fill("多摩川")
    page.get_by_role("option", name="多摩川精密株式会社").click()
    page.fill("textarea[name=q]", "振動を吸収したい")
    page.get_by_role("button", name="シーズを検索").click()
    page.get_by_test_id("search-results").wait_for()
    assert_fits(page, "quick search")
    page.get_by_test_id(f"save-{week['damper'].pk}").click()
    saved = page.get_by_test_id("shortlist-saved")
    saved.wait_for()
    with scopes_disabled():
        entry = ShortlistEntry.objects.get(sme=week["sme"], patent=week["damper"])
    assert entry.reasons["source"] == "search"
    assert entry.reasons["query"] == "振動を吸収したい"
    saved.get_by_role("link").click()
    page.wait_for_url(url(live_server, "shortlist_detail", sme=week["sme"].pk))
    rows = page.get_by_test_id("shortlist-entry")
    assert rows.count() == 2  # the proposed seed and the one just saved
    damper_row = rows.filter(has_text="振動の減衰装置")
    assert "「振動を吸収したい」" in damper_row.get_by_test_id("shortlist-reasons").inner_text()
    assert_fits(page, "shortlist")

    # 4. Bulk reject on the run: without a reason the refusal shows beside the buttons, nothing changes.
    page.goto(url(live_server, "screeningrun_detail", pk=week["run"].pk))
    for candidate in week["undecided"]:
        page.get_by_test_id(f"tick-{candidate.pk}").check()
    bulk = page.locator("#bulk-decide")
    bulk.locator("button[value=rejected]").click()
    page.get_by_test_id("bulk-error").wait_for()
    assert page.get_by_test_id("bulk-error").is_visible()
    assert_fits(page, "run with the refusal")
    with scopes_disabled():
        assert set(week["run"].candidates.values_list("decision", flat=True)) == {
            Decision.SHORTLISTED,
            Decision.PENDING,
        }
    page.get_by_test_id("bulk-reason").select_option(RejectReason.values[0])
    with page.expect_navigation():
        page.locator("#bulk-decide button[value=rejected]").click()
    assert "(2)" in page.get_by_test_id("count-rejected").inner_text()
    with scopes_disabled():
        decided = {c.pk: (c.decision, c.reject_reason) for c in week["run"].candidates.all()}
    for candidate in week["undecided"]:
        assert decided[candidate.pk] == (Decision.REJECTED, RejectReason.values[0])
    assert_fits(page, "run after the decision")

    # 5. Handouts: the spreadsheet downloads, the SME's PDF opens.
    page.goto(url(live_server, "shortlist_detail", sme=week["sme"].pk))
    with page.expect_download() as download:
        page.get_by_test_id("handout-xlsx").click()
    assert download.value.suggested_filename == f"shortlist-{week['sme'].pk}.xlsx"
    saved_as = tmp_path / download.value.suggested_filename
    download.value.save_as(saved_as)
    book = load_workbook(saved_as)
    titles = {row[0] for row in book.active.iter_rows(min_row=2, values_only=True)}
    assert titles == {"振動センサー", "振動の減衰装置"}
    pdf = page.request.get(live_server.url + page.get_by_test_id("handout-sme").get_attribute("href"))
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")

    # The browser logs the refusal's 422 (which htmx swaps in on purpose); nothing else went wrong.
    assert [e for e in page.console_errors if "422" not in e] == []
