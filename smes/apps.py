from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SmesConfig(AppConfig):
    """SMEs, coordinator visits, business plans and the partner directory."""

    name = "smes"
    verbose_name = _("SMEs")

    def ready(self) -> None:
        from kawasaki.navigation import NavItem, register_nav

        from . import (  # noqa: F401 - register the panels, timeline sources and lookups
            dashboard,
            lookups,
            seed_panels,
            timeline,
        )

        lookups.register()
        register_nav(
            NavItem(_("SMEs"), "sme_list", "smes.view_sme_list", order=20),
            NavItem(_("Our company"), "sme_mine", "smes.view_own_sme", order=20),
            NavItem(_("Business plans"), "plan_list", "smes.view_plan", order=25),
            NavItem(_("Follow-ups"), "followup_list", "smes.view_followups", order=27),
            NavItem(_("Partners"), "partner_list", "smes.view_partner", order=28),
            NavItem(_("Find seeds"), "seed_list", "smes.send_interest", order=15),
            NavItem(_("Interest from SMEs"), "interest_list", "smes.view_interest_inbox", order=29),
        )
