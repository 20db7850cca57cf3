"""Who may see and change deals: coordinators everything in their municipality, company IP staff and
SME members only the deals they are party to. (Meetings: matching/rules.py.)"""

from __future__ import annotations

import rules

from kawasaki.models import Role
from kawasaki.rules import is_company_staff, is_coordinator, is_sme_member, municipality_of
from matching.rules import party_ids


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


is_party_role = is_company_staff | is_sme_member

# Municipality-level: which pages a role may open at all (lists show only the user's own deals).
rules.add_perm("negotiations.view_board", is_coordinator)
rules.add_perm("negotiations.manage_negotiation", is_coordinator)
rules.add_perm("negotiations.list_negotiations", is_coordinator | is_party_role)
# Object-level (templates, API); pages fetch objects through the party-filtered selectors.
rules.add_perm("negotiations.view_negotiation", is_coordinator | is_party_to_negotiation)
rules.add_perm("negotiations.upload_document", is_coordinator | is_party_to_negotiation)
# API (checked against the token's municipality; querysets come from the same selectors).
rules.add_perm("negotiations.api_read", is_coordinator | is_party_role)
rules.add_perm("negotiations.api_move", is_coordinator)
