"""To-dos with a due date, on a deal or on a meeting (its follow-up actions), and their reminders."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kawasaki.mail import mail_user
from kawasaki.models import Municipality, User
from kawasaki.services import audit_log
from matching.models import Meeting

from ..models import Negotiation, Task
from ..selectors import reminders_due


def task_create(
    *,
    municipality: Municipality,
    actor: User,
    title: str,
    due_on: dt.date,
    assignee: User | None,
    negotiation: Negotiation | None = None,
    meeting: Meeting | None = None,
) -> Task:
    """A to-do on a deal or a meeting (follow-up action). Side effect: audit entry."""
    if negotiation is None and meeting is None:
        raise ValidationError(_("A task belongs to a deal or a meeting."))
    task = Task.objects.create(
        municipality=municipality,
        negotiation=negotiation,
        meeting=meeting,
        title=title,
        due_on=due_on,
        assignee=assignee,
        created_by=actor,
    )
    audit_log(
        municipality=municipality,
        actor=actor,
        action="task.created",
        obj=task,
        changes={"due_on": {"new": due_on}},
    )
    return task


def task_done(*, task: Task, actor: User) -> Task:
    """Mark a task done. Side effect: audit entry."""
    if task.done_at is None:
        task.done_at = timezone.now()
        task.save(update_fields=["done_at"])
        audit_log(municipality=task.municipality, actor=actor, action="task.done", obj=task)
    return task


def task_reminders_send(*, municipality: Municipality, today: dt.date | None = None) -> int:
    """E-mail each assignee about open tasks due by tomorrow, once per task: the sent marker is set in
    the same transaction that claims the rows, so a re-run or a second worker sends nothing twice."""
    today = today or timezone.localdate()
    with transaction.atomic():
        tasks = list(
            reminders_due(municipality=municipality, today=today)
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("assignee_id", "due_on", "id")
        )
        if not tasks:
            return 0
        now = timezone.now()
        for task in tasks:
            task.reminder_sent_at = now
        Task.objects.bulk_update(tasks, ["reminder_sent_at"])
        by_user: dict[int | None, list[Task]] = {}
        for task in tasks:
            by_user.setdefault(task.assignee_id, []).append(task)
        transaction.on_commit(lambda: _send_reminders(municipality, by_user))
    return len(tasks)


def _send_reminders(municipality: Municipality, by_user: dict[int | None, list[Task]]) -> None:
    """One digest per assignee, in their language."""
    for tasks in by_user.values():
        mail_user(
            user=tasks[0].assignee,
            template="negotiations/email/reminder",
            context={"tasks": tasks, "municipality": municipality},
        )
