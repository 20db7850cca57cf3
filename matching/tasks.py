"""Screening tasks: MunicipalityTask enters the tenant scope, each task calls one service."""

from kawasaki.celery import app
from kawasaki.tasks_base import MunicipalityTask

from . import indexing, services
from .models import IndexBuild, ScreeningRun


def _run_failed(task: MunicipalityTask, *, municipality_id: int, run_id: int) -> None:
    """Mark the run failed with the reason, so that its page stops showing "Running"."""
    run = ScreeningRun.objects.filter(pk=run_id).first()
    if run is not None:
        services.screening_run_fail(run=run, reason=task.failure_reason or "failed")


@app.task(
    name="matching.execute_screening_run",
    base=MunicipalityTask,
    bind=True,
    on_final_failure=_run_failed,
    job=(ScreeningRun, "run_id"),
)
def execute_screening_run(self, *, municipality_id: int, run_id: int) -> None:
    """Safe to run twice, also at once: the service writes candidates under a lock on the run, only
    while it is unfinished (see ``screening_run_execute``)."""
    run = ScreeningRun.objects.filter(pk=run_id).select_related("municipality", "patent").first()
    if run is not None:
        services.screening_run_execute(run=run)


@app.task(name="matching.build_index", base=MunicipalityTask, bind=True)
def build_index(self, *, municipality_id: int, kind: str) -> None:
    """Messages queued before index builds were job rows: ask for the build through its row.

    Safe to run twice: a second request finds the row already queued and queues nothing."""
    indexing.index_build_request(municipality_id=municipality_id, kind=kind)


def _index_build_failed(task: MunicipalityTask, *, municipality_id: int, build_id: int) -> None:
    """Mark the build failed with the reason, so that the screening page says so and offers a retry."""
    build = IndexBuild.objects.filter(pk=build_id).first()
    if build is not None:
        indexing.index_build_fail(build=build, reason=task.failure_reason or "failed")


@app.task(
    name="matching.run_index_build",
    base=MunicipalityTask,
    bind=True,
    on_final_failure=_index_build_failed,
    job=(IndexBuild, "build_id"),
)
def run_index_build(self, *, municipality_id: int, build_id: int) -> None:
    """Build one kind of index for its row, with a heartbeat. Safe to run twice, also at once: the
    row is claimed and finished by conditional updates on the request it was queued for (see
    ``index_build_execute``)."""
    build = IndexBuild.objects.filter(pk=build_id).select_related("municipality").first()
    if build is not None:
        indexing.index_build_execute(build=build)
