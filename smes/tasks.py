"""Background work of the smes app: MunicipalityTask enters the tenant scope, each task calls one service."""

from __future__ import annotations

from kawasaki.celery import app
from kawasaki.tasks_base import MunicipalityTask

from . import pdf as plan_pdf
from .models import PlanPdf


def _pdf_failed(task: MunicipalityTask, *, municipality_id: int, pdf_id: int) -> None:
    """Mark the render failed so that the page stops waiting and offers to try again."""
    pdf = PlanPdf.objects.filter(pk=pdf_id).first()
    if pdf is not None:
        plan_pdf.plan_pdf_fail(pdf=pdf, reason=task.failure_reason or "failed")


@app.task(
    name="smes.render_plan_pdf",
    base=MunicipalityTask,
    bind=True,
    on_final_failure=_pdf_failed,
    job=(PlanPdf, "pdf_id"),
)
def render_plan_pdf_task(self, *, municipality_id: int, pdf_id: int) -> None:
    """Render a business plan version's PDF, with a heartbeat (a killed worker shows as interrupted).

    Safe to run twice, also at once: the row is claimed and the file stored by conditional updates
    on the request it was queued for (see ``plan_pdf_render``); the loser deletes its copy."""
    pdf = PlanPdf.objects.filter(pk=pdf_id).select_related("version").first()
    if pdf is not None:
        plan_pdf.plan_pdf_render(pdf=pdf)
