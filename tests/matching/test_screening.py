"""The screening workflow on the real engine and database: search, runs, review, sharing, proposals."""

import datetime as dt
import logging
import time
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from kawasaki.models import AuditEntry, Role
from matching import selectors, services
from matching.indexing import content_stamp, current_index
from matching.models import (
    Decision,
    Direction,
    IndexKind,
    IndexVersion,
    MeetingProposal,
    RunStatus,
    ScreeningRun,
    SearchIndex,
)
from matching.services import SeedFilters
from patents.models import FitAnswer, PublicationState
from smes.models import SME
from tests.conftest import make_member
from tests.helpers.db_state import assert_db_unchanged
from tests.matching.conftest import make_company, make_patent, make_sme


def search(municipality, text, **filters):
    with scope(municipality=municipality):
        return [
            (p.title, hit)
            for p, hit in selectors.seed_search(
                municipality=municipality, text=text, filters=SeedFilters(**filters)
            )
        ]


@pytest.mark.django_db
def test_japanese_query_finds_japanese_seed(city_a, seeds_a):
    titles = [title for title, _hit in search(city_a, "モーターの振動を減らしたい")]
    assert titles[0] == "小型モータの制振構造"


@pytest.mark.django_db
def test_english_query_finds_english_seed(city_a, seeds_a):
    titles = [title for title, _hit in search(city_a, "we make farm sensors for moisture")]
    assert titles[0] == "Soil moisture sensor"


@pytest.mark.django_db
def test_explanation_names_terms_that_occur(city_a, seeds_a):
    _title, hit = search(city_a, "LED dimming flicker")[0]
    surfaces = {s.lower() for t in hit.explanation.matched_terms for s in t.surfaces}
    text = (seeds_a["led"].title + " " + seeds_a["led"].abstract).lower()
    assert surfaces
    assert all(s in text for s in surfaces)
    assert "<mark>LED</mark>" in hit.explanation.title_html()


@pytest.mark.django_db
def test_large_business_only_seed_ranks_below_equal_sme_fit_seed(city_a):
    company = make_company(city_a)
    text = "Compact battery charger for power tools with fast charging."
    make_patent(city_a, company, "Battery charger A", text, fit_not_large_business=FitAnswer.NO)
    make_patent(city_a, company, "Battery charger B", text, fit_not_large_business=FitAnswer.YES)
    results = search(city_a, "fast battery charger for tools")
    assert [title for title, _ in results] == ["Battery charger B", "Battery charger A"]
    assert results[1][1].score.fit_adjustment < 0 < results[0][1].score.fit_adjustment


@pytest.mark.django_db
def test_unpublished_and_expired_seeds_never_appear_by_default(city_a):
    company = make_company(city_a)
    make_patent(
        city_a,
        company,
        "Ultrasonic welding horn",
        "Horn for ultrasonic welding.",
        state=PublicationState.DRAFT,
    )
    make_patent(
        city_a,
        company,
        "Ultrasonic cleaning tank",
        "Tank for ultrasonic cleaning.",
        expiry_date=timezone.localdate() - dt.timedelta(days=1),
    )
    make_patent(city_a, company, "Ultrasonic level gauge", "Gauge measuring level by ultrasonic echo.")
    assert [t for t, _ in search(city_a, "ultrasonic")] == ["Ultrasonic level gauge"]
    shown = {t for t, _ in search(city_a, "ultrasonic", include_unpublished=True, include_expired=True)}
    assert shown == {"Ultrasonic welding horn", "Ultrasonic cleaning tank", "Ultrasonic level gauge"}


@pytest.mark.django_db
def test_other_municipality_seeds_never_appear(city_a, city_b, seeds_a):
    other = make_company(city_b, "別企業")
    make_patent(city_b, other, "Soil moisture sensor network ZZB", "Soil moisture sensors in a mesh network.")
    titles = [t for t, _ in search(city_a, "soil moisture sensor network")]
    assert titles == ["Soil moisture sensor"]


@pytest.mark.django_db
def test_index_rebuilds_after_data_changes(city_a, seeds_a, caplog):
    with scope(municipality=city_a):
        _index, first = current_index(municipality=city_a, kind=IndexKind.SEEDS)
        assert first.doc_count == 3
        _again_index, again = current_index(municipality=city_a, kind=IndexKind.SEEDS)
        assert again.pk == first.pk
    make_patent(city_a, seeds_a["company"], "Hydrogen fuel cell stack", "A compact fuel cell stack.")
    with scope(municipality=city_a), caplog.at_level(logging.INFO, logger="matching.indexing"):
        assert content_stamp(municipality=city_a, kind=IndexKind.SEEDS) != first.stamp
        _index, rebuilt = current_index(municipality=city_a, kind=IndexKind.SEEDS)
        assert rebuilt.doc_count == 4
        # The registered index and the one before it (a process may still be opening it).
        assert set(SearchIndex.objects.filter(kind=IndexKind.SEEDS)) == {first, rebuilt}
        assert IndexVersion.objects.get(kind=IndexKind.SEEDS).current == rebuilt
    assert "building it in this job" in caplog.text
    assert [t for t, _ in search(city_a, "fuel cell")] == ["Hydrogen fuel cell stack"]
    make_patent(
        city_a, seeds_a["company"], "Solid oxide fuel cell", "A fuel cell with a ceramic electrolyte."
    )
    with scope(municipality=city_a):
        _index, third = current_index(municipality=city_a, kind=IndexKind.SEEDS)
        assert set(SearchIndex.objects.filter(kind=IndexKind.SEEDS)) == {rebuilt, third}
    assert not Path(first.path).exists()
    assert Path(rebuilt.path).exists()
    assert Path(third.path).exists()


@pytest.mark.django_db
def test_run_executes_and_stores_explained_candidates(city_a, seeds_a, coordinator_a):
    sme = make_sme(city_a, "振動対策の町工場", needs="モーターの振動を減らしたい", products="産業用ファン")
    with scope(municipality=city_a):
        run = services.screening_run_start(
            municipality=city_a,
            actor=coordinator_a,
            direction=Direction.SME_TO_SEEDS,
            query_text=sme.needs,
            sme=sme,
            top_k=5,
        )
        services.screening_run_execute(run=run)
        run.refresh_from_db()
        assert run.status == RunStatus.DONE
        assert run.progress == 100
        assert run.engine_version == "1.0.0"
        candidates = list(selectors.candidates_of(run=run))
        assert candidates[0].patent == seeds_a["motor"]
        assert candidates[0].sme == sme
        assert "<mark>" in candidates[0].explanation["title_html"]
        assert run.candidate_count == len(candidates)
        # Re-running a finished run changes nothing.
        services.screening_run_execute(run=run)
        assert run.candidates.count() == len(candidates)


@pytest.mark.django_db
def test_portfolio_run_gives_top_seeds_per_sme(city_a, seeds_a, coordinator_a):
    farm = make_sme(city_a, "Farm Tech", needs="soil moisture sensor for farms")
    make_sme(city_a, "Lighting Co", products="LED lamps and dimmer drivers")
    with scope(municipality=city_a):
        run = services.screening_run_start(
            municipality=city_a,
            actor=coordinator_a,
            direction=Direction.PORTFOLIO,
            company=seeds_a["company"],
            top_k=2,
        )
        services.screening_run_execute(run=run)
        best = {c.sme.name_ja: c.patent.title for c in selectors.candidates_of(run=run) if c.rank == 1}
    assert best == {"Farm Tech": "Soil moisture sensor", "Lighting Co": "LED lighting driver"}
    assert farm.pk


@pytest.mark.django_db
def test_seed_to_smes_run(city_a, seeds_a, coordinator_a):
    make_sme(city_a, "Farm Tech", needs="soil moisture sensor for farms")
    make_sme(city_a, "Bakery", products="bread and cakes")
    with scope(municipality=city_a):
        run = services.screening_run_start(
            municipality=city_a,
            actor=coordinator_a,
            direction=Direction.SEED_TO_SMES,
            patent=seeds_a["sensor"],
        )
        services.screening_run_execute(run=run)
        assert [c.sme.name_ja for c in selectors.candidates_of(run=run)] == ["Farm Tech"]


@pytest.mark.django_db
def test_rejecting_needs_a_reason_and_is_audited(city_a, seeds_a, coordinator_a):
    with scope(municipality=city_a):
        run = services.screening_run_start(
            municipality=city_a,
            actor=coordinator_a,
            direction=Direction.SME_TO_SEEDS,
            query_text="LED driver",
        )
        services.screening_run_execute(run=run)
        candidate = run.candidates.first()
        with pytest.raises(ValidationError):
            services.candidate_decide(candidate=candidate, actor=coordinator_a, decision=Decision.REJECTED)
        services.candidate_decide(
            candidate=candidate, actor=coordinator_a, decision=Decision.REJECTED, reason="terms"
        )
        candidate.refresh_from_db()
        assert (candidate.decision, candidate.reject_reason) == ("rejected", "terms")
        entry = AuditEntry.objects.get(action="screening_candidate.decided")
        assert entry.changes == {"decision": {"old": "pending", "new": "rejected"}}


@pytest.mark.django_db
def test_meeting_proposal_rules(city_a, seeds_a, coordinator_a):
    smes = [make_sme(city_a, f"SME {i}", needs="LED lamp dimming driver") for i in range(2)]
    with scope(municipality=city_a):
        run = services.screening_run_start(
            municipality=city_a,
            actor=coordinator_a,
            direction=Direction.PORTFOLIO,
            company=seeds_a["company"],
            top_k=1,
        )
        services.screening_run_execute(run=run)
        candidates = list(run.candidates.all())
        assert len(candidates) == 2
        with pytest.raises(ValidationError):  # not shortlisted yet
            services.meeting_propose(
                municipality=city_a, actor=coordinator_a, kind="closed", candidates=candidates
            )
        for c in candidates:
            services.candidate_decide(candidate=c, actor=coordinator_a, decision=Decision.SHORTLISTED)
        with pytest.raises(ValidationError):  # two SMEs cannot meet one-on-one
            services.meeting_propose(
                municipality=city_a, actor=coordinator_a, kind="one_on_one", candidates=candidates
            )
        proposal = services.meeting_propose(
            municipality=city_a, actor=coordinator_a, kind="closed", candidates=candidates
        )
        assert proposal.company == seeds_a["company"]
        assert set(proposal.smes.all()) == set(smes)
        assert MeetingProposal.objects.count() == 1


@pytest.mark.django_db
def test_company_staff_see_shared_results_for_their_own_seeds_only(client_of, city_a, seeds_a, coordinator_a):
    other_company = make_company(city_a, "他社")
    make_patent(city_a, other_company, "LED street light ZZOTHER", "Street light with LED modules.")
    staff = make_member(city_a, Role.COMPANY_STAFF)
    staff.memberships.update(company=seeds_a["company"])
    # Company staff see fits for SMEs (a free-text run with no SME names nobody to them).
    sme = make_sme(city_a, "Lighting Co", needs="LED light")
    # ... that agreed to share their profile with large companies.
    with scopes_disabled():
        SME.objects.filter(pk=sme.pk).update(consent_to_share=True)
    with scope(municipality=city_a):
        run = services.screening_run_start(
            municipality=city_a,
            actor=coordinator_a,
            direction=Direction.SME_TO_SEEDS,
            query_text="LED light",
            sme=sme,
        )
        services.screening_run_execute(run=run)
        assert run.candidates.count() == 2
    url = reverse("shared_candidates", kwargs={"municipality": "city-a"})
    client = client_of(staff)
    assert "LED lighting driver" not in client.get(url).content.decode()
    with scope(municipality=city_a):
        services.screening_run_share(run=run, actor=coordinator_a)
    body = client.get(url).content.decode()
    assert "LED lighting driver" in body
    assert "ZZOTHER" not in body
    # The run page itself stays with coordinators.
    detail = reverse("screeningrun_detail", kwargs={"municipality": "city-a", "pk": run.pk})
    assert client.get(detail).status_code == 403


@pytest.mark.django_db
def test_quick_search_page_and_run_pages(client_of, city_a, seeds_a, coordinator_a):
    client = client_of(coordinator_a)
    home = reverse("screening_home", kwargs={"municipality": "city-a"})
    response = client.get(home, {"q": "モーター 振動"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "<mark>モータ</mark>" in body
    assert client.get(home, {"q": ""}).status_code == 400
    create = reverse("screeningrun_create", kwargs={"municipality": "city-a"})
    with assert_db_unchanged():
        bad = client.post(create, {"query_text": "", "top_k": 20})
    assert bad.status_code == 400
    ok = client.post(create, {"query_text": "LED driver", "top_k": 5})
    assert ok.status_code == 302
    with scopes_disabled():
        run = ScreeningRun.objects.get()
    assert ok["Location"] == reverse("screeningrun_detail", kwargs={"municipality": "city-a", "pk": run.pk})
    assert client.get(ok["Location"]).status_code == 200


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_run_through_the_real_worker(celery_worker_process, city_a, seeds_a, coordinator_a):
    with scope(municipality=city_a):
        run = services.screening_run_start(
            municipality=city_a,
            actor=coordinator_a,
            direction=Direction.SME_TO_SEEDS,
            query_text="soil moisture",
        )
    deadline = time.monotonic() + 180  # generous: a loaded CI machine, a worker that loads Sudachi first
    while time.monotonic() < deadline:
        with scopes_disabled():
            run.refresh_from_db()
        if run.is_finished:
            break
        time.sleep(0.25)
    assert run.status == RunStatus.DONE
    with scopes_disabled():
        assert run.candidates.order_by("rank").first().patent == seeds_a["sensor"]
