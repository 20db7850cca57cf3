"""Seeds and SMEs for screening and meeting tests, made by the factories of tests/factories/. The
Japanese texts are written by hand for these tests.

`make_company`, `make_patent` and `make_sme` give a row with only the texts a test names (the engine
reads every text field, so the factories' sample texts are blanked) and a company without aliases
(tests make companies whose names share an alias key)."""

import pytest
from django_scopes import scopes_disabled

from patents.models import PublicationState
from tests.factories.patents import LargeCompanyFactory, PatentFactory
from tests.factories.smes import SMEFactory


def make_company(municipality, name="大手電機株式会社"):
    with scopes_disabled():
        return LargeCompanyFactory(municipality=municipality, name_ja=name, name_en="", with_aliases=False)


def make_patent(municipality, company, title, abstract="", *, state=PublicationState.PUBLISHED, **fields):
    with scopes_disabled():
        return PatentFactory(
            municipality=municipality,
            company=company,
            title=title,
            abstract=abstract,
            publication_state=state,
            **fields,
        )


def make_sme(municipality, name, *, needs="", products="", capabilities=""):
    with scopes_disabled():
        return SMEFactory(
            municipality=municipality,
            name_ja=name,
            name_kana="",
            name_en="",
            industry="",
            employees=None,
            needs_tags=[],
            needs=needs,
            products=products,
            capabilities=capabilities,
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
