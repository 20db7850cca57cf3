from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NegotiationsConfig(AppConfig):
    """The deal pipeline from first interest to signed licence and launched product."""

    name = "negotiations"
    verbose_name = _("Negotiations")

    def ready(self) -> None:
        from kawasaki.navigation import NavItem, register_nav

        from . import dashboard  # noqa: F401 - registers the panels

        register_nav(
            NavItem(_("Deal board"), "negotiation_board", "negotiations.view_board", order=50),
            NavItem(_("My week"), "my_week", "negotiations.view_board", order=51),
            NavItem(_("Meetings"), "meeting_list", "negotiations.list_meetings", order=45),
            NavItem(_("Symposiums"), "symposium_list", "negotiations.register_symposium", order=46),
            NavItem(_("Deals"), "negotiation_list", "negotiations.list_negotiations", order=52),
            NavItem(_("Products"), "product_list", "negotiations.list_negotiations", order=53),
        )
