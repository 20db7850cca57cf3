"""Who may screen, review and see screening results, and who may see, plan and answer meetings:
coordinators everything in their municipality, company IP staff and SME members the meetings they are
party to."""

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


@rules.predicate
def is_staff_of_candidate_company(user, candidate) -> bool:
    """Company IP staff, for a candidate of their own company's seed in a run shared with them."""
    municipality = municipality_of(candidate)
    if municipality is None or not user.is_authenticated:
        return False
    membership = membership_in(user=user, municipality=municipality)
    return (
        membership is not None
        and membership.company_id is not None
        and candidate.run.shared_with_company
        and candidate.patent.company_id == membership.company_id
    )


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

rules.add_perm("matching.run_screening", is_coordinator)
rules.add_perm("matching.view_screeningrun", is_coordinator)
rules.add_perm("matching.review_candidate", is_coordinator)
rules.add_perm("matching.view_shared_candidates", is_company_staff)
rules.add_perm("matching.start_company_screening", is_company_staff)
rules.add_perm("matching.view_candidate", is_coordinator | is_staff_of_candidate_company)
rules.add_perm("matching.propose_meeting", is_coordinator)

# Meetings. Municipality-level: which pages a role may open at all (lists show only the user's own).
rules.add_perm("matching.manage_meeting", is_coordinator)
rules.add_perm("matching.list_meetings", is_coordinator | is_party_role)
# Object-level (templates, API); pages fetch meetings through the party-filtered selectors.
rules.add_perm("matching.view_meeting", is_coordinator | is_party_to_meeting)
rules.add_perm("matching.reply_meeting", is_coordinator | is_sme_member)
rules.add_perm("matching.request_one_on_one", is_coordinator | is_sme_member)
# SME self-service: upcoming symposiums of the municipality, register or withdraw its own company.
rules.add_perm("matching.register_symposium", is_sme_member)
# API (checked against the token's municipality; the queryset comes from the same selector).
rules.add_perm("matching.api_read_meetings", is_coordinator | is_party_role)
