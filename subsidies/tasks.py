"""Background tasks of the subsidies app. Each task calls exactly one service."""

from __future__ import annotations

from django_scopes import scope

from kawasaki.celery import KawasakiTask, app
from kawasaki.models import Municipality

from .services import deadline_reminders_send


@app.task(name="subsidies.send_deadline_reminders", base=KawasakiTask, bind=True)
def send_deadline_reminders(self, *, municipality_id: int | None = None) -> int:
    """Beat entry: send the due deadline reminders of one municipality, or of every one when no id is
    given. Re-running it sends nothing twice (see deadline_reminders_send)."""
    municipalities = Municipality.objects.order_by("pk")
    if municipality_id is not None:
        municipalities = municipalities.filter(pk=municipality_id)
    sent = 0
    for municipality in municipalities:
        with scope(municipality=municipality):
            sent += deadline_reminders_send(municipality=municipality)
    return sent
