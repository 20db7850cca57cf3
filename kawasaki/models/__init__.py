from .audit import AuditEntry
from .idempotency import IdempotencyRecord
from .municipality import Colour, Municipality
from .tokens import ApiToken
from .users import Invitation, Membership, Role, User

__all__ = [
    "ApiToken",
    "AuditEntry",
    "Colour",
    "IdempotencyRecord",
    "Invitation",
    "Membership",
    "Municipality",
    "Role",
    "User",
]
