"""Deals between SMEs and companies in city A, with a party of each side."""

import pytest
from django_scopes import scopes_disabled

from tests.factories.negotiations import NegotiationFactory, member_of, seed_of, staff_of


@pytest.fixture
def deal_a(city_a, coordinator_a):
    with scopes_disabled():
        deal = NegotiationFactory(municipality=city_a, coordinator=coordinator_a)
        deal.seeds.add(seed_of(deal.company))
    return deal


@pytest.fixture
def parties_a(deal_a):
    """(company staff, SME member) of deal_a, and (company staff, SME member) of neither."""
    with scopes_disabled():
        other = NegotiationFactory(municipality=deal_a.municipality)
        return {
            "company": staff_of(deal_a.company, email="ip@party.example.com"),
            "sme": member_of(deal_a.sme, email="owner@party.example.jp"),
            "other_company": staff_of(other.company, email="ip@other.example.com"),
            "other_sme": member_of(other.sme, email="owner@other.example.jp"),
        }
