"""Background work of the deal pipeline: task reminders from Celery beat."""

from django_scopes import scope, scopes_disabled

from kawasaki.celery import KawasakiTask, app
from kawasaki.models import Municipality

from . import services


@app.task(name="negotiations.send_task_reminders", base=KawasakiTask, bind=True)
def send_task_reminders(self) -> int:
    """Beat: for every municipality, remind assignees of tasks due by tomorrow (each task once)."""
    with scopes_disabled():
        municipalities = list(Municipality.objects.all())
    sent = 0
    for municipality in municipalities:
        with scope(municipality=municipality):
            sent += services.task_reminders_send(municipality=municipality)
    return sent
