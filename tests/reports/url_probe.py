"""Tenancy probe of the reports app: which roles open each URL, and how to make the objects they name."""

from __future__ import annotations

from kawasaki.models import Role
from tests.factories.patents import LargeCompanyFactory

STAFF = frozenset({Role.MUNICIPALITY_ADMIN, Role.COORDINATOR})


def _company(municipality, user):
    return LargeCompanyFactory(municipality=municipality).pk


ROLE_MATRIX = {
    "report_dashboard": STAFF | {Role.REPORTING},
    "report_table_export": STAFF | {Role.REPORTING},
    "report_annual_pdf": STAFF | {Role.REPORTING},
    "report_company_pdf": STAFF | {Role.REPORTING},
}

PROBE_OBJECTS = {
    "report_table_export": lambda municipality, user: {"table": "summary", "fmt": "csv"},
    "report_company_pdf": _company,
}

NON_TENANT_URLS = {
    "api_kpi_results": 401,
    "api_kpi_summary": 401,
    "api_kpi_funnel": 401,
    "api_kpi_companies": 401,
}
