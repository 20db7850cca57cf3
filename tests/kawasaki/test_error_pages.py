"""403 and 404 answers are pages of the product: translated, in its layout, saying what one can do."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from kawasaki.models import Role
from tests.conftest import make_member
from tests.factories.smes import SMEFactory

pytestmark = pytest.mark.django_db


def test_forbidden_page_is_translated_and_leads_back(client_of, city_a):
    member = make_member(city_a, Role.SME_MEMBER)
    response = client_of(member).get(reverse("subsidy_calendar", kwargs={"municipality": city_a.slug}))
    assert response.status_code == 403
    body = response.content.decode()
    assert "403 Forbidden" not in body
    assert "このページは利用できません" in body
    assert "中小企業" in body  # the role the person is signed in as
    assert reverse("dashboard", kwargs={"municipality": city_a.slug}) in body
    assert 'class="site-nav"' in body  # the product's layout, with the person's menu


def test_forbidden_page_in_english(client_of, city_a):
    member = make_member(city_a, Role.SME_MEMBER)
    member.preferred_language = "en"
    member.save(update_fields=["preferred_language"])
    client = client_of(member)
    client.cookies["django_language"] = "en"
    body = client.get(
        reverse("subsidy_calendar", kwargs={"municipality": city_a.slug}), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "This page is not open to you" in body


def test_another_municipalitys_object_is_a_translated_404(client_of, city_a, city_b, coordinator_a):
    with scopes_disabled():
        elsewhere = SMEFactory(municipality=city_b)
    response = client_of(coordinator_a).get(
        reverse("sme_detail", kwargs={"municipality": city_a.slug, "pk": elsewhere.pk})
    )
    assert response.status_code == 404
    body = response.content.decode()
    assert "ページが見つかりません" in body
    assert elsewhere.name_ja not in body
    assert reverse("dashboard", kwargs={"municipality": city_a.slug}) in body


def test_unknown_address_is_a_translated_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "ページが見つかりません" in body
    assert reverse("home") in body
