from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    """The screening engine, screening runs, shortlists and matchmaking events."""

    name = "matching"
    verbose_name = _("Matching")
