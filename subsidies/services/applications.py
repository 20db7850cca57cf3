"""Writes on subsidy applications: creation, edits, status moves, notes and documents."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from kawasaki.models import User
from kawasaki.services import audit_log, field_changes
from kawasaki.uploads import validate_upload
from negotiations.models import Negotiation
from smes.models import SME, BusinessPlan

from ..models import (
    Application,
    ApplicationDocument,
    ApplicationNote,
    ApplicationStatus,
    Programme,
    ProgrammeWindow,
)

S = ApplicationStatus

# (from, to) -> which side may make the move: the SME side (or a coordinator for it) or coordinators.
# Withdrawal is open to the SME side until a decision: a granted application is no longer withdrawn
# (declining a grant is a matter for the granting body), and a withdrawn one stays withdrawn.
TRANSITIONS: dict[tuple[str, str], str] = {
    (S.DRAFT, S.SUBMITTED): "sme",
    (S.DRAFT, S.WITHDRAWN): "sme",
    (S.SUBMITTED, S.DRAFT): "coordinator",
    (S.SUBMITTED, S.GRANTED): "coordinator",
    (S.SUBMITTED, S.REJECTED): "coordinator",
    (S.SUBMITTED, S.WITHDRAWN): "sme",
    (S.GRANTED, S.RESULT_REPORTED): "coordinator",
}
_SIDE_PERMISSION = {"sme": "subsidies.submit_application", "coordinator": "subsidies.decide_application"}


def _yen(value: int) -> str:
    return f"{value:,}"


def _check_amount(field: str, value: Any) -> None:
    if value is None or not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValidationError({field: _("Enter a positive whole number of yen.")})


def check_amounts(*, programme: Programme, requested: Any, granted: Any = None) -> None:
    """Positive yen, granted at most requested, both at most the programme's maximum."""
    _check_amount("amount_requested_jpy", requested)
    maximum = programme.max_amount_jpy
    if maximum is not None and requested > maximum:
        raise ValidationError(
            {
                "amount_requested_jpy": _(
                    "The amount requested ({amount} yen) is more than the programme's maximum of {max} yen."
                ).format(amount=_yen(requested), max=_yen(maximum))
            }
        )
    if granted is None:
        return
    _check_amount("amount_granted_jpy", granted)
    if granted > requested:
        raise ValidationError(
            {
                "amount_granted_jpy": _(
                    "The amount granted ({granted} yen) cannot be more than the amount requested ({requested} yen)."
                ).format(granted=_yen(granted), requested=_yen(requested))
            }
        )


def _check_links(
    *,
    sme: SME,
    programme: Programme,
    window: ProgrammeWindow,
    business_plan: BusinessPlan | None,
    negotiation: Negotiation | None = None,
):
    if sme.municipality_id != programme.municipality_id:
        raise ValidationError(_("The SME and the programme belong to different municipalities."))
    if window.programme_id != programme.pk:
        raise ValidationError({"window": _("This window belongs to another programme.")})
    if business_plan is not None and business_plan.sme_id != sme.pk:
        raise ValidationError({"business_plan": _("This business plan belongs to another SME.")})
    if negotiation is not None and negotiation.sme_id != sme.pk:
        raise ValidationError({"negotiation": _("This negotiation belongs to another SME.")})


APPLICATION_FIELDS = (
    "title",
    "window",
    "business_plan",
    "negotiation",
    "coordinator",
    "amount_requested_jpy",
)
_LINK_FIELDS = ("window", "business_plan", "negotiation", "coordinator")


def application_duplicate_of(*, sme: SME, window: ProgrammeWindow) -> Application | None:
    """The SME's first application to the window that is not withdrawn, if any."""
    return (
        Application.objects.filter(municipality=sme.municipality, sme=sme, window=window)
        .exclude(status=S.WITHDRAWN)
        .order_by("pk")
        .first()
    )


def application_create(
    *,
    sme: SME,
    programme: Programme,
    actor: User,
    window: ProgrammeWindow,
    title: str,
    amount_requested_jpy: int,
    business_plan: BusinessPlan | None = None,
    negotiation: Negotiation | None = None,
    coordinator: User | None = None,
    allow_duplicate: bool = False,
) -> Application:
    """Start a draft application of an SME to one window of a programme. Side effect: audit entry.

    The coordinator in charge defaults to the actor when the actor is a coordinator. A second
    application of the same SME to the same window (not withdrawn) is refused with a warning on
    `allow_duplicate` naming the first one, unless `allow_duplicate` says it is legitimate.
    """
    if not actor.has_perm("subsidies.add_application", sme):
        raise PermissionDenied
    _check_links(
        sme=sme, programme=programme, window=window, business_plan=business_plan, negotiation=negotiation
    )
    check_amounts(programme=programme, requested=amount_requested_jpy)
    existing = application_duplicate_of(sme=sme, window=window)
    if existing is not None and not allow_duplicate:
        raise ValidationError(
            {
                "allow_duplicate": ValidationError(
                    _(
                        "{sme} already has an application to this window: “{title}” (started on {date}). "
                        "Tick “Create anyway” if a second one is legitimate."
                    ).format(
                        sme=sme.name_ja,
                        title=existing.title,
                        date=formats.date_format(
                            timezone.localtime(existing.created_at).date(), "DATE_FORMAT"
                        ),
                    ),
                    code="duplicate",
                    params={"pk": existing.pk},
                )
            }
        )
    if coordinator is None and actor.has_perm("subsidies.decide_application", sme.municipality):
        coordinator = actor
    with transaction.atomic():
        application = Application.objects.create(
            municipality=sme.municipality,
            sme=sme,
            programme=programme,
            window=window,
            title=title,
            business_plan=business_plan,
            negotiation=negotiation,
            coordinator=coordinator,
            amount_requested_jpy=amount_requested_jpy,
            created_by=actor,
        )
        changes: dict[str, Any] = {
            "amount_requested_jpy": {"new": amount_requested_jpy},
            "window": {"new": str(window)},
        }
        if existing is not None:
            changes["duplicate_of"] = {"new": existing.pk}
        audit_log(
            municipality=sme.municipality,
            actor=actor,
            action="subsidy_application.created",
            obj=application,
            changes=changes,
        )
    return application


def application_update(*, application: Application, actor: User, data: dict[str, Any]) -> Application:
    """Change a draft: title, window, business plan, coordinator, amount requested.

    Refused once submitted. Side effect: audit entry with the old and new values.
    """
    if not actor.has_perm("subsidies.change_application", application):
        raise PermissionDenied
    if application.status != S.DRAFT:
        raise ValidationError(
            _("Only a draft can be edited; this application is {status}.").format(
                status=ApplicationStatus(application.status).label
            )
        )
    data = {k: v for k, v in data.items() if k in APPLICATION_FIELDS}
    if "coordinator" in data and not actor.has_perm("subsidies.decide_application", application.municipality):
        data.pop("coordinator")
    window = data.get("window", application.window)
    _check_links(
        sme=application.sme,
        programme=application.programme,
        window=window,
        business_plan=data.get("business_plan", application.business_plan),
        negotiation=data.get("negotiation", application.negotiation),
    )
    check_amounts(
        programme=application.programme,
        requested=data.get("amount_requested_jpy", application.amount_requested_jpy),
    )
    changes = {
        k: {key: str(value) if k in _LINK_FIELDS and value is not None else value for key, value in v.items()}
        for k, v in field_changes(application, data).items()
    }
    if not changes:
        return application
    for key, value in data.items():
        setattr(application, key, value)
    with transaction.atomic():
        application.save()
        audit_log(
            municipality=application.municipality,
            actor=actor,
            action="subsidy_application.updated",
            obj=application,
            changes=changes,
        )
    return application


def transitions_for(*, application: Application, user: User) -> list[str]:
    """The statuses this user may move the application to now."""
    return [
        new
        for (old, new), side in TRANSITIONS.items()
        if old == application.status and user.has_perm(_SIDE_PERMISSION[side], application)
    ]


def _date_error(message: str) -> ValidationError:
    return ValidationError({"on": message})


def _day(value: dt.date) -> str:
    """A date as the reader writes it (the active language's DATE_FORMAT), as the deal pages do."""
    return formats.date_format(value, "DATE_FORMAT")


def deal_opened_on(negotiation: Negotiation) -> dt.date:
    """The day a deal was opened: its first timeline entry's day, or the day it was created."""
    first = negotiation.entries.order_by("created_at", "pk").values_list("created_at", flat=True).first()
    return timezone.localtime(first or negotiation.created_at).date()


def _check_deal_opened(application: Application, on: dt.date) -> None:
    """An application linked to a deal is not submitted or decided before the deal was opened."""
    deal = application.negotiation
    if deal is None:
        return
    opened = deal_opened_on(deal)
    if on < opened:
        raise _date_error(
            _("The date {date} is before the linked deal was opened ({opened}).").format(
                date=_day(on), opened=_day(opened)
            )
        )


def application_set_status(
    *,
    application: Application,
    new_status: str,
    actor: User,
    on: dt.date | None = None,
    amount_granted_jpy: int | None = None,
    reason: str = "",
) -> Application:
    """Move an application along the transition table, recording the date of the event.

    Checks: the move is in TRANSITIONS and the actor's side may make it (PermissionDenied otherwise);
    the date is not in the future, a submission falls inside the window, a decision or a withdrawal
    follows the submission and a result report follows the decision; a grant needs a valid amount, a
    withdrawal a reason. A withdrawn application keeps its dates and amounts as a record; it gets no
    more reminders (they go to drafts only) and counts neither as waiting nor as granted. Side effect:
    audit entry with the old and new status (and the amount granted, or the withdrawal's reason).
    """
    side = TRANSITIONS.get((application.status, new_status))
    if side is None:
        raise ValidationError(
            _("An application cannot move from “{old}” to “{new}”.").format(
                old=ApplicationStatus(application.status).label, new=ApplicationStatus(new_status).label
            )
            if new_status in ApplicationStatus.values
            else _("Unknown status.")
        )
    if not actor.has_perm(_SIDE_PERMISSION[side], application):
        raise PermissionDenied
    today = timezone.localdate()
    on = on or today
    if on > today:
        raise _date_error(_("The date cannot be in the future."))
    old_status = application.status
    update: dict[str, Any] = {"status": new_status}
    if new_status == S.SUBMITTED:
        window = application.window
        if not window.is_open_on(on):
            raise _date_error(
                _("The submission date {date} is outside the window ({opens} to {closes}).").format(
                    date=_day(on),
                    opens=_day(window.opens_on),
                    closes=_day(window.closes_on),
                )
            )
        _check_deal_opened(application, on)
        update["submitted_on"] = on
    elif new_status == S.DRAFT:
        update["submitted_on"] = None
    elif new_status in (S.GRANTED, S.REJECTED):
        if application.submitted_on and on < application.submitted_on:
            raise _date_error(
                _("The decision date cannot be before the submission date ({date}).").format(
                    date=_day(application.submitted_on)
                )
            )
        _check_deal_opened(application, on)
        update["decided_on"] = on
        if new_status == S.GRANTED:
            if amount_granted_jpy is None:
                raise ValidationError({"amount_granted_jpy": _("Enter the amount granted.")})
            check_amounts(
                programme=application.programme,
                requested=application.amount_requested_jpy,
                granted=amount_granted_jpy,
            )
            update["amount_granted_jpy"] = amount_granted_jpy
    elif new_status == S.WITHDRAWN:
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError({"reason": _("Say why the application is withdrawn.")})
        if application.submitted_on and on < application.submitted_on:
            raise _date_error(
                _("The withdrawal date cannot be before the submission date ({date}).").format(
                    date=_day(application.submitted_on)
                )
            )
        update["withdrawn_on"] = on
        update["withdrawal_reason"] = reason
    elif new_status == S.RESULT_REPORTED:
        if application.decided_on and on < application.decided_on:
            raise _date_error(
                _("The report date cannot be before the grant decision ({date}).").format(
                    date=_day(application.decided_on)
                )
            )
        update["result_reported_on"] = on
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status != old_status:
            raise ValidationError(_("The application was changed meanwhile; reload the page."))
        changes = {
            k: {"old": getattr(application, k), "new": v}
            for k, v in update.items()
            if getattr(application, k) != v
        }
        for key, value in update.items():
            setattr(application, key, value)
        application.save(update_fields=[*update, "updated_at"])
        audit_log(
            municipality=application.municipality,
            actor=actor,
            action="subsidy_application.status_changed",
            obj=application,
            changes=changes,
        )
    return application


def application_note_add(*, application: Application, actor: User, body: str) -> ApplicationNote:
    """A coordinator's internal note. Side effect: audit entry (without the text, which stays internal)."""
    if not actor.has_perm("subsidies.add_note", application.municipality):
        raise PermissionDenied
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Write the note.")})
    with transaction.atomic():
        note = ApplicationNote.objects.create(
            municipality=application.municipality,
            application=application,
            body=body,
            author=actor,
            author_label=str(actor),
        )
        audit_log(
            municipality=application.municipality,
            actor=actor,
            action="subsidy_application.note_added",
            obj=application,
        )
    return note


# Kept for callers that show the default; the cap in force is KAWASAKI_UPLOAD_MAX_BYTES["subsidy_document"].
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


def application_document_add(
    *, application: Application, actor: User, title: str, file
) -> ApplicationDocument:
    """Attach a file to an application. Side effect: audit entry."""
    if not actor.has_perm("subsidies.change_application", application):
        raise PermissionDenied
    validate_upload(file, kind="subsidy_document")
    document = ApplicationDocument(
        municipality=application.municipality,
        application=application,
        title=title,
        file=file,
        uploaded_by=actor,
        uploaded_by_label=str(actor),
    )
    document.full_clean()
    with transaction.atomic():
        document.save()
        audit_log(
            municipality=application.municipality,
            actor=actor,
            action="subsidy_application.document_added",
            obj=application,
            changes={"document": {"new": title}},
        )
    return document
