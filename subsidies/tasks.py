"""Background tasks of the subsidies app. Each task calls exactly one service."""

from __future__ import annotations

from kawasaki.celery import KawasakiTask, app
from kawasaki.tasks_base import each_municipality

from .services import deadline_reminders_send


@app.task(name="subsidies.send_deadline_reminders", base=KawasakiTask, bind=True)
def send_deadline_reminders(self, *, municipality_id: int | None = None) -> int:
    """Beat entry: send the due deadline reminders of one municipality, or of every one when no id is
    given. Re-running it sends nothing twice (see deadline_reminders_send)."""
    return each_municipality(deadline_reminders_send, municipality_id=municipality_id)
