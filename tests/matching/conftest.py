"""Seeds and SMEs for screening tests. The Japanese texts are written by hand for these tests."""

import itertools

import pytest
from django_scopes import scopes_disabled

from patents.models import LargeCompany, Patent, PublicationState
from smes.models import SME

_numbers = itertools.count(1)


def make_company(municipality, name="大手電機株式会社"):
    with scopes_disabled():
        return LargeCompany.objects.create(municipality=municipality, name_ja=name, name_en="")


def make_patent(municipality, company, title, abstract="", *, state=PublicationState.PUBLISHED, **fields):
    with scopes_disabled():
        return Patent.objects.create(
            municipality=municipality,
            company=company,
            number=f"JP{next(_numbers):07d}B",
            title=title,
            abstract=abstract,
            publication_state=state,
            **fields,
        )


def make_sme(municipality, name, *, needs="", products="", capabilities=""):
    with scopes_disabled():
        return SME.objects.create(
            municipality=municipality, name_ja=name, needs=needs, products=products, capabilities=capabilities
        )


@pytest.fixture
def seeds_a(city_a):
    """A small portfolio in city A: Japanese and English seeds (Japanese texts hand-written)."""
    company = make_company(city_a)
    return {
        "company": company,
        "motor": make_patent(
            city_a, company, "小型モータの制振構造", "モータの振動を低減するゴム製の取付部材。"
        ),
        "led": make_patent(
            city_a, company, "LED lighting driver", "A driver circuit that dims LED lamps without flicker."
        ),
        "sensor": make_patent(
            city_a, company, "Soil moisture sensor", "A wireless sensor measuring soil moisture for farms."
        ),
    }
