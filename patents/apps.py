from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PatentsConfig(AppConfig):
    """Large companies, their open patents (seeds), SME-fit profiles and portfolio imports."""

    name = "patents"
    verbose_name = _("Patents")

    def ready(self) -> None:
        from kawasaki.navigation import NavItem, register_nav

        from . import (
            dashboard,  # noqa: F401 - registers the dashboard panels
            lookups,
            signals,
        )

        signals.connect()

        _register_jobs()

        lookups.register()
        register_nav(
            NavItem(_("Seeds"), "patent_list", "patents.view_patent_table", order=10),
            NavItem(_("Large companies"), "company_list", "patents.view_company", order=11),
            NavItem(_("Imports"), "import_list", "patents.import_portfolio", order=12),
        )


def _register_jobs() -> None:
    """Imports for the core's jobs sweep: queue what the broker never got, re-queue stalled ones."""
    from kawasaki.jobs import JobKind, register_job

    from . import services, tasks
    from .models import ImportState, PortfolioImport

    register_job(
        JobKind(
            model=PortfolioImport,
            task_for=tasks.task_for_import,
            id_kwarg="import_id",
            pending=(ImportState.QUEUED, ImportState.COMMITTING),
            running=(ImportState.VALIDATING, ImportState.COMMITTING),
            fail=lambda row, reason: services.portfolio_import_fail(portfolio_import=row, reason=reason),
        )
    )
