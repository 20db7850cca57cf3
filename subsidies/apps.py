from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubsidiesConfig(AppConfig):
    """Subsidy programmes, eligibility and applications."""

    name = "subsidies"
    verbose_name = _("Subsidies")

    def ready(self) -> None:
        from kawasaki.navigation import NavItem, register_nav
        from negotiations.selectors import register_data_quality_rule

        from . import dashboard, timeline  # noqa: F401 - register the panels and timeline sources
        from .selectors import applications_dated_before_their_deal

        # An application dated before its deal was opened is listed on the deals' data-quality page.
        register_data_quality_rule(applications_dated_before_their_deal)

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
