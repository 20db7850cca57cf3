"""A company's staff see, on an SME's shared profile, their own company's deals with that SME (one
click to each), never another company's; coordinators have the SME's full page and get no panel."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from negotiations.models import State
from tests.factories.matching import staff_of
from tests.factories.negotiations import NegotiationFactory
from tests.matching.conftest import make_company

pytestmark = pytest.mark.django_db


def test_company_sees_its_own_deals_with_a_shared_sme(client_of, city_a, sme_a, coordinator_a):
    with scopes_disabled():
        sme_a.consent_to_share = True
        sme_a.save(update_fields=["consent_to_share"])
        own, other = make_company(city_a, "川崎電機"), make_company(city_a, "他社電工")
        deal = NegotiationFactory(municipality=city_a, sme=sme_a, company=own, state=State.NDA_SIGNED)
        foreign = NegotiationFactory(municipality=city_a, sme=sme_a, company=other, state=State.TERMS)
        staff = staff_of(own)
    url = reverse("sme_shared", kwargs={"municipality": city_a.slug, "pk": sme_a.pk})
    body = client_of(staff).get(url).content.decode()
    panel = body.split('data-testid="shared-sme-deals"')[1].split("</section>")[0]
    detail = reverse("negotiation_detail", kwargs={"municipality": city_a.slug, "pk": deal.pk})
    foreign_detail = reverse("negotiation_detail", kwargs={"municipality": city_a.slug, "pk": foreign.pk})
    assert f'href="{detail}"' in panel
    assert "秘密保持契約" in panel  # the stage in words
    assert foreign_detail not in body
    coordinator_body = client_of(coordinator_a).get(url).content.decode()
    assert 'data-testid="shared-sme-deals"' not in coordinator_body


def test_company_without_deals_is_told_who_introduces(client_of, city_a, sme_a):
    with scopes_disabled():
        sme_a.consent_to_share = True
        sme_a.save(update_fields=["consent_to_share"])
        staff = staff_of(make_company(city_a, "川崎電機"))
    url = reverse("sme_shared", kwargs={"municipality": city_a.slug, "pk": sme_a.pk})
    panel = client_of(staff).get(url).content.decode().split('data-testid="shared-sme-deals"')[1]
    assert "コーディネーターがご紹介します" in panel.split("</section>")[0]
