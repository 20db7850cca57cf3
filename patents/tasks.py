"""Background work of the patents app: MunicipalityTask enters the tenant scope, each task calls one service."""

from __future__ import annotations

from kawasaki.celery import app
from kawasaki.tasks_base import MunicipalityTask

from . import services, sheets
from .models import ImportState, Patent, PortfolioImport


def _import_failed(task: MunicipalityTask, *, municipality_id: int, import_id: int) -> None:
    """Mark the import failed so that its page stops waiting (nothing was written: the commit is one
    transaction)."""
    portfolio_import = PortfolioImport.objects.filter(pk=import_id).first()
    if portfolio_import is not None:
        services.portfolio_import_fail(portfolio_import=portfolio_import, reason=task.failure_reason)


def task_for_import(portfolio_import: PortfolioImport):
    """The task that moves an import on from its state (the jobs sweep and a retry re-queue it)."""
    if portfolio_import.state == ImportState.COMMITTING:
        return portfolio_import_commit_task
    return portfolio_import_validate_task


@app.task(
    name="patents.portfolio_import_validate",
    base=MunicipalityTask,
    bind=True,
    on_final_failure=_import_failed,
    job=(PortfolioImport, "import_id"),
)
def portfolio_import_validate_task(self, *, municipality_id: int, import_id: int) -> None:
    """Safe to run twice, also at once: the report is stored only on a row still validating."""
    portfolio_import = PortfolioImport.objects.filter(pk=import_id).first()
    if portfolio_import is not None:
        services.portfolio_import_validate(portfolio_import=portfolio_import)


@app.task(
    name="patents.portfolio_import_commit",
    base=MunicipalityTask,
    bind=True,
    on_final_failure=_import_failed,
    job=(PortfolioImport, "import_id"),
)
def portfolio_import_commit_task(self, *, municipality_id: int, import_id: int) -> None:
    """Safe to run twice, also at once: the commit holds a row lock on the import and writes only
    while it is COMMITTING; a failing copy cannot mark a committed import failed."""
    portfolio_import = PortfolioImport.objects.filter(pk=import_id).first()
    if portfolio_import is not None:
        services.portfolio_import_commit(portfolio_import=portfolio_import)


@app.task(name="patents.render_sheet", base=MunicipalityTask, bind=True)
def render_sheet_task(self, *, municipality_id: int, patent_id: int) -> None:
    """Safe to run twice: a sheet whose stamp is current is kept; two renders write the same file."""
    patent = Patent.objects.filter(pk=patent_id).first()
    if patent is not None:
        # Every language: an English reader's sheet is as ready as the Japanese one.
        sheets.sheets_render_all(patent=patent)
