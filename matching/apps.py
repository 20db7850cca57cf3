from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    """The screening engine, screening runs, shortlists and matchmaking events."""

    name = "matching"
    verbose_name = _("Matching")

    def ready(self) -> None:
        from kawasaki.navigation import NavItem, register_nav

        from . import company_dashboard, company_notify, dashboard, seed_panels, signals, timeline  # noqa: F401 - dashboard, timeline, seed panels register themselves
        from .engine.translate import configure_table_path
        from .translation import table_path

        signals.connect()
        company_notify.connect()
        company_dashboard.register_panels()
        from . import sme_catalogue

        sme_catalogue.connect()
        _register_jobs()
        configure_table_path(table_path())

        register_nav(
            NavItem(_("Screening"), "screening_home", "matching.run_screening", order=30),
            NavItem(_("Meeting proposals"), "meetingproposal_list", "matching.propose_meeting", order=40),
            NavItem(_("Screening results"), "shared_candidates", "matching.view_shared_candidates", order=30),
            NavItem(_("Meetings"), "meeting_list", "matching.list_meetings", order=45, group="negotiations"),
            NavItem(
                _("Symposiums"),
                "symposium_list",
                "matching.register_symposium",
                order=46,
                group="negotiations",
            ),
        )


def _register_jobs() -> None:
    """Screening runs for the core's jobs sweep: queue what the broker never got, re-queue stalled ones."""
    from kawasaki.jobs import JobKind, register_job

    from . import indexing, services, tasks
    from .models import IndexBuild, IndexBuildState, RunStatus, ScreeningRun

    register_job(
        JobKind(
            model=ScreeningRun,
            task_for=lambda row: tasks.execute_screening_run,
            id_kwarg="run_id",
            pending=(RunStatus.QUEUED,),
            running=(RunStatus.RUNNING,),
            fail=lambda row, reason: services.screening_run_fail(run=row, reason=reason),
        )
    )
    register_job(
        JobKind(
            model=IndexBuild,
            task_for=lambda row: tasks.run_index_build,
            id_kwarg="build_id",
            pending=(IndexBuildState.QUEUED,),
            running=(IndexBuildState.RUNNING,),
            fail=lambda row, reason: indexing.index_build_fail(build=row, reason=reason),
        )
    )
