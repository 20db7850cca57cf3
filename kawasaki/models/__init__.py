from .audit import AuditEntry
from .municipality import Municipality
from .tokens import ApiToken
from .users import Invitation, Membership, Role, User

__all__ = ["ApiToken", "AuditEntry", "Invitation", "Membership", "Municipality", "Role", "User"]
