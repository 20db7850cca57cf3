from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubsidiesConfig(AppConfig):
    """Subsidy programmes, eligibility and applications."""

    name = "subsidies"
    verbose_name = _("Subsidies")
