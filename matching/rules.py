"""Who may screen, review and see screening results."""

import rules

from kawasaki.rules import is_company_staff, is_coordinator, municipality_of
from kawasaki.selectors import membership_in


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


rules.add_perm("matching.run_screening", is_coordinator)
rules.add_perm("matching.view_screeningrun", is_coordinator)
rules.add_perm("matching.review_candidate", is_coordinator)
rules.add_perm("matching.view_shared_candidates", is_company_staff)
rules.add_perm("matching.view_candidate", is_coordinator | is_staff_of_candidate_company)
rules.add_perm("matching.propose_meeting", is_coordinator)
