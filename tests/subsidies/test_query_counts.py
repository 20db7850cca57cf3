"""The subsidy pages and API answer in a fixed number of SQL queries, however many rows they show.

Each test measures a page at N rows (programmes with windows, applications with their SME, programme,
window, plan, deal and coordinator, notes, documents), adds N more, and asserts the same count. The
first request of a client warms the session and permission caches, so it is not measured."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from negotiations.models import Negotiation, State
from smes.models import BusinessPlan, PlanStatus
from subsidies.models import (
    Application,
    ApplicationDocument,
    ApplicationNote,
    ApplicationStatus,
    Programme,
    ProgrammeWindow,
    SizeRule,
)
from tests.factories.smes import SMEFactory
from tests.factories.subsidies import ProgrammeTemplateFactory, TemplateWindowFactory
from tests.matching.conftest import make_company
from tests.smes.conftest import link_sme_member

N = 30
_names = itertools.count()


def _page(name, municipality, **kwargs):
    return reverse(name, kwargs={"municipality": municipality.slug, **kwargs})


def queries_of(client, url) -> int:
    """The number of SQL queries of one GET (after a warm-up GET of the same address)."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(ctx.captured_queries)


def assert_flat(measure, grow) -> tuple[int, int]:
    """Measure, grow by N, measure again: equal counts, or the page has an N+1."""
    before = measure()
    grow()
    after = measure()
    print(f"QUERYCOUNT {before} -> {after}")
    assert after == before, f"{before} queries at N rows, {after} at 2N"
    return before, after


def _programmes(city, n, *, windows=2):
    """n active programmes with rules that make the eligibility engine read the SME and its facts."""
    today = timezone.localdate()
    made = []
    with scopes_disabled():
        for _ in range(n):
            k = next(_names)
            programme = Programme.objects.create(
                municipality=city, name=f"補助金{k:03d}", agency="経済労働局", level="city",
                max_amount_jpy=5_000_000, rate_numerator=1, rate_denominator=2,
                size_rule=SizeRule.SME_BASIC_ACT, licence_required=k % 2 == 0, business_plan_required=k % 3 == 0,
                prefectures=["神奈川県"], min_years_in_business=2,
            )  # fmt: skip
            for w in range(windows):
                ProgrammeWindow.objects.create(
                    municipality=city, programme=programme, label=f"第{w + 1}回",
                    opens_on=today + dt.timedelta(days=30 * w - 10), closes_on=today + dt.timedelta(days=30 * w + 10),
                )  # fmt: skip
            made.append(programme)
    return made


def _applications(city, n, *, coordinator, sme=None, programme=None, notes=1, documents=1):
    """n applications, each with its SME, window, business plan, deal, coordinator, notes, documents."""
    made = []
    with scopes_disabled():
        for _ in range(n):
            k = next(_names)
            target = programme or _programmes(city, 1)[0]
            applicant = sme or SMEFactory(municipality=city)
            plan = BusinessPlan.objects.create(
                municipality=city, sme=applicant, title=f"事業計画{k}", status=PlanStatus.SUBMITTED
            )
            deal = Negotiation.objects.create(
                municipality=city, sme=applicant, company=make_company(city, f"申請大手{k}"),
                state=State.LICENCE_SIGNED,
            )  # fmt: skip
            application = Application.objects.create(
                municipality=city, sme=applicant, programme=target, window=target.windows.first(),
                title=f"共同研究{k}", business_plan=plan, negotiation=deal, coordinator=coordinator,
                amount_requested_jpy=3_000_000, amount_granted_jpy=2_000_000 if k % 2 else None,
                status=ApplicationStatus.GRANTED if k % 2 else ApplicationStatus.SUBMITTED,
                submitted_on=timezone.localdate(),
            )  # fmt: skip
            _grow_application(application, notes=notes, documents=documents, author=coordinator)
            made.append(application)
    return made


def _grow_application(application, *, notes, documents, author):
    with scopes_disabled():
        for _ in range(notes):
            ApplicationNote.objects.create(
                municipality=application.municipality, application=application, body="電話で確認",
                author=author, author_label=str(author),
            )  # fmt: skip
        for _ in range(documents):
            k = next(_names)
            document = ApplicationDocument(
                municipality=application.municipality, application=application, title=f"見積書{k}",
                uploaded_by=author, uploaded_by_label=str(author),
            )  # fmt: skip
            document.file.save(f"quote{k}.pdf", ContentFile(b"%PDF-1.4 quote"), save=False)
            document.save()


# --- pages ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_programme_list_queries_do_not_grow(client_of, city_a, coordinator_a):
    client = client_of(coordinator_a)
    url = _page("programme_list", city_a)
    _programmes(city_a, N)
    assert_flat(lambda: queries_of(client, url), lambda: _programmes(city_a, N))
    assert client.get(url).content.decode().count("/subsidies/programmes/") >= 2 * N


@pytest.mark.django_db
def test_programme_detail_queries_do_not_grow(client_of, city_a, coordinator_a):
    client = client_of(coordinator_a)
    (programme,) = _programmes(city_a, 1)
    url = _page("programme_detail", city_a, pk=programme.pk)

    def grow():
        _applications(city_a, N, coordinator=coordinator_a, programme=programme)
        with scopes_disabled():
            for _ in range(N // 3):
                ProgrammeWindow.objects.create(
                    municipality=city_a, programme=programme, label=f"追加{next(_names)}",
                    opens_on=dt.date(2027, 1, 1), closes_on=dt.date(2027, 2, 1),
                )  # fmt: skip

    grow()
    assert_flat(lambda: queries_of(client, url), grow)


@pytest.mark.django_db
def test_template_catalogue_queries_do_not_grow(client_of, city_a, coordinator_a):
    client = client_of(coordinator_a)
    url = _page("programmetemplate_list", city_a)

    def grow():
        for template in ProgrammeTemplateFactory.create_batch(N):
            TemplateWindowFactory.create_batch(2, template=template)

    grow()
    assert_flat(lambda: queries_of(client, url), grow)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["coordinator", "sme"])
def test_application_list_queries_do_not_grow(client_of, city_a, coordinator_a, role):
    sme = SMEFactory(municipality=city_a)
    user = coordinator_a if role == "coordinator" else link_sme_member(city_a, sme, email="apply@example.jp")
    client = client_of(user)
    url = _page("subsidy_application_list", city_a)

    def grow():
        _applications(city_a, N, coordinator=coordinator_a, sme=sme)

    grow()
    assert_flat(lambda: queries_of(client, url), grow)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["coordinator", "sme"])
def test_application_detail_queries_do_not_grow(client_of, city_a, coordinator_a, role):
    sme = SMEFactory(municipality=city_a)
    user = coordinator_a if role == "coordinator" else link_sme_member(city_a, sme, email="detail@example.jp")
    client = client_of(user)
    (application,) = _applications(city_a, 1, coordinator=coordinator_a, sme=sme)
    url = _page("subsidy_application_detail", city_a, pk=application.pk)

    def grow():
        _grow_application(application, notes=N, documents=N, author=coordinator_a)

    grow()
    assert_flat(lambda: queries_of(client, url), grow)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["coordinator", "sme"])
def test_eligibility_queries_do_not_grow(client_of, city_a, coordinator_a, role):
    sme = SMEFactory(municipality=city_a, address="神奈川県川崎市中原区1-1", capital_jpy=10_000_000)
    user = coordinator_a if role == "coordinator" else link_sme_member(city_a, sme, email="elig@example.jp")
    client = client_of(user)
    url = _page("subsidy_eligibility", city_a, pk=sme.pk)
    _programmes(city_a, N)
    assert_flat(lambda: queries_of(client, url), lambda: _programmes(city_a, N))


@pytest.mark.django_db
def test_eligibility_pick_and_forms_queries_do_not_grow(client_of, city_a, coordinator_a):
    client = client_of(coordinator_a)

    def grow():
        _applications(city_a, N, coordinator=coordinator_a)

    grow()
    for name in ("subsidy_eligibility_pick", "subsidy_application_create"):
        url = _page(name, city_a)
        assert_flat(lambda url=url: queries_of(client, url), grow)


@pytest.mark.django_db
def test_calendar_queries_do_not_grow(client_of, city_a, coordinator_a):
    client = client_of(coordinator_a)
    url = _page("subsidy_calendar", city_a)
    _programmes(city_a, N)
    assert_flat(lambda: queries_of(client, url), lambda: _programmes(city_a, N))
    assert client.get(url).content.decode().count('class="calendar__item') == 2 * N * 2


# --- API ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_api_programme_list_queries_do_not_grow(api_client_of, city_a, coordinator_a):
    client = api_client_of(coordinator_a, city_a)
    url = reverse("api_subsidy_programme_list")
    _programmes(city_a, N)
    assert_flat(lambda: queries_of(client, url), lambda: _programmes(city_a, N))
    assert client.get(url).json()["count"] == 2 * N


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["coordinator", "sme"])
def test_api_application_list_queries_do_not_grow(api_client_of, city_a, coordinator_a, role):
    sme = SMEFactory(municipality=city_a)
    user = coordinator_a if role == "coordinator" else link_sme_member(city_a, sme, email="api@example.jp")
    client = api_client_of(user, city_a)
    url = reverse("api_subsidy_application_list")

    def grow():
        _applications(city_a, N, coordinator=coordinator_a, sme=sme)

    grow()
    assert_flat(lambda: queries_of(client, url), grow)
    assert client.get(url).json()["count"] == 2 * N


@pytest.mark.django_db
def test_api_details_queries_do_not_grow(api_client_of, city_a, coordinator_a):
    client = api_client_of(coordinator_a, city_a)
    (application,) = _applications(city_a, 1, coordinator=coordinator_a)
    programme = application.programme

    def grow():
        _grow_application(application, notes=N, documents=N, author=coordinator_a)
        with scopes_disabled():
            for _ in range(N):
                ProgrammeWindow.objects.create(
                    municipality=city_a, programme=programme, label=f"追加{next(_names)}",
                    opens_on=dt.date(2027, 1, 1), closes_on=dt.date(2027, 2, 1),
                )  # fmt: skip

    for url in (
        reverse("api_subsidy_programme_detail", kwargs={"pk": programme.pk}),
        reverse("api_subsidy_application_detail", kwargs={"pk": application.pk}),
    ):
        assert_flat(lambda url=url: queries_of(client, url), grow)
