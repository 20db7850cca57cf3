from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PatentsConfig(AppConfig):
    """Large companies, their open patents (seeds), SME-fit profiles and portfolio imports."""

    name = "patents"
    verbose_name = _("Patents")

    def ready(self) -> None:
        from kawasaki.navigation import NavItem, register_nav

        from . import dashboard  # noqa: F401 - registers the dashboard panels

        register_nav(
            NavItem(_("Seeds"), "patent_list", "patents.view_patent", order=10),
            NavItem(_("Large companies"), "company_list", "patents.view_company", order=11),
            NavItem(_("Imports"), "import_list", "patents.import_portfolio", order=12),
        )
