"""Filters of the deal pipeline's lists, shared by the pages and the API (see kawasaki/filters.py)."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kawasaki.filters import TenantFilterSet
from kawasaki.lookups import SearchSelect
from kawasaki.models import Municipality, User
from kawasaki.rules import is_coordinator
from patents.models import LargeCompany
from patents.selectors import companies_visible_to
from smes.models import SME
from smes.selectors import smes_visible_to

from . import selectors
from .models import Negotiation, Product, State


def _label(model, name: str):
    return model._meta.get_field(name).verbose_name


def _sme_filter(field_name: str) -> django_filters.ModelChoiceFilter:
    return django_filters.ModelChoiceFilter(
        field_name=field_name,
        label=_("SME"),
        queryset=SME.objects.none(),
        empty_label=_("All"),
        widget=SearchSelect(lookup="sme"),
    )


def _company_filter(field_name: str) -> django_filters.ModelChoiceFilter:
    return django_filters.ModelChoiceFilter(
        field_name=field_name, label=_("Company"), queryset=LargeCompany.objects.none(), empty_label=_("All")
    )


def _limit_parties(filterset: TenantFilterSet, *, deal_path: str) -> None:
    """The choices of the `sme` and `company` filters of a list of deals (deal_path "") or of what deals
    produced (deal_path "negotiation__").

    A coordinator may name every SME and company of the municipality (as the board always offered); a
    party the SMEs and companies of the rows it sees, so that it can narrow its own deals by the other
    side without learning which other ids exist."""
    user, municipality = filterset.user, filterset.municipality
    smes: QuerySet[SME] = smes_visible_to(user=user, municipality=municipality)
    companies: QuerySet[LargeCompany] = companies_visible_to(user=user, municipality=municipality)
    if not is_coordinator(user, municipality):
        rows = filterset.queryset.order_by()
        smes = SME.objects.filter(municipality=municipality, pk__in=rows.values(f"{deal_path}sme_id"))
        companies = LargeCompany.objects.filter(
            municipality=municipality, pk__in=rows.values(f"{deal_path}company_id")
        )
    filterset.filters["sme"].queryset = smes
    filterset.filters["company"].queryset = companies


def _staff(municipality: Municipality) -> QuerySet[User]:
    return selectors.staff_of(municipality=municipality)


class NegotiationFilterSet(TenantFilterSet):
    """Deals: the list `negotiation_list` and `GET /api/v1/negotiations/` (state, coordinator, company,
    SME); the board `negotiation_board` uses the same filters but the state (BoardFilterSet)."""

    state = django_filters.ChoiceFilter(
        label=_label(Negotiation, "state"), choices=State.choices, empty_label=_("All")
    )
    coordinator = django_filters.ModelChoiceFilter(
        label=_("Coordinator"), queryset=User.objects.none(), empty_label=_("All")
    )
    company = _company_filter("company")
    sme = _sme_filter("sme")

    # Filters are declared, not generated from Meta.fields: generating them queries the model's manager
    # when the module is imported, outside any tenant scope.
    class Meta:
        model = Negotiation
        fields: list[str] = []

    def limit_choices(self) -> None:
        _limit_parties(self, deal_path="")
        self.filters["coordinator"].queryset = _staff(self.municipality)


class BoardFilterSet(NegotiationFilterSet):
    """The board: the deal filters but the state, since every column of the board is a state."""

    state = None  # removes the inherited filter (as in Django forms)


class ProductFilterSet(TenantFilterSet):
    """Products: the page `product_list` and `GET /api/v1/products/` (the company and SME of the deal)."""

    company = _company_filter("negotiation__company")
    sme = _sme_filter("negotiation__sme")

    class Meta:
        model = Product
        fields: list[str] = []

    def limit_choices(self) -> None:
        _limit_parties(self, deal_path="negotiation__")
