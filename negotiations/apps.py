from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NegotiationsConfig(AppConfig):
    """The deal pipeline from first interest to signed licence and launched product."""

    name = "negotiations"
    verbose_name = _("Negotiations")

    def ready(self) -> None:
        from kawasaki.navigation import NavItem, register_nav
        from matching.views.meetings import register_meeting_section

        from . import (  # noqa: F401 - register the panels, timeline sources and lookups
            dashboard,
            lookups,
            sme_panels,
            timeline,
        )
        from .services import deals
        from .views import meeting_tasks_section

        # A held meeting opens the deals of the SMEs that came; a meeting's page lists its tasks.
        deals.connect()
        register_meeting_section(meeting_tasks_section)

        lookups.register()
        register_nav(
            NavItem(_("Deal board"), "negotiation_board", "negotiations.view_board", order=50),
            NavItem(_("My week"), "my_week", "negotiations.view_board", order=51),
            NavItem(_("Deals"), "negotiation_list", "negotiations.list_negotiations", order=52),
            NavItem(_("Products"), "product_list", "negotiations.list_negotiations", order=53),
            NavItem(
                _("Data quality"), "negotiation_data_quality", "negotiations.manage_negotiation", order=54
            ),
        )
