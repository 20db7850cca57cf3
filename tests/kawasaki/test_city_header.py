"""Which city am I in: someone in several municipalities sees the current one's name in its colour on
every page; someone in one sees the plain name. The phone menu's toggle is in the header."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from kawasaki.models import Membership, Role
from tests.factories import MunicipalityFactory

TENANT = re.compile(r'<span class="([^"]*)"\s+data-testid="current-municipality"[^>]*>([^<]*)</span>')
HEADER = re.compile(r'<header class="([^"]*)"')


def _tenant(response) -> tuple[list[str], str]:
    match = TENANT.search(response.content.decode())
    assert match, "no municipality in the header"
    return match.group(1).split(), match.group(2).strip()


@pytest.mark.django_db
def test_header_shows_the_city_in_its_colour_for_people_in_two(client_of, city_a, coordinator_a):
    city_b = MunicipalityFactory(slug="city-b", name_ja="B市", name_en="City B", colour="green")
    Membership.objects.create(user=coordinator_a, municipality=city_b, role=Role.COORDINATOR)
    client = client_of(coordinator_a)
    for url in (
        reverse("dashboard", kwargs={"municipality": "city-b"}),
        reverse("sme_list", kwargs={"municipality": "city-b"}),
    ):
        classes, name = _tenant(client.get(url))
        assert name == "B市"
        assert "tenant--green" in classes
    response = client.get(reverse("dashboard", kwargs={"municipality": "city-a"}))
    body = response.content.decode()
    assert "tenant--blue" in HEADER.search(body).group(1).split()
    assert _tenant(response)[1] == "A市"
    assert 'aria-controls="site-tools site-nav"' in body


@pytest.mark.django_db
def test_header_stays_plain_for_people_in_one(client_of, city_a, coordinator_a):
    response = client_of(coordinator_a).get(reverse("dashboard", kwargs={"municipality": "city-a"}))
    classes, name = _tenant(response)
    assert (classes, name) == (["site-tenant"], "A市")
    assert "site-header--marked" not in HEADER.search(response.content.decode()).group(1)
