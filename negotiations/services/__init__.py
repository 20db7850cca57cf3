"""Writes of the deal pipeline, one module per entity: `deals` (open, move, timeline, the deals a held
meeting opens), `documents` (and NDA dates), `terms`, `products`, `tasks` (and their reminders),
`nda_reminders`. Each service checks, writes, records an audit entry and, for a deal, a timeline entry
with who and when. Callers outside the app may import from here; the app's modules import from the
module itself."""

from ..checks import CHECK_LABELS, PIPELINE, REQUIRED_FOR, Check, requirements, show_date
from .deals import (
    ALLOWED_TRANSITIONS,
    CONFIRM_STATES,
    FINAL_STATES,
    FORWARD,
    PRODUCT_STATES,
    TERMS_STATES,
    allowed_targets,
    deals_for_held_meeting,
    negotiation_advance_to,
    negotiation_move,
    negotiation_open,
    negotiation_reopen,
    open_deal_duplicate,
    reopen_targets,
    timeline_add,
)
from .documents import document_comment, document_upload, nda_record
from .nda_reminders import nda_reminders_send
from .products import product_record
from .tasks import task_create, task_done, task_reminders_send
from .terms import TERMS_FIELDS, licence_terms_record

__all__ = [
    "ALLOWED_TRANSITIONS",
    "CHECK_LABELS",
    "CONFIRM_STATES",
    "FINAL_STATES",
    "FORWARD",
    "PIPELINE",
    "PRODUCT_STATES",
    "REQUIRED_FOR",
    "TERMS_FIELDS",
    "TERMS_STATES",
    "Check",
    "allowed_targets",
    "deals_for_held_meeting",
    "document_comment",
    "document_upload",
    "licence_terms_record",
    "nda_record",
    "nda_reminders_send",
    "negotiation_advance_to",
    "negotiation_move",
    "negotiation_open",
    "negotiation_reopen",
    "open_deal_duplicate",
    "product_record",
    "reopen_targets",
    "requirements",
    "show_date",
    "task_create",
    "task_done",
    "task_reminders_send",
    "timeline_add",
]
