"""Background work of the patents app. Each task enters the tenant scope and calls one service."""

from __future__ import annotations

from django_scopes import scope

from kawasaki.celery import KawasakiTask, app
from kawasaki.models import Municipality


def _scoped(municipality_id: int):
    municipality = Municipality.objects.filter(pk=municipality_id).first()
    return municipality, scope(municipality=municipality)


def _run_or_fail(task, service, portfolio_import) -> None:
    """Run the service; on an error that will not be retried, mark the import failed so the page
    stops waiting (nothing was written: the commit is one transaction)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import OperationalError

    from . import services

    # A long-lived worker must not trust its cached content type ids: the audit entries reference
    # them, and the table can be rebuilt under it (a flushed test database, a restored dump).
    ContentType.objects.clear_cache()
    try:
        service(portfolio_import=portfolio_import)
    except OperationalError:
        if task.request.retries >= task.max_retries:
            services.portfolio_import_fail(portfolio_import=portfolio_import)
        raise
    except Exception:
        services.portfolio_import_fail(portfolio_import=portfolio_import)
        raise


@app.task(name="patents.portfolio_import_validate", base=KawasakiTask, bind=True)
def portfolio_import_validate_task(self, *, municipality_id: int, import_id: int) -> None:
    from . import services
    from .models import PortfolioImport

    municipality, tenant = _scoped(municipality_id)
    if municipality is None:
        return
    with tenant:
        portfolio_import = PortfolioImport.objects.filter(municipality=municipality, pk=import_id).first()
        if portfolio_import is None:
            return
        _run_or_fail(self, services.portfolio_import_validate, portfolio_import)


@app.task(name="patents.portfolio_import_commit", base=KawasakiTask, bind=True)
def portfolio_import_commit_task(self, *, municipality_id: int, import_id: int) -> None:
    from . import services
    from .models import PortfolioImport

    municipality, tenant = _scoped(municipality_id)
    if municipality is None:
        return
    with tenant:
        portfolio_import = PortfolioImport.objects.filter(municipality=municipality, pk=import_id).first()
        if portfolio_import is None:
            return
        _run_or_fail(self, services.portfolio_import_commit, portfolio_import)


@app.task(name="patents.render_sheet", base=KawasakiTask, bind=True)
def render_sheet_task(self, *, municipality_id: int, patent_id: int) -> None:
    from . import sheets
    from .models import Patent

    municipality, tenant = _scoped(municipality_id)
    if municipality is None:
        return
    with tenant:
        patent = Patent.objects.filter(municipality=municipality, pk=patent_id).first()
        if patent is None:
            return
        # Every language: an English reader's sheet is as ready as the Japanese one.
        sheets.sheets_render_all(patent=patent)
