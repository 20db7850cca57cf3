"""Screening tasks: MunicipalityTask enters the tenant scope, each task calls one service."""

from kawasaki.celery import app
from kawasaki.tasks_base import MunicipalityTask

from . import indexing, services
from .models import ScreeningRun


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
    """Safe to run twice, also at once: builds take a lock per municipality and kind, so a second
    one waits and then finds the index current (a no-op), or builds the newer rows (see
    ``indexing.index_build``)."""
    indexing.index_build(municipality=self.municipality, kind=kind)
