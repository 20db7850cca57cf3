"""Permission predicates of the patents app, built on the core's role predicates.

Municipality-level permissions are checked against the municipality (may this role open the page at
all); object permissions against a patent, company or import (may this user act on this one). Company
IP staff act only for the company their membership names.
"""

from __future__ import annotations

import rules

from kawasaki.models import Role
from kawasaki.rules import is_company_staff, is_coordinator, is_sme_member, municipality_of
from kawasaki.selectors import membership_in


def _company_id_of(obj) -> int | None:
    from .models import LargeCompany

    if isinstance(obj, LargeCompany):
        return obj.pk
    return getattr(obj, "company_id", None)


@rules.predicate
def is_company_staff_of(user, obj) -> bool:
    """The user is IP staff of the company the object belongs to (a company, patent or import)."""
    municipality = municipality_of(obj)
    if municipality is None or not user.is_authenticated:
        return False
    membership = membership_in(user=user, municipality=municipality)
    if membership is None or membership.role != Role.COMPANY_STAFF or membership.company_id is None:
        return False
    return membership.company_id == _company_id_of(obj)


rules.add_perm("patents.view_patent", is_coordinator | is_company_staff | is_sme_member)
# The seed table with its curation filters, in the menu: SME members find seeds in their own catalogue
# (smes' "Find seeds", searched by the engine) instead of a second list.
rules.add_perm("patents.view_patent_table", is_coordinator | is_company_staff)
rules.add_perm("patents.curate_patents", is_coordinator | is_company_staff)
rules.add_perm("patents.change_patent", is_coordinator | is_company_staff_of)
# Drawings, prototype photos and data files of a seed: its company's IP staff and coordinators.
rules.add_perm("patents.manage_attachments", is_coordinator | is_company_staff_of)
rules.add_perm("patents.view_company", is_coordinator | is_company_staff)
rules.add_perm("patents.change_company", is_coordinator | is_company_staff_of)
rules.add_perm("patents.manage_companies", is_coordinator)
rules.add_perm("patents.import_portfolio", is_coordinator | is_company_staff)
rules.add_perm("patents.import_for_company", is_coordinator | is_company_staff_of)
