"""Screening tasks: MunicipalityTask enters the tenant scope, each task calls one service."""

from kawasaki.celery import app
from kawasaki.tasks_base import MunicipalityTask

from . import indexing, services
from .models import ScreeningRun


@app.task(name="matching.execute_screening_run", base=MunicipalityTask, bind=True)
def execute_screening_run(self, *, municipality_id: int, run_id: int) -> None:
    run = ScreeningRun.objects.filter(pk=run_id).select_related("municipality", "patent").first()
    if run is not None:
        services.screening_run_execute(run=run)


@app.task(name="matching.build_index", base=MunicipalityTask, bind=True)
def build_index(self, *, municipality_id: int, kind: str) -> None:
    indexing.index_build(municipality=self.municipality, kind=kind)
