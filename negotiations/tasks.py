"""Background work of the deal pipeline: task and NDA-expiry reminders from Celery beat."""

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


@app.task(name="negotiations.send_nda_reminders", base=KawasakiTask, bind=True)
def send_nda_reminders(self, *, municipality_id: int | None = None) -> int:
    """Beat: remind the coordinator and the SME members of NDAs that end soon, in one municipality or,
    without an id, in every one. Re-running it sends nothing twice (see nda_reminders_send)."""
    with scopes_disabled():
        municipalities = Municipality.objects.order_by("pk")
        if municipality_id is not None:
            municipalities = municipalities.filter(pk=municipality_id)
        municipalities = list(municipalities)
    sent = 0
    for municipality in municipalities:
        with scope(municipality=municipality):
            sent += services.nda_reminders_send(municipality=municipality)
    return sent
