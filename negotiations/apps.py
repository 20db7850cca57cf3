from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NegotiationsConfig(AppConfig):
    """The deal pipeline from first interest to signed licence and launched product."""

    name = "negotiations"
    verbose_name = _("Negotiations")
