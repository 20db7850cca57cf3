from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubsidiesConfig(AppConfig):
    """Subsidy programmes, eligibility and applications."""

    name = "subsidies"
    verbose_name = _("Subsidies")

    def ready(self) -> None:
        from kawasaki.navigation import NavItem, register_nav

        from . import dashboard, timeline  # noqa: F401 - register the panels and timeline sources

        register_nav(
            NavItem(_("Subsidy programmes"), "programme_list", "subsidies.view_programme", order=50),
            NavItem(
                _("Programmes you can apply to"),
                "subsidy_eligibility_pick",
                "subsidies.view_own_eligibility",
                order=50,
            ),
            NavItem(
                _("Applications"), "subsidy_application_list", "subsidies.view_application_list", order=51
            ),
            NavItem(_("Subsidy deadlines"), "subsidy_calendar", "subsidies.view_calendar", order=52),
        )
