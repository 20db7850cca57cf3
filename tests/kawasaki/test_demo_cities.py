"""Each demo city is its own: no SME, partner or company shares a name with the other city's (a shared
name looks like a leak to a coordinator working in both), and each city has its own header colour."""

from __future__ import annotations

import pytest

from patents.models import LargeCompany
from smes.models import SME, Partner


@pytest.mark.django_db
def test_demo_cities_share_no_partner_or_company_name(seeded):
    kawasaki, sagamihara = seeded["kawasaki"], seeded["sagamihara"]
    for model in (Partner, LargeCompany, SME):
        for field in ("name_ja", "name_en"):
            k = set(
                model.objects.filter(municipality=kawasaki)
                .exclude(**{field: ""})
                .values_list(field, flat=True)
            )
            s = set(
                model.objects.filter(municipality=sagamihara)
                .exclude(**{field: ""})
                .values_list(field, flat=True)
            )
            assert k, (model, field)
            assert s, (model, field)
            assert not k & s, (model, field, k & s)


@pytest.mark.django_db
def test_demo_cities_have_their_own_colour(seeded):
    assert seeded["kawasaki"].colour == "blue"
    assert seeded["sagamihara"].colour == "green"
