from .audit import AuditEntry
from .idempotency import IdempotencyRecord
from .municipality import Municipality
from .tokens import ApiToken
from .users import Invitation, Membership, Role, User

__all__ = [
    "ApiToken",
    "AuditEntry",
    "IdempotencyRecord",
    "Invitation",
    "Membership",
    "Municipality",
    "Role",
    "User",
]
