"""Permission predicates shared by pages and the API.

Every predicate takes the user and an object that belongs to a municipality (or the municipality
itself) and answers from the user's membership there, so a role in one city grants nothing in another.
"""

from __future__ import annotations

import rules

from .models import Municipality, Role
from .selectors import role_in


def municipality_of(obj) -> Municipality | None:
    """The municipality an object belongs to (the object itself for a Municipality)."""
    if obj is None:
        return None
    if isinstance(obj, Municipality):
        return obj
    return getattr(obj, "municipality", None)


def _has_role(*roles: str):
    allowed = frozenset(roles)

    def predicate(user, obj=None) -> bool:
        municipality = municipality_of(obj)
        if municipality is None or not user.is_authenticated:
            return False
        return role_in(user=user, municipality=municipality) in allowed

    return predicate


is_member = rules.predicate(_has_role(*Role.values), name="is_member")
is_municipality_admin = rules.predicate(_has_role(Role.MUNICIPALITY_ADMIN), name="is_municipality_admin")
# A municipality admin is a senior coordinator: everything a coordinator may do, an admin may too.
is_coordinator = rules.predicate(_has_role(Role.MUNICIPALITY_ADMIN, Role.COORDINATOR), name="is_coordinator")
is_company_staff = rules.predicate(_has_role(Role.COMPANY_STAFF), name="is_company_staff")
is_sme_member = rules.predicate(_has_role(Role.SME_MEMBER), name="is_sme_member")
is_reporting_client = rules.predicate(_has_role(Role.REPORTING), name="is_reporting_client")

rules.add_perm("kawasaki.view_dashboard", is_member)
rules.add_perm("kawasaki.view_members", is_coordinator)
rules.add_perm("kawasaki.manage_members", is_municipality_admin)
rules.add_perm("kawasaki.view_audit", is_coordinator)
rules.add_perm("kawasaki.manage_api_tokens", is_member & ~is_reporting_client)
# SME members keep their tokens under their account menu; the main menu is for the programme's work.
rules.add_perm("kawasaki.api_tokens_in_menu", is_member & ~is_reporting_client & ~is_sme_member)
