from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KawasakiConfig(AppConfig):
    """The core: municipalities, users, memberships, roles, audit log."""

    name = "kawasaki"
    verbose_name = _("Core")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from allauth.mfa.signals import authenticator_added

        from .middleware import record_enrolment_as_mfa

        authenticator_added.connect(record_enrolment_as_mfa, dispatch_uid="kawasaki.record_enrolment_as_mfa")
