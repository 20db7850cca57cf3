from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kawasaki.navigation import NavItem, register_group, register_nav


class ReportsConfig(AppConfig):
    """KPIs, the report dashboard and downloads, the annual and per-company report PDFs, the KPI API.

    At the top of the dependency order: it reads every app, and no app reads it.
    """

    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from . import dashboard  # noqa: F401 - registers the results panel

        register_group("reports", order=80, label=_("Reports"))
        register_nav(
            NavItem(_("Reports"), "report_dashboard", "reports.view_reports", order=800),
            NavItem(_("KPI targets"), "report_targets", "reports.set_targets", order=801),
            NavItem(_("Sales after launch"), "report_sales_list", "reports.view_product_sales", order=802),
        )
