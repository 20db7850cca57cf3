"""Writes of the patents app, one module per entity. Every function that changes data writes an audit entry.

Callers use `from patents import services`; the modules of this package import each other directly.
"""

from __future__ import annotations

from .attachments import attachment_add, attachment_delete
from .companies import COMPANY_FIELDS, company_alias_add, company_create, company_for_name, company_update
from .imports import (
    CHUNK,
    MAX_STORED_PROBLEMS,
    portfolio_import_commit,
    portfolio_import_confirm,
    portfolio_import_fail,
    portfolio_import_retry,
    portfolio_import_start,
    portfolio_import_validate,
)
from .seeds import PATENT_EDITABLE_FIELDS, TRANSITIONS, patent_set_state, patent_update, patents_set_state

__all__ = [
    "CHUNK",
    "COMPANY_FIELDS",
    "MAX_STORED_PROBLEMS",
    "PATENT_EDITABLE_FIELDS",
    "TRANSITIONS",
    "attachment_add",
    "attachment_delete",
    "company_alias_add",
    "company_create",
    "company_for_name",
    "company_update",
    "patent_set_state",
    "patent_update",
    "patents_set_state",
    "portfolio_import_commit",
    "portfolio_import_confirm",
    "portfolio_import_fail",
    "portfolio_import_retry",
    "portfolio_import_start",
    "portfolio_import_validate",
]
