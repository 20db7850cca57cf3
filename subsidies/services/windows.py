"""Writes on the application windows of subsidy programmes: dates, corrections, deletion."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kawasaki.models import User
from kawasaki.services import audit_log, field_changes

from ..models import Application, Programme, ProgrammeWindow


def _check_window_dates(opens_on: dt.date, closes_on: dt.date) -> None:
    if closes_on < opens_on:
        raise ValidationError({"closes_on": _("The window cannot close before it opens.")})


def window_create(
    *, programme: Programme, actor: User | None, label: str, opens_on: dt.date, closes_on: dt.date
) -> ProgrammeWindow:
    """Add an application window to a programme. Side effect: audit entry."""
    _check_window_dates(opens_on, closes_on)
    with transaction.atomic():
        window = ProgrammeWindow.objects.create(
            municipality=programme.municipality,
            programme=programme,
            label=label,
            opens_on=opens_on,
            closes_on=closes_on,
        )
        audit_log(
            municipality=programme.municipality,
            actor=actor,
            action="subsidy_window.created",
            obj=window,
            changes={"opens_on": {"new": opens_on}, "closes_on": {"new": closes_on}},
        )
    return window


def _check_submissions_fit(window: ProgrammeWindow, opens_on: dt.date, closes_on: dt.date) -> None:
    """New dates must still contain every recorded submission to the window (submissions are checked
    against the window when they are made; a correction must not make them contradict it)."""
    outside = (
        Application.objects.filter(
            municipality=window.municipality, window=window, submitted_on__isnull=False
        )
        .exclude(submitted_on__range=(opens_on, closes_on))
        .order_by("submitted_on")
        .values_list("submitted_on", flat=True)
    )
    dates = [d for d in outside if d is not None]
    if dates:
        raise ValidationError(
            ngettext(
                "{n} application was submitted on {dates}, outside the new dates; keep that day inside "
                "the window.",
                "{n} applications were submitted on {dates}, outside the new dates; keep those days inside "
                "the window.",
                len(dates),
            ).format(n=len(dates), dates=", ".join(sorted({d.isoformat() for d in dates})))
        )


def window_update(
    *, window: ProgrammeWindow, actor: User, label: str, opens_on: dt.date, closes_on: dt.date
) -> ProgrammeWindow:
    """Correct a window's label or dates (an extended deadline, a typo).

    Refuses dates that would leave a recorded submission outside the window. A new closing date re-arms
    the deadline reminders of the window's drafts: reminders are keyed by the deadline they announce
    (see deadline_reminders_send). Side effect: audit entry with the old and new values.
    """
    _check_window_dates(opens_on, closes_on)
    data = {"label": label, "opens_on": opens_on, "closes_on": closes_on}
    changes = field_changes(window, data)
    if not changes:
        return window
    _check_submissions_fit(window, opens_on, closes_on)
    for key, value in data.items():
        setattr(window, key, value)
    with transaction.atomic():
        window.save()
        audit_log(
            municipality=window.municipality,
            actor=actor,
            action="subsidy_window.updated",
            obj=window,
            changes=changes,
        )
    return window


def window_usage(*, window: ProgrammeWindow) -> int:
    """How many applications (in any status, withdrawn ones included) use the window."""
    return Application.objects.filter(municipality=window.municipality, window=window).count()


def _window_in_use(count: int) -> ValidationError:
    return ValidationError(
        ngettext(
            "This window cannot be deleted: {n} application uses it. Correct its dates instead.",
            "This window cannot be deleted: {n} applications use it. Correct its dates instead.",
            count,
        ).format(n=count),
        code="window_in_use",
    )


def window_delete(*, window: ProgrammeWindow, actor: User) -> None:
    """Delete a window that no application uses (one entered by mistake, a cancelled call).

    Refuses, saying how many, when applications use it (withdrawn ones included: they stay on record
    with their window). Side effect: audit entry with the window's label and dates.
    """
    if not actor.has_perm("subsidies.manage_programme", window.municipality):
        raise PermissionDenied
    with transaction.atomic():
        locked = ProgrammeWindow.objects.select_for_update().get(pk=window.pk)
        count = window_usage(window=locked)
        if count:
            raise _window_in_use(count)
        audit_log(
            municipality=window.municipality,
            actor=actor,
            action="subsidy_window.deleted",
            obj=window,
            changes={
                "programme": {"old": str(window.programme)},
                "label": {"old": window.label},
                "opens_on": {"old": window.opens_on},
                "closes_on": {"old": window.closes_on},
            },
        )
        try:
            locked.delete()
        except ProtectedError as error:
            # An application started meanwhile: the PROTECT foreign key has the last word.
            raise _window_in_use(len(error.protected_objects)) from error
