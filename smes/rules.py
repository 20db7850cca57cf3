"""Permission predicates of the smes app, built on the core's role predicates.

Municipality-level checks gate a page; object-level checks decide for one SME or plan. An SME member
acts for the one SME linked to their membership and nothing else.
"""

from __future__ import annotations

import rules

from kawasaki.models import Municipality, Role
from kawasaki.rules import is_company_staff, is_coordinator, is_sme_member, municipality_of
from kawasaki.selectors import membership_in


def own_sme_id(user, municipality) -> int | None:
    """The id of the SME a user acts for in a municipality (SME members only), else None."""
    if municipality is None or not user.is_authenticated:
        return None
    membership = membership_in(user=user, municipality=municipality)
    if membership is None or membership.role != Role.SME_MEMBER:
        return None
    return membership.sme_id


def _sme_id_of(obj) -> int | None:
    from .models import SME

    if isinstance(obj, SME):
        return obj.pk
    return getattr(obj, "sme_id", None)


@rules.predicate
def is_own_sme(user, obj=None) -> bool:
    """For a municipality: the user acts for an SME there. For an SME or its plan: it is that SME."""
    sme_id = own_sme_id(user, municipality_of(obj))
    if sme_id is None:
        return False
    if isinstance(obj, Municipality):
        return True
    return _sme_id_of(obj) == sme_id


rules.add_perm("smes.view_sme_list", is_coordinator)
rules.add_perm("smes.add_sme", is_coordinator)
rules.add_perm("smes.view_sme", is_coordinator | is_own_sme)
rules.add_perm("smes.change_sme", is_coordinator | is_own_sme)
# The menu shows "Our company" only when the membership is linked to an SME; the page itself opens
# for every SME member and explains when the link is missing.
rules.add_perm("smes.view_own_sme", is_own_sme)
# The profile a consenting SME shares with large companies (the view serves consenting SMEs only).
rules.add_perm("smes.view_shared_sme", is_coordinator | is_company_staff)
rules.add_perm("smes.open_own_sme", is_sme_member)
# Visits, their notes and follow-ups are the coordinators' working record.
rules.add_perm("smes.view_visit", is_coordinator)
rules.add_perm("smes.add_visit", is_coordinator)
rules.add_perm("smes.view_followups", is_coordinator)
rules.add_perm("smes.view_internal", is_coordinator)
rules.add_perm("smes.view_plan", is_coordinator | is_own_sme)
rules.add_perm("smes.view_plan_list", is_coordinator | is_sme_member)
rules.add_perm("smes.add_plan", is_coordinator | is_own_sme)
rules.add_perm("smes.change_plan", is_coordinator | is_own_sme)
rules.add_perm("smes.submit_plan", is_coordinator | is_own_sme)
rules.add_perm("smes.review_plan", is_coordinator)
rules.add_perm("smes.comment_plan", is_coordinator)
rules.add_perm("smes.view_partner", is_coordinator)
rules.add_perm("smes.manage_partner", is_coordinator)
rules.add_perm("smes.view_referral", is_coordinator)
rules.add_perm("smes.manage_referral", is_coordinator)
# Browsing published seeds: SME members (and coordinators, to see what SMEs see); only an SME
# member acting for an SME can send "we are interested".
rules.add_perm("smes.browse_seeds", is_coordinator | is_sme_member)
rules.add_perm("smes.send_interest", is_own_sme)
rules.add_perm("smes.view_interest_inbox", is_coordinator)
# An SME member's own list of interests (the page explains when the membership has no SME yet).
rules.add_perm("smes.view_own_interests", is_sme_member)
# A large company's staff: the SMEs' interests in its own seeds (the selector keeps to its company).
rules.add_perm("smes.view_company_interests", is_company_staff)
# Contact persons: the coordinators and the SME's own members keep them; companies see only those who
# agreed to be shared (`selectors.contact_persons_visible_to`).
rules.add_perm("smes.manage_contacts", is_coordinator | is_own_sme)
