from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SmesConfig(AppConfig):
    """SMEs, coordinator visits, business plans and the partner directory."""

    name = "smes"
    verbose_name = _("SMEs")
