"""The deals' data-quality page also lists subsidy applications dated before their linked deal opened
(a rule the subsidies app registers: negotiations.selectors.register_data_quality_rule)."""

import datetime as dt

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from negotiations.models import Negotiation
from tests.factories.negotiations import NegotiationFactory
from tests.factories.subsidies import ApplicationFactory


def _opened_on(deal: Negotiation, day: dt.date) -> None:
    when = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
    Negotiation.objects.filter(pk=deal.pk).update(created_at=when)
    deal.entries.update(created_at=when)


@pytest.mark.django_db
def test_an_application_dated_before_its_deal_opened_is_listed(client_of, coordinator_a, city_a, city_b):
    with scopes_disabled():
        deal = NegotiationFactory(municipality=city_a)
        _opened_on(deal, dt.date(2026, 6, 1))
        early = ApplicationFactory(
            municipality=city_a, sme=deal.sme, negotiation=deal, submitted_on=dt.date(2026, 5, 20)
        )
        # Submitted after the deal opened, decided before: still fine (the decision follows its own rule).
        fine = ApplicationFactory(
            municipality=city_a, sme=deal.sme, negotiation=deal, submitted_on=dt.date(2026, 6, 1)
        )
        unlinked = ApplicationFactory(municipality=city_a, submitted_on=dt.date(2020, 1, 1))
        other_city = NegotiationFactory(municipality=city_b)
        _opened_on(other_city, dt.date(2026, 6, 1))
        ApplicationFactory(
            municipality=city_b, sme=other_city.sme, negotiation=other_city, submitted_on=dt.date(2026, 1, 1)
        )
    response = client_of(coordinator_a).get("/m/city-a/negotiations/data-quality/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    listed = [(p.url_name, p.pk, p.problem) for p in response.context["problems"]]
    assert listed == [
        (
            "subsidy_application_detail",
            early.pk,
            f"Submitted on May 20, 2026, before the linked deal ({deal}) was opened on June 1, 2026.",
        )
    ]
    assert fine.pk not in [p.pk for p in response.context["problems"]]
    assert unlinked.pk not in [p.pk for p in response.context["problems"]]
    assert f'href="/m/city-a/subsidies/applications/{early.pk}/"' in response.content.decode()


@pytest.mark.django_db
def test_the_rule_speaks_japanese(client_of, coordinator_a, city_a):
    with scopes_disabled():
        deal = NegotiationFactory(municipality=city_a)
        _opened_on(deal, dt.date(2026, 6, 1))
        ApplicationFactory(
            municipality=city_a,
            sme=deal.sme,
            negotiation=deal,
            status="granted",
            submitted_on=dt.date(2026, 4, 2),
            decided_on=dt.date(2026, 5, 1),
        )
    client = client_of(coordinator_a)
    client.cookies["django_language"] = "ja"
    response = client.get("/m/city-a/negotiations/data-quality/")
    (problem,) = response.context["problems"]
    assert problem.problem.startswith("2026年4月2日に申請")
    assert "2026年6月1日" in problem.problem
