"""MeetingFilterSet (the meeting list and GET /api/v1/meetings/), ScreeningCandidateFilterSet (a run's page
and GET /api/v1/screening-runs/{id}/candidates/) and ScreeningRunFilterSet (GET /api/v1/screening-runs/):
a page and its API endpoint give the same rows for the same parameters; an invalid value is a 400 in
the API and a form error (ignored) on the page."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from kawasaki.api.schema import UnscopedSchemaGenerator
from matching.models import Decision, Direction, MeetingKind, MeetingStatus, RunStatus
from tests.factories.matching import (
    MeetingFactory,
    ParticipantFactory,
    ScreeningCandidateFactory,
    ScreeningRunFactory,
    member_of,
)
from tests.factories.smes import SMEFactory

pytestmark = pytest.mark.django_db


def page(client, url, params):
    response = client.get(url, params)
    assert response.status_code == 200
    return response


def api_ids(api, url, params) -> set[int]:
    response = api.get(url, params)
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()["results"]}


def meeting_page_url(municipality):
    return reverse("meeting_list", kwargs={"municipality": municipality.slug})


@pytest.fixture
def meetings(city_a, city_b):
    """A planned one-on-one, a held symposium and a cancelled closed meeting in city A (an SME invited
    to the first two), and a meeting of city B."""
    with scopes_disabled():
        one_on_one = MeetingFactory(municipality=city_a)
        symposium = MeetingFactory(
            municipality=city_a,
            kind=MeetingKind.SYMPOSIUM,
            company=None,
            status=MeetingStatus.HELD,
            starts_at=timezone.now() - dt.timedelta(days=10),
        )
        closed = MeetingFactory(municipality=city_a, kind=MeetingKind.CLOSED, status=MeetingStatus.CANCELLED)
        MeetingFactory(municipality=city_b, kind=MeetingKind.SYMPOSIUM, company=None)
        invited = ParticipantFactory(meeting=one_on_one).sme
        ParticipantFactory(meeting=symposium, sme=invited)
        member = member_of(invited, email="member-filters@sme.example.jp")
    return {"one_on_one": one_on_one, "symposium": symposium, "closed": closed, "member": member}


@pytest.mark.parametrize("who", ["coordinator", "sme_member"])
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"kind": "symposium"},
        {"status": "planned"},
        {"kind": "closed", "status": "cancelled"},
        {"kind": "one_on_one", "status": "held"},
        {"unknown": "ignored"},
    ],
)
def test_meeting_page_and_api_give_the_same_rows(
    who, params, client_of, api_client_of, city_a, coordinator_a, meetings
):
    user = coordinator_a if who == "coordinator" else meetings["member"]
    response = page(client_of(user), meeting_page_url(city_a), params)
    rows = {m.pk for m in response.context["meetings"]}
    assert rows == api_ids(api_client_of(user, city_a), reverse("api_meeting_list"), params)


def test_meeting_filters_select_the_expected_rows(client_of, city_a, coordinator_a, meetings):
    client = client_of(coordinator_a)

    def rows(params):
        return {m.pk for m in page(client, meeting_page_url(city_a), params).context["meetings"]}

    assert rows({}) == {meetings[k].pk for k in ("one_on_one", "symposium", "closed")}
    assert rows({"kind": "symposium"}) == {meetings["symposium"].pk}
    assert rows({"status": "cancelled"}) == {meetings["closed"].pk}
    assert rows({"kind": "symposium", "status": "planned"}) == set()
    member_rows = page(client_of(meetings["member"]), meeting_page_url(city_a), {"status": "held"})
    assert {m.pk for m in member_rows.context["meetings"]} == {meetings["symposium"].pk}


def test_meeting_invalid_values_are_a_400_in_the_api_and_a_form_error_on_the_page(
    client_of, api_client_of, city_a, coordinator_a, meetings
):
    params = {"kind": "party", "status": "held"}
    response = api_client_of(coordinator_a, city_a).get(reverse("api_meeting_list"), params)
    assert (response.status_code, list(response.json()["error"]["fields"])) == (400, ["kind"])
    response = page(client_of(coordinator_a), meeting_page_url(city_a), params)
    assert {m.pk for m in response.context["meetings"]} == {meetings["symposium"].pk}
    assert list(response.context["filter_form"].errors) == ["kind"]
    assert "notice--error" in response.content.decode()


@pytest.fixture
def run(city_a, city_b):
    """A finished run of city A with four candidates for two SMEs (one shortlisted, one rejected)."""
    with scopes_disabled():
        run = ScreeningRunFactory(municipality=city_a, status=RunStatus.DONE)
        first = ScreeningCandidateFactory(run=run, decision=Decision.SHORTLISTED)
        ScreeningCandidateFactory(run=run, sme=first.sme)
        ScreeningCandidateFactory(run=run, decision=Decision.REJECTED, reject_reason="terms")
        ScreeningCandidateFactory(run=run)
        ScreeningCandidateFactory(run=ScreeningRunFactory(municipality=city_b, status=RunStatus.DONE))
    return run, first.sme


def run_page_url(run):
    return reverse("screeningrun_detail", kwargs={"municipality": run.municipality.slug, "pk": run.pk})


def candidates_api_url(run):
    return reverse("api_screeningcandidate_list", kwargs={"run_pk": run.pk})


@pytest.mark.parametrize(
    "params",
    [{}, {"decision": "shortlisted"}, {"decision": "pending"}, {"sme": "first"}, {"unknown": "ignored"}],
)
def test_candidate_page_and_api_give_the_same_rows(
    params, client_of, api_client_of, city_a, coordinator_a, run
):
    run, sme = run
    params = {k: sme.pk if v == "first" else v for k, v in params.items()}
    rows = {c.pk for c in page(client_of(coordinator_a), run_page_url(run), params).context["candidates"]}
    assert rows == api_ids(api_client_of(coordinator_a, city_a), candidates_api_url(run), params)


def test_candidate_filters_select_the_expected_rows(client_of, coordinator_a, run):
    run, sme = run
    client = client_of(coordinator_a)

    def rows(params):
        return {c.pk for c in page(client, run_page_url(run), params).context["candidates"]}

    with scopes_disabled():
        by_decision = {
            d: set(run.candidates.filter(decision=d).values_list("pk", flat=True)) for d in Decision
        }
        of_sme = set(run.candidates.filter(sme=sme).values_list("pk", flat=True))
    assert len(rows({})) == 4
    assert rows({"decision": "shortlisted"}) == by_decision[Decision.SHORTLISTED]
    assert rows({"decision": "rejected"}) == by_decision[Decision.REJECTED]
    assert rows({"sme": sme.pk}) == of_sme
    assert len(of_sme) == 2


def test_candidate_invalid_values_are_a_400_in_the_api_and_a_form_error_on_the_page(
    client_of, api_client_of, city_a, city_b, coordinator_a, run
):
    run, _sme = run
    with scopes_disabled():
        foreign = SMEFactory(municipality=city_b)
    params = {"decision": "maybe", "sme": foreign.pk}
    response = api_client_of(coordinator_a, city_a).get(candidates_api_url(run), params)
    assert response.status_code == 400
    assert sorted(response.json()["error"]["fields"]) == ["decision", "sme"]
    response = page(client_of(coordinator_a), run_page_url(run), params)
    assert len(response.context["candidates"]) == 4
    assert response.context["shown_decision"] is None
    assert sorted(response.context["filter_form"].errors) == ["decision", "sme"]
    # A valid decision still applies next to an invalid SME.
    response = page(client_of(coordinator_a), run_page_url(run), {"decision": "rejected", "sme": foreign.pk})
    assert [c.decision for c in response.context["candidates"]] == [Decision.REJECTED]
    assert response.context["shown_decision"] == Decision.REJECTED


def test_run_api_filters(api_client_of, city_a, city_b, coordinator_a):
    with scopes_disabled():
        done = ScreeningRunFactory(municipality=city_a, status=RunStatus.DONE)
        portfolio = ScreeningRunFactory(municipality=city_a, direction=Direction.PORTFOLIO)
        ScreeningRunFactory(municipality=city_b, status=RunStatus.DONE)
    api = api_client_of(coordinator_a, city_a)
    url = reverse("api_screeningrun_list")
    assert api_ids(api, url, {}) == {done.pk, portfolio.pk}
    assert api_ids(api, url, {"status": "done"}) == {done.pk}
    assert api_ids(api, url, {"direction": "portfolio"}) == {portfolio.pk}
    response = api.get(url, {"direction": "sideways"})
    assert (response.status_code, list(response.json()["error"]["fields"])) == (400, ["direction"])


def test_the_schema_documents_the_filters():
    schema = UnscopedSchemaGenerator().get_schema(request=None, public=True)

    def parameters(path):
        return {p["name"] for p in schema["paths"][path]["get"]["parameters"]} - {"ordering", "page"}

    assert parameters("/api/v1/meetings/") == {"kind", "status"}
    assert parameters("/api/v1/screening-runs/") == {"direction", "status"}
    assert parameters("/api/v1/screening-runs/{run_pk}/candidates/") == {"run_pk", "decision", "band", "sme"}
