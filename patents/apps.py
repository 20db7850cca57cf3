from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PatentsConfig(AppConfig):
    """Large companies, their open patents (seeds), SME-fit profiles and portfolio imports."""

    name = "patents"
    verbose_name = _("Patents")
