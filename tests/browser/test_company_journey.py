"""A large company's journey in a real browser, with the real worker: a 1,000-seed Google Patents export
(titles of NASA's patents offered for licence, two rows of another applicant) is uploaded, checked and
confirmed; the company's seeds are screened in the background against the SMEs that share their profile;
the company sees the fitting SMEs for a seed, publishes it and sees an SME's interest on the seed page.

The phases are timed; `benchmarks/bench_company_journey.py` runs this test with COMPANY_JOURNEY_TIMES
set to a file and reports the figures (the test itself asserts the outcome, never a duration).
"""

import csv
import io
import json
import os
import time
from pathlib import Path

import pytest
from django_scopes import scope, scopes_disabled

from patents.models import Patent, PortfolioImport
from smes.models import SME
from smes.services import seed_interest_send
from tests.factories.core import PASSWORD
from tests.factories.matching import member_of
from tests.factories.patents import LargeCompanyFactory, company_staff
from tests.matching.conftest import make_sme

pytestmark = pytest.mark.browser

SEEDS = 1_000
NASA = Path(__file__).resolve().parents[2] / "patents" / "demo_data" / "nasa_patents.jsonl"
GOOGLE_HEADER = [
    "id",
    "title",
    "assignee",
    "inventor/author",
    "priority date",
    "filing/creation date",
    "publication date",
    "grant date",
    "result link",
    "representative figure link",
]


def google_export(seeds: int, assignee: str) -> bytes:
    """A Google Patents "Download (CSV)" file: the search line, the header, one row per seed (no
    abstract and no IPC, as Google exports them). Rows 5 and 6 name another applicant."""
    titles = [json.loads(line)["title"] for line in NASA.read_text(encoding="utf-8").splitlines()]
    out = io.StringIO()
    out.write("search URL:,https://patents.google.com/?assignee=Space+Tech\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(GOOGLE_HEADER)
    for n in range(seeds):
        number = f"US-{9100000 + n}-B2"
        owner = "Google Inc." if n in (3, 4) else (assignee if n % 2 else assignee.upper())
        link = f"https://patents.google.com/patent/{number.replace('-', '')}/en"
        dates = ["2015-01-01", "2015-06-01", "2016-01-01", "2017-01-01"]
        writer.writerow([number, titles[n % len(titles)], owner, "A. Inventor", *dates, link, ""])
    return out.getvalue().encode()


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_company_uploads_1000_seeds_and_sees_fitting_and_interested_smes(
    live_server, page, city_a, celery_worker_process, settings, tmp_path
):
    settings.MEDIA_ROOT = celery_worker_process.media_root
    with scopes_disabled():
        company = LargeCompanyFactory(
            municipality=city_a, name_ja="宇宙技術株式会社", name_en="Space Tech Inc.", with_aliases=False
        )
        company_staff(company, email="ip@spacetech.example.com")
        sme = make_sme(
            city_a, "歯車精工ZZGEAR", needs="Gear bearings for compact robot joints", products="gear bearings"
        )
        SME.objects.filter(pk=sme.pk).update(consent_to_share=True)
        member = member_of(sme)
    upload = tmp_path / "google-export.csv"
    upload.write_bytes(google_export(SEEDS, "Space Tech Inc."))
    times: dict[str, float] = {}

    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=login]", "ip@spacetech.example.com")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/m/city-a/")

    page.goto(live_server.url + "/m/city-a/patents/imports/")
    start = time.monotonic()
    page.set_input_files("input[type=file]", str(upload))
    page.get_by_test_id("import-form").get_by_role("button", name="アップロードして確認").click()
    page.locator("[data-testid=import-status][data-state=valid]").wait_for(timeout=240_000)
    times["validated"] = time.monotonic() - start
    assert page.get_by_test_id("new-count").inner_text() == str(SEEDS)
    # Google Inc.'s rows are shown and must be confirmed; the drafts are explained in words.
    assert (
        "2 行に 宇宙技術株式会社 以外の出願人が記載されています。"
        in page.get_by_test_id("other-applicants").inner_text()
    )
    assert "1000 件のシーズに要約がありません" in page.get_by_test_id("no-abstract").inner_text()
    page.get_by_test_id("accept-other-applicants").check()
    page.get_by_test_id("confirm-import").click()
    page.locator("[data-testid=import-status][data-state=committed]").wait_for(timeout=240_000)
    times["committed"] = time.monotonic() - start

    # The screening started by itself after the import; the list fills in when it has finished.
    fits_url = live_server.url + "/m/city-a/matching/shared/"
    deadline = time.monotonic() + 240
    while True:
        page.goto(fits_url)
        if page.get_by_test_id("fit-sme").filter(has_text="歯車精工ZZGEAR").count():
            break
        assert time.monotonic() < deadline, "no fitting SME appeared within four minutes"
        page.wait_for_timeout(1_000)
    times["fits_listed"] = time.monotonic() - start

    seed_card = page.get_by_test_id("seed-fits").filter(has_text="Gear Bearings").first
    seed_card.get_by_role("link").first.click()
    page.get_by_test_id("seed-fits-panel").get_by_text("歯車精工ZZGEAR").wait_for()
    page.get_by_test_id("state-published").click()
    page.get_by_test_id("state-withdrawn").wait_for()
    seed_url = page.url
    with scopes_disabled():
        seed = Patent.objects.get(pk=int(seed_url.rstrip("/").split("/")[-1]), company=company)
    assert (seed.title, seed.publication_state) == ("Gear Bearings", "published")
    with scope(municipality=city_a):  # the SME says it is interested (its own page is tested elsewhere)
        seed_interest_send(sme=sme, patent=seed, actor=member, message="ロボットの関節に使いたい")
    page.goto(seed_url)
    page.get_by_test_id("seed-interest").get_by_text("歯車精工ZZGEAR").wait_for()
    times["interest_seen"] = time.monotonic() - start

    with scopes_disabled():
        assert Patent.objects.filter(company=company).count() == SEEDS
        PortfolioImport.objects.get().file.delete(save=False)
    assert page.console_errors == []
    if os.environ.get("COMPANY_JOURNEY_TIMES"):
        Path(os.environ["COMPANY_JOURNEY_TIMES"]).write_text(json.dumps({"seeds": SEEDS, **times}))
