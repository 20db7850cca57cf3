"""Who may see and change deals and meetings: coordinators everything in their municipality, company IP
staff and SME members only what they are party to."""

from __future__ import annotations

import rules

from kawasaki.models import Role
from kawasaki.rules import is_company_staff, is_coordinator, is_sme_member, municipality_of
from kawasaki.selectors import membership_in


def party_ids(user, municipality) -> tuple[str | None, int | None]:
    """(role, company or SME id) a user acts for in a municipality; (None, None) for no party role."""
    if municipality is None or not user.is_authenticated:
        return None, None
    membership = membership_in(user=user, municipality=municipality)
    if membership is None:
        return None, None
    if membership.role == Role.COMPANY_STAFF:
        return Role.COMPANY_STAFF, membership.company_id
    if membership.role == Role.SME_MEMBER:
        return Role.SME_MEMBER, membership.sme_id
    return None, None


def _negotiation_of(obj):
    from .models import Negotiation

    if isinstance(obj, Negotiation):
        return obj
    return getattr(obj, "negotiation", None)


@rules.predicate
def is_party_to_negotiation(user, obj) -> bool:
    """The user's company or SME is a side of the negotiation (or of the object's negotiation)."""
    negotiation = _negotiation_of(obj)
    if negotiation is None:
        return False
    role, party = party_ids(user, municipality_of(negotiation))
    if party is None:
        return False
    if role == Role.COMPANY_STAFF:
        return negotiation.company_id == party
    return negotiation.sme_id == party


@rules.predicate
def is_party_to_meeting(user, meeting) -> bool:
    """Company staff of the meeting's company or a presenter; an SME member of an invited SME."""
    role, party = party_ids(user, municipality_of(meeting))
    if party is None or meeting is None:
        return False
    if role == Role.COMPANY_STAFF:
        return meeting.company_id == party or meeting.presenting_companies.filter(pk=party).exists()
    return meeting.participants.filter(sme_id=party).exists()


is_party_role = is_company_staff | is_sme_member

# Municipality-level: which pages a role may open at all (lists show only the user's own deals).
rules.add_perm("negotiations.view_board", is_coordinator)
rules.add_perm("negotiations.manage_negotiation", is_coordinator)
rules.add_perm("negotiations.list_negotiations", is_coordinator | is_party_role)
rules.add_perm("negotiations.list_meetings", is_coordinator | is_party_role)
# Object-level (templates, API); pages fetch objects through the party-filtered selectors.
rules.add_perm("negotiations.view_negotiation", is_coordinator | is_party_to_negotiation)
rules.add_perm("negotiations.upload_document", is_coordinator | is_party_to_negotiation)
rules.add_perm("negotiations.view_meeting", is_coordinator | is_party_to_meeting)
rules.add_perm("negotiations.reply_meeting", is_coordinator | is_sme_member)
rules.add_perm("negotiations.request_one_on_one", is_coordinator | is_sme_member)
# SME self-service: upcoming symposiums of the municipality, register or withdraw its own company.
rules.add_perm("negotiations.register_symposium", is_sme_member)
# API (checked against the token's municipality; querysets come from the same selectors).
rules.add_perm("negotiations.api_read", is_coordinator | is_party_role)
rules.add_perm("negotiations.api_move", is_coordinator)
