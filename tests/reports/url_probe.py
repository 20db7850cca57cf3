"""Tenancy probe of the reports app: which roles open each URL, and how to make the objects they name."""

from __future__ import annotations

import datetime as dt

from kawasaki.models import Membership, Role
from kawasaki.selectors import forget_roles
from negotiations.models import Product
from tests.factories.negotiations import NegotiationFactory
from tests.factories.patents import LargeCompanyFactory

STAFF = frozenset({Role.MUNICIPALITY_ADMIN, Role.COORDINATOR})


def _company(municipality, user):
    return LargeCompanyFactory(municipality=municipality).pk


def _product(municipality, user):
    """A launched product; a probed SME member or company staff is made a party to its deal (their own
    product, or one made under their company's licence), so that they see it."""
    negotiation = NegotiationFactory(municipality=municipality, state="launched")
    product = Product.objects.create(
        municipality=municipality,
        negotiation=negotiation,
        name="Probe product",
        launch_date=dt.date(2025, 6, 1),
    )
    membership = Membership.objects.filter(user=user, municipality=municipality).first()
    if membership is not None and membership.role == Role.SME_MEMBER:
        Membership.objects.filter(pk=membership.pk).update(sme=negotiation.sme)
    if membership is not None and membership.role == Role.COMPANY_STAFF:
        Membership.objects.filter(pk=membership.pk).update(company=negotiation.company)
    forget_roles(user)
    return product.pk


ROLE_MATRIX = {
    "report_dashboard": STAFF | {Role.REPORTING},
    "report_table_export": STAFF | {Role.REPORTING},
    "report_annual_pdf": STAFF | {Role.REPORTING},
    "report_company_pdf": STAFF | {Role.REPORTING},
    "report_targets": frozenset({Role.MUNICIPALITY_ADMIN}),
    "report_sales_list": STAFF | {Role.SME_MEMBER, Role.COMPANY_STAFF},
    "report_product_sales": STAFF | {Role.SME_MEMBER, Role.COMPANY_STAFF},
    "report_case_study": STAFF,
}

PROBE_OBJECTS = {
    "report_table_export": lambda municipality, user: {"table": "summary", "fmt": "csv"},
    "report_company_pdf": _company,
    "report_product_sales": _product,
    "report_case_study": _product,
}

NON_TENANT_URLS = {
    "api_kpi_results": 401,
    "api_kpi_summary": 401,
    "api_kpi_funnel": 401,
    "api_kpi_companies": 401,
    "api_kpi_council": 401,
}
