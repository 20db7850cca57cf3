import pytest
from django_scopes import scopes_disabled

from kawasaki.models import Role
from tests.conftest import make_member
from tests.factories.patents import LargeCompanyFactory, company_staff


@pytest.fixture
def company_a(city_a):
    with scopes_disabled():
        return LargeCompanyFactory(
            municipality=city_a, name_ja="川崎電機株式会社", name_en="Kawasaki Denki Inc."
        )


@pytest.fixture
def other_company_a(city_a):
    with scopes_disabled():
        return LargeCompanyFactory(
            municipality=city_a, name_ja="多摩化学株式会社", name_en="Tama Chemical Corp."
        )


@pytest.fixture
def staff_a(company_a):
    with scopes_disabled():
        return company_staff(company_a, email="ip-a@example.com")


@pytest.fixture
def sme_a(city_a):
    return make_member(city_a, Role.SME_MEMBER, email="sme-a@example.jp")


# The browser test of this app uses the suite's headless Chromium fixtures.
from tests.browser.conftest import browser, page  # noqa: E402, F401
