"""Writes of the matching app, one module per entity: `screening` (runs, candidates), `proposals`,
`meetings` (plan, change, cancel, invite, reply, hold), `symposiums` (registration, one-on-one
requests), `glossary` (the municipality's screening glossary), `shortlists` (seeds saved for an SME, bulk decisions) and `meeting_mail`. Callers outside the app may import from here; modules of the app import
from the module itself."""

from .glossary import glossary_entry_add, glossary_entry_remove
from .meetings import (
    CALENDAR_FIELDS,
    NOTIFY_FIELDS,
    meeting_cancel,
    meeting_create,
    meeting_from_proposal,
    meeting_hold,
    meeting_invite,
    meeting_update,
    participant_listing_set,
    participant_reply,
)
from .proposals import meeting_propose, proposal_mark
from .screening import (
    LICENCE_TYPES,
    MAX_TOP_K,
    SeedFilters,
    candidate_decide,
    explanation_json,
    screening_run_execute,
    screening_run_fail,
    screening_run_retry,
    screening_run_share,
    screening_run_start,
    sme_query_text,
)
from .shortlists import candidate_to_shortlist, candidates_decide_bulk, shortlist_add, shortlist_remove
from .symposiums import meeting_register, meeting_unregister, one_on_one_request, one_on_one_schedule

__all__ = [
    "CALENDAR_FIELDS",
    "LICENCE_TYPES",
    "MAX_TOP_K",
    "NOTIFY_FIELDS",
    "SeedFilters",
    "candidate_decide",
    "candidate_to_shortlist",
    "candidates_decide_bulk",
    "explanation_json",
    "glossary_entry_add",
    "glossary_entry_remove",
    "meeting_cancel",
    "meeting_create",
    "meeting_from_proposal",
    "meeting_hold",
    "meeting_invite",
    "meeting_propose",
    "meeting_register",
    "meeting_unregister",
    "meeting_update",
    "one_on_one_request",
    "one_on_one_schedule",
    "participant_listing_set",
    "participant_reply",
    "proposal_mark",
    "screening_run_execute",
    "screening_run_fail",
    "screening_run_retry",
    "screening_run_share",
    "screening_run_start",
    "shortlist_add",
    "shortlist_remove",
    "sme_query_text",
]
