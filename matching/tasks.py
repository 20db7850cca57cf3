"""Screening tasks: thin wrappers that enter the tenant scope and call one service."""

from django_scopes import scope

from kawasaki.celery import KawasakiTask, app
from kawasaki.models import Municipality

from . import indexing, services
from .models import ScreeningRun


@app.task(name="matching.execute_screening_run", base=KawasakiTask, bind=True)
def execute_screening_run(self, *, municipality_id: int, run_id: int) -> None:
    municipality = Municipality.objects.filter(pk=municipality_id).first()
    if municipality is None:
        return
    with scope(municipality=municipality):
        run = ScreeningRun.objects.filter(pk=run_id).select_related("municipality", "patent").first()
        if run is None:
            return
        services.screening_run_execute(run=run)


@app.task(name="matching.build_index", base=KawasakiTask, bind=True)
def build_index(self, *, municipality_id: int, kind: str) -> None:
    municipality = Municipality.objects.filter(pk=municipality_id).first()
    if municipality is None:
        return
    with scope(municipality=municipality):
        indexing.index_build(municipality=municipality, kind=kind)
