"""The API lists the same deals, meetings and products the pages show, per role."""

import datetime as dt

import pytest
from django_scopes import scopes_disabled

from negotiations.models import Product, State
from tests.factories.negotiations import NegotiationFactory


@pytest.mark.django_db
def test_api_lists_follow_party_visibility(
    api_client_of, deal_a, parties_a, coordinator_a, city_b, coordinator_b
):
    with scopes_disabled():
        deal_a.state = State.LAUNCHED
        deal_a.save()
        product = Product.objects.create(
            municipality=deal_a.municipality,
            negotiation=deal_a,
            name="防振マウント",
            launch_date=dt.date(2026, 5, 1),
        )
        NegotiationFactory(municipality=city_b)
    coordinator = api_client_of(coordinator_a, deal_a.municipality)
    assert len(coordinator.get("/api/v1/negotiations/").json()["results"]) == 2
    sme = api_client_of(parties_a["sme"], deal_a.municipality)
    body = sme.get("/api/v1/negotiations/").json()
    assert [(d["id"], d["state"]) for d in body["results"]] == [(deal_a.pk, "launched")]
    assert [p["name"] for p in sme.get("/api/v1/products/").json()["results"]] == ["防振マウント"]
    assert sme.get(f"/api/v1/products/{product.pk}/").json()["name"] == "防振マウント"
    other = api_client_of(parties_a["other_sme"], deal_a.municipality)
    other_ids = [d["id"] for d in other.get("/api/v1/negotiations/").json()["results"]]
    assert len(other_ids) == 1  # only the other SME's own deal
    assert deal_a.pk not in other_ids
    assert other.get(f"/api/v1/negotiations/{deal_a.pk}/").status_code == 404
    assert other.get(f"/api/v1/products/{product.pk}/").status_code == 404
    b = api_client_of(coordinator_b, city_b)
    assert b.get(f"/api/v1/negotiations/{deal_a.pk}/").status_code == 404
    assert len(b.get("/api/v1/negotiations/").json()["results"]) == 1


def test_negotiations_can_be_ordered(api_client_of, city_a, coordinator_a):
    """`ordering` works on the deal list (newest first and back)."""
    from django.urls import reverse

    with scopes_disabled():
        made = [NegotiationFactory(municipality=city_a).pk for _ in range(3)]
    api = api_client_of(coordinator_a, city_a)
    newest = api.get(reverse("api_negotiation_list"), {"ordering": "-created_at"})
    oldest = api.get(reverse("api_negotiation_list"), {"ordering": "created_at"})
    assert newest.status_code == oldest.status_code == 200
    ids_new = [n["id"] for n in newest.json()["results"]]
    ids_old = [n["id"] for n in oldest.json()["results"]]
    assert ids_old == made
    assert ids_new == list(reversed(made))
