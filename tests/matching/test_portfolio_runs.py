"""Portfolio runs at scale: one at a time per company, a failed run says why and starts again."""

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from matching import services
from matching.models import Direction, RunStatus, ScreeningRun
from tests.helpers.db_state import assert_db_unchanged
from tests.matching.conftest import make_company, make_sme


def _create_url():
    return reverse("screeningrun_create", kwargs={"municipality": "city-a"})


@pytest.mark.django_db
def test_second_portfolio_run_for_a_company_is_refused_naming_the_running_one(
    client_of, city_a, seeds_a, coordinator_a
):
    make_sme(city_a, "Farm Tech", needs="soil moisture sensor for farms")
    company = seeds_a["company"]
    client = client_of(coordinator_a)
    response = client.post(_create_url(), {"portfolio": company.pk, "top_k": 5})
    assert response.status_code == 302
    with scopes_disabled():
        first = ScreeningRun.objects.get()
    assert first.status == RunStatus.QUEUED
    with assert_db_unchanged():
        refused = client.post(_create_url(), {"portfolio": company.pk, "top_k": 5})
    assert refused.status_code == 400
    body = refused.content.decode()
    assert f"#{first.pk}" in body
    assert str(company) in body
    # Another company's portfolio is not blocked.
    other = make_company(city_a, name="Other Co")
    assert client.post(_create_url(), {"portfolio": other.pk, "top_k": 5}).status_code == 302
    # Once the first is done, the company's portfolio can be screened again.
    with scope(municipality=city_a):
        services.screening_run_execute(run=first)
    assert client.post(_create_url(), {"portfolio": company.pk, "top_k": 5}).status_code == 302
    with scopes_disabled():
        assert ScreeningRun.objects.filter(direction=Direction.PORTFOLIO, company=company).count() == 2


@pytest.mark.django_db
def test_failed_portfolio_run_says_why_and_can_be_retried(client_of, city_a, seeds_a, coordinator_a):
    make_sme(city_a, "Farm Tech", needs="soil moisture sensor for farms")
    with scope(municipality=city_a):
        run = services.screening_run_start(
            municipality=city_a,
            actor=coordinator_a,
            direction=Direction.PORTFOLIO,
            company=seeds_a["company"],
        )
        assert services.screening_run_fail(run=run, reason="index file unreadable: disk full")
    client = client_of(coordinator_a)
    detail = reverse("screeningrun_detail", kwargs={"municipality": "city-a", "pk": run.pk})
    body = client.get(detail).content.decode()
    assert "index file unreadable: disk full" in body
    assert 'data-testid="run-retry"' in body
    # A failed run does not block a new one either.
    with scope(municipality=city_a):
        run.refresh_from_db()
        services.screening_run_retry(run=run, actor=coordinator_a)
        run.refresh_from_db()
        assert (run.status, run.error) == (RunStatus.QUEUED, "")
        services.screening_run_execute(run=run)
        run.refresh_from_db()
    assert run.status == RunStatus.DONE
    assert run.candidate_count > 0
