"""A large company's own screening: against consenting SMEs only, started by its staff or after an
import or a publish, its per-seed results page and the shared SME profile (nothing else of an SME)."""

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from kawasaki.models import Role
from matching import services
from matching.models import Direction, ScreeningRun
from matching.services.company import CONSENTING_ONLY, company_screening_start
from patents.services import patents_set_state
from smes.models import SME
from tests.conftest import make_member
from tests.factories.patents import company_staff
from tests.factories.smes import BusinessPlanFactory, VisitFactory
from tests.helpers.db_state import assert_db_unchanged
from tests.matching.conftest import make_company, make_patent, make_sme

pytestmark = pytest.mark.django_db


def _consenting(sme):
    with scopes_disabled():
        SME.objects.filter(pk=sme.pk).update(consent_to_share=True)
        sme.refresh_from_db()
    return sme


@pytest.fixture
def farm(city_a):
    return _consenting(make_sme(city_a, "Farm Tech ZZFARM", needs="soil moisture sensor for farms"))


@pytest.fixture
def private_sme(city_a):
    # Same needs, no consent: a company's own screening never sees it.
    return make_sme(city_a, "Quiet Farm ZZQUIET", needs="soil moisture sensor for farms")


@pytest.fixture
def staff(seeds_a):
    return company_staff(seeds_a["company"], email="ip@bigcorp.example")


def _run_of(company):
    with scopes_disabled():
        return ScreeningRun.objects.filter(company=company).order_by("-pk").first()


def test_staff_start_a_screening_of_consenting_smes_only(
    client_of, city_a, seeds_a, farm, private_sme, staff
):
    url = reverse("company_screening_start", kwargs={"municipality": "city-a"})
    response = client_of(staff).post(url)
    assert response.status_code == 302
    run = _run_of(seeds_a["company"])
    assert (run.direction, run.shared_with_company, run.parameters[CONSENTING_ONLY]) == (
        Direction.PORTFOLIO,
        True,
        True,
    )
    with scope(municipality=city_a):
        services.screening_run_execute(run=run)
        smes = {c.sme_id for c in run.candidates.all()}
    assert smes == {farm.pk}


def test_fits_page_groups_per_seed_in_words_with_links(client_of, city_a, seeds_a, farm, private_sme, staff):
    other = make_company(city_a, "他社")
    make_patent(city_a, other, "Soil moisture probe ZZOTHERSEED", "A wireless sensor of soil moisture.")
    with scope(municipality=city_a):
        run = company_screening_start(municipality=city_a, company=seeds_a["company"], actor=staff)
        services.screening_run_execute(run=run)
    page = client_of(staff).get(reverse("shared_candidates", kwargs={"municipality": "city-a"}))
    body = page.content.decode()
    assert page.status_code == 200
    sensor = seeds_a["sensor"]
    assert reverse("patent_detail", kwargs={"municipality": "city-a", "pk": sensor.pk}) in body
    assert reverse("sme_shared", kwargs={"municipality": "city-a", "pk": farm.pk}) in body
    with scopes_disabled():
        fits = list(run.candidates.filter(patent=sensor))
    assert [c.sme_id for c in fits] == [farm.pk]
    assert f'class="band band--{fits[0].band}"' in body
    assert "ZZQUIET" not in body
    assert "ZZOTHERSEED" not in body
    # No internal figures: neither the score nor the engine's raw relevance.
    assert f"{fits[0].score:.2f}" not in body
    assert "BM25" not in body
    # The band filter keeps only strong fits.
    strong = client_of(staff).get(
        reverse("shared_candidates", kwargs={"municipality": "city-a"}), {"band": "strong", "q": "ZZNOTHING"}
    )
    assert 'data-testid="fit-empty"' in strong.content.decode()


def test_sme_member_cannot_start_a_company_screening(client_of, city_a, seeds_a, farm):
    member = make_member(city_a, Role.SME_MEMBER)
    with assert_db_unchanged():
        response = client_of(member).post(
            reverse("company_screening_start", kwargs={"municipality": "city-a"})
        )
    assert response.status_code == 403


def test_publishing_seeds_starts_one_company_screening(
    city_a, seeds_a, staff, django_capture_on_commit_callbacks
):
    draft = make_patent(city_a, seeds_a["company"], "Drone battery", "A battery.", state="draft")
    draft2 = make_patent(city_a, seeds_a["company"], "Drone frame", "A frame.", state="draft")
    with scope(municipality=city_a):
        patents_set_state(patents=[draft, draft2], actor=staff, state="published")
    with scopes_disabled():
        runs = list(ScreeningRun.objects.filter(company=seeds_a["company"]))
    assert [(r.parameters["started_for"], r.shared_with_company) for r in runs] == [("publish", True)]


def test_shared_profile_shows_only_what_the_sme_shares(client_of, city_a, seeds_a, farm, staff):
    with scopes_disabled():
        SME.objects.filter(pk=farm.pk).update(address="川崎市秘密町1-2-3", referred_by="ZZBANK")
        BusinessPlanFactory(sme=farm, title="ZZPLANTITLE")
        VisitFactory(sme=farm, notes="ZZVISITNOTE")
    url = reverse("sme_shared", kwargs={"municipality": "city-a", "pk": farm.pk})
    body = client_of(staff).get(url).content.decode()
    assert "Farm Tech ZZFARM" in body
    assert "soil moisture sensor for farms" in body
    for secret in ("秘密町", "ZZBANK", "ZZPLANTITLE", "ZZVISITNOTE"):
        assert secret not in body


def test_shared_profile_is_404_without_consent_or_in_another_city(
    client_of, city_a, city_b, private_sme, staff
):
    client = client_of(staff)
    assert (
        client.get(reverse("sme_shared", kwargs={"municipality": "city-a", "pk": private_sme.pk})).status_code
        == 404
    )
    elsewhere = _consenting(make_sme(city_b, "B市の会社"))
    assert (
        client.get(reverse("sme_shared", kwargs={"municipality": "city-a", "pk": elsewhere.pk})).status_code
        == 404
    )
    # The SME's internal page stays closed to company staff.
    internal = reverse("sme_detail", kwargs={"municipality": "city-a", "pk": private_sme.pk})
    assert client.get(internal).status_code == 403


def test_new_interest_mails_the_company_staff_in_their_language(
    city_a, seeds_a, farm, staff, mailoutbox, django_capture_on_commit_callbacks
):
    from smes.services import seed_interest_send

    member = make_member(city_a, Role.SME_MEMBER)
    with scope(municipality=city_a), django_capture_on_commit_callbacks(execute=True):
        seed_interest_send(sme=farm, patent=seeds_a["sensor"], actor=member, message="試作したい")
    to_staff = [m for m in mailoutbox if m.to == ["ip@bigcorp.example"]]
    assert len(to_staff) == 1
    assert seeds_a["sensor"].number in to_staff[0].subject
    assert "Farm Tech ZZFARM" in to_staff[0].body
    assert "試作したい" not in to_staff[0].body  # the message stays with the coordinators


def test_one_on_one_request_mails_the_company_staff(
    city_a, seeds_a, farm, staff, mailoutbox, django_capture_on_commit_callbacks
):
    from matching.models import MeetingKind
    from tests.factories.matching import MeetingFactory

    with scopes_disabled():
        symposium = MeetingFactory(
            municipality=city_a, kind=MeetingKind.SYMPOSIUM, company=None, title="ZZSYMP"
        )
        symposium.presenting_companies.add(seeds_a["company"])
    member = make_member(city_a, Role.SME_MEMBER)
    with scope(municipality=city_a), django_capture_on_commit_callbacks(execute=True):
        services.one_on_one_request(
            symposium=symposium, actor=member, sme=farm, company=seeds_a["company"], seeds=[seeds_a["sensor"]]
        )
    to_staff = [m for m in mailoutbox if m.to == ["ip@bigcorp.example"]]
    assert len(to_staff) == 1
    assert "ZZSYMP" in to_staff[0].subject
    assert seeds_a["sensor"].number in to_staff[0].body


def test_company_dashboard_counts_fits_and_interests(client_of, city_a, seeds_a, farm, staff):
    with scope(municipality=city_a):
        run = company_screening_start(municipality=city_a, company=seeds_a["company"], actor=staff)
        services.screening_run_execute(run=run)
    with scopes_disabled():
        seeds_with_fits = run.candidates.exclude(sme=None).values("patent_id").distinct().count()
    from django.test import Client

    client = client_of(staff)
    assert isinstance(client, Client)
    body = client.get(reverse("dashboard", kwargs={"municipality": "city-a"})).content.decode()
    assert "自社シーズに合う中小企業" in body
    assert seeds_with_fits >= 1
