"""Background work of the smes app. Each task enters the tenant scope and calls one service."""

from __future__ import annotations

from django_scopes import scope

from kawasaki.celery import KawasakiTask, app
from kawasaki.models import Municipality


@app.task(name="smes.render_plan_pdf", base=KawasakiTask, bind=True)
def render_plan_pdf_task(self, *, municipality_id: int, pdf_id: int) -> None:
    """Render a business plan version's PDF; on an error that will not be retried, mark it failed so
    that the page stops waiting and offers to try again."""
    from django.db import OperationalError

    from . import pdf as plan_pdf
    from .models import PlanPdf

    municipality = Municipality.objects.filter(pk=municipality_id).first()
    if municipality is None:
        return
    with scope(municipality=municipality):
        pdf = PlanPdf.objects.filter(municipality=municipality, pk=pdf_id).select_related("version").first()
        if pdf is None:
            return
        try:
            plan_pdf.plan_pdf_render(pdf=pdf)
        except OperationalError:
            if self.request.retries >= self.max_retries:
                plan_pdf.plan_pdf_fail(pdf=pdf)
            raise
        except Exception:
            plan_pdf.plan_pdf_fail(pdf=pdf)
            raise
