"""Background work of the deal pipeline: task and NDA-expiry reminders from Celery beat."""

from kawasaki.celery import KawasakiTask, app
from kawasaki.tasks_base import each_municipality

from . import services


@app.task(name="negotiations.send_task_reminders", base=KawasakiTask, bind=True)
def send_task_reminders(self) -> int:
    """Beat: for every municipality, remind assignees of tasks due by tomorrow (each task once)."""
    return each_municipality(services.task_reminders_send)


@app.task(name="negotiations.send_nda_reminders", base=KawasakiTask, bind=True)
def send_nda_reminders(self, *, municipality_id: int | None = None) -> int:
    """Beat: remind the coordinator and the SME members of NDAs that end soon, in one municipality or,
    without an id, in every one. Re-running it sends nothing twice (see nda_reminders_send)."""
    return each_municipality(services.nda_reminders_send, municipality_id=municipality_id)
