from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KawasakiConfig(AppConfig):
    """The core: municipalities, users, memberships, roles, audit log."""

    name = "kawasaki"
    verbose_name = _("Core")
    default_auto_field = "django.db.models.BigAutoField"
