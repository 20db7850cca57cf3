"""factory_boy factories for the core; each app adds a module beside this one."""

from .core import ApiTokenFactory, InvitationFactory, MembershipFactory, MunicipalityFactory, UserFactory

__all__ = ["ApiTokenFactory", "InvitationFactory", "MembershipFactory", "MunicipalityFactory", "UserFactory"]
