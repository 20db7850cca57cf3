"""Permission predicates of the reports app: the programme's figures are for coordinators and reporting
clients; the targets are the municipality admin's; a product's sales are reported by its SME (or a
coordinator) and read by the licensing company's staff."""

from __future__ import annotations

import rules

from kawasaki.rules import (
    is_company_staff,
    is_coordinator,
    is_municipality_admin,
    is_reporting_client,
    is_sme_member,
    municipality_of,
)
from kawasaki.selectors import membership_in


@rules.predicate
def is_sme_of_product(user, product) -> bool:
    """The user is a member of the SME that launched the product."""
    municipality = municipality_of(product)
    if product is None or municipality is None or not user.is_authenticated:
        return False
    membership = membership_in(user=user, municipality=municipality)
    return (
        membership is not None
        and membership.sme_id is not None
        and (membership.sme_id == product.negotiation.sme_id)
    )


rules.add_perm("reports.view_reports", is_coordinator | is_reporting_client)
rules.add_perm("reports.set_targets", is_municipality_admin)
# Municipality-level: who opens the sales pages at all (the rows come from the visibility selector).
rules.add_perm("reports.view_product_sales", is_coordinator | is_sme_member | is_company_staff)
# Object-level, on a product.
rules.add_perm("reports.report_product_sales", is_coordinator | is_sme_of_product)
rules.add_perm("reports.edit_case_study", is_coordinator)
