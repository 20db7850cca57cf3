"""Writes of the subsidies app, one module per entity. Every function that changes data writes an audit entry.

Callers use `from subsidies import services`; the modules of this package import each other directly.
"""

from __future__ import annotations

from .applications import (
    APPLICATION_FIELDS,
    MAX_DOCUMENT_BYTES,
    TRANSITIONS,
    application_create,
    application_document_add,
    application_duplicate_of,
    application_note_add,
    application_set_status,
    application_update,
    check_amounts,
    transitions_for,
)
from .feeds import calendar_feed_issue, calendar_feed_revoke
from .programmes import programme_adopt, programme_create, programme_update
from .reminders import deadline_reminders_send
from .windows import window_create, window_delete, window_update, window_usage

__all__ = [
    "APPLICATION_FIELDS",
    "MAX_DOCUMENT_BYTES",
    "TRANSITIONS",
    "application_create",
    "application_document_add",
    "application_duplicate_of",
    "application_note_add",
    "application_set_status",
    "application_update",
    "calendar_feed_issue",
    "calendar_feed_revoke",
    "check_amounts",
    "deadline_reminders_send",
    "programme_adopt",
    "programme_create",
    "programme_update",
    "transitions_for",
    "window_create",
    "window_delete",
    "window_update",
    "window_usage",
]
