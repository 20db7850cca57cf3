"""Writes of the subsidies app. Each service checks what it must, writes, and leaves an audit entry."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import ProtectedError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kawasaki.models import Membership, Municipality, Role, User
from kawasaki.models.users import hash_secret
from kawasaki.services import audit_log, field_changes
from negotiations.models import Negotiation
from smes.models import SME, BusinessPlan

from . import conf
from .models import (
    PROGRAMME_FIELDS,
    Application,
    ApplicationDocument,
    ApplicationNote,
    ApplicationStatus,
    CalendarFeed,
    Programme,
    ProgrammeTemplate,
    ProgrammeWindow,
    SentReminder,
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


# --- Programmes and windows -----------------------------------------------------------------------


def _clean_programme_data(data: dict[str, Any]) -> dict[str, Any]:
    data = {k: v for k, v in data.items() if k in PROGRAMME_FIELDS}
    num, den = data.get("rate_numerator"), data.get("rate_denominator")
    if (num is None) != (den is None):
        raise ValidationError({"rate_denominator": _("Give both parts of the subsidy rate, or neither.")})
    if num is not None and den is not None and num > den:
        raise ValidationError({"rate_numerator": _("The subsidy rate cannot be more than 100%.")})
    return data


def programme_create(*, municipality: Municipality, actor: User | None, data: dict[str, Any]) -> Programme:
    """Add a programme of the municipality's own (active unless `data` says otherwise). Side effect:
    audit entry."""
    extra = {"is_active": data["is_active"]} if "is_active" in data else {}
    data = {**_clean_programme_data(data), **extra}
    programme = Programme(municipality=municipality, **data)
    programme.full_clean()
    with transaction.atomic():
        programme.save()
        audit_log(municipality=municipality, actor=actor, action="subsidy_programme.created", obj=programme)
    return programme


def programme_update(*, programme: Programme, actor: User, data: dict[str, Any]) -> Programme:
    """Change a programme, rules included. Side effect: audit entry with the old and new values."""
    extra = {"is_active": data["is_active"]} if "is_active" in data else {}
    data = {**_clean_programme_data(data), **extra}
    changes = field_changes(programme, data)
    if not changes:
        return programme
    for key, value in data.items():
        setattr(programme, key, value)
    programme.full_clean()
    with transaction.atomic():
        programme.save()
        audit_log(
            municipality=programme.municipality,
            actor=actor,
            action="subsidy_programme.updated",
            obj=programme,
            changes=changes,
        )
    return programme


def programme_adopt(
    *, municipality: Municipality, actor: User | None, template: ProgrammeTemplate
) -> Programme:
    """Copy a shared template, with its windows that have not closed, into the municipality's own data.

    Refuses a template the municipality has already adopted. Side effect: audit entry.
    """
    if Programme.objects.filter(municipality=municipality, template=template).exists():
        raise ValidationError(_("This programme has already been adopted."))
    today = timezone.localdate()
    with transaction.atomic():
        programme = Programme.objects.create(
            municipality=municipality,
            template=template,
            **{field: getattr(template, field) for field in PROGRAMME_FIELDS},
        )
        for window in template.windows.filter(closes_on__gte=today):
            ProgrammeWindow.objects.create(
                municipality=municipality,
                programme=programme,
                label=window.label,
                opens_on=window.opens_on,
                closes_on=window.closes_on,
            )
        audit_log(
            municipality=municipality,
            actor=actor,
            action="subsidy_programme.adopted",
            obj=programme,
            changes={"template": {"new": template.slug}},
        )
    return programme


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


# --- Applications ---------------------------------------------------------------------------------


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
) -> Application:
    """Start a draft application of an SME to one window of a programme. Side effect: audit entry.

    The coordinator in charge defaults to the actor when the actor is a coordinator.
    """
    if not actor.has_perm("subsidies.add_application", sme):
        raise PermissionDenied
    _check_links(
        sme=sme, programme=programme, window=window, business_plan=business_plan, negotiation=negotiation
    )
    check_amounts(programme=programme, requested=amount_requested_jpy)
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
        audit_log(
            municipality=sme.municipality,
            actor=actor,
            action="subsidy_application.created",
            obj=application,
            changes={"amount_requested_jpy": {"new": amount_requested_jpy}, "window": {"new": str(window)}},
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
                    date=on.isoformat(),
                    opens=window.opens_on.isoformat(),
                    closes=window.closes_on.isoformat(),
                )
            )
        update["submitted_on"] = on
    elif new_status == S.DRAFT:
        update["submitted_on"] = None
    elif new_status in (S.GRANTED, S.REJECTED):
        if application.submitted_on and on < application.submitted_on:
            raise _date_error(
                _("The decision date cannot be before the submission date ({date}).").format(
                    date=application.submitted_on.isoformat()
                )
            )
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
                    date=application.submitted_on.isoformat()
                )
            )
        update["withdrawn_on"] = on
        update["withdrawal_reason"] = reason
    elif new_status == S.RESULT_REPORTED:
        if application.decided_on and on < application.decided_on:
            raise _date_error(
                _("The report date cannot be before the grant decision ({date}).").format(
                    date=application.decided_on.isoformat()
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


MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


def application_document_add(
    *, application: Application, actor: User, title: str, file
) -> ApplicationDocument:
    """Attach a file to an application. Side effect: audit entry."""
    if not actor.has_perm("subsidies.change_application", application):
        raise PermissionDenied
    if file.size > MAX_DOCUMENT_BYTES:
        raise ValidationError(
            {"file": _("The file is larger than {n} MB.").format(n=MAX_DOCUMENT_BYTES // (1024 * 1024))}
        )
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


# --- Deadline reminders ---------------------------------------------------------------------------


def _reminder_recipients(application: Application) -> list[User]:
    """The coordinator in charge (while still staff here) and the SME's active members."""
    municipality = application.municipality
    recipients: list[User] = []
    if application.coordinator_id is not None:
        staff = Membership.objects.filter(
            municipality=municipality,
            user_id=application.coordinator_id,
            role__in=[Role.COORDINATOR, Role.MUNICIPALITY_ADMIN],
            is_active=True,
            user__is_active=True,
        ).select_related("user")
        recipients += [m.user for m in staff]
    members = (
        Membership.objects.filter(
            municipality=municipality,
            role=Role.SME_MEMBER,
            sme_id=application.sme_id,
            is_active=True,
            user__is_active=True,
        )
        .select_related("user")
        .order_by("user__email")
    )
    recipients += [m.user for m in members if m.user not in recipients]
    return recipients


def _send_reminder(*, application: Application, user: User, days_left: int) -> None:
    link = settings.KAWASAKI_BASE_URL.rstrip("/") + reverse(
        "subsidy_application_detail",
        kwargs={"municipality": application.municipality.slug, "pk": application.pk},
    )
    context = {"application": application, "window": application.window, "days_left": days_left, "link": link}
    with translation.override(user.preferred_language or "ja"):
        subject = _("Deadline in {n} days: {programme} ({window})").format(
            n=days_left, programme=application.programme.name, window=application.window.label
        )
        body = render_to_string("subsidies/email/deadline_reminder.txt", context)
    send_mail(subject, body, None, [user.email])


def deadline_reminders_send(*, municipality: Municipality, today: dt.date | None = None) -> int:
    """E-mail the coordinator and the SME members of every draft whose window closes soon.

    For each configured lead time (KAWASAKI_SUBSIDY_REMINDER_DAYS, e.g. [14, 3]) a recipient gets at
    most one reminder per application and deadline: the tightest lead time reached today. The deadline
    is part of the key, so when a coordinator moves a window's closing date the reminders start again
    for the new date, and moving it back to a date already announced sends nothing again. Submitted,
    decided and withdrawn applications get nothing. A SentReminder row is written before each mail in
    the same transaction, so a re-run sends nothing twice and a failed send is retried on the next run.
    Returns the number of e-mails sent. Side effect: an audit entry per reminder.
    """
    today = today or timezone.localdate()
    leads = conf.reminder_days()
    if not leads:
        return 0
    drafts = Application.objects.filter(
        municipality=municipality,
        status=S.DRAFT,
        window__closes_on__gte=today,
        window__closes_on__lte=today + dt.timedelta(days=max(leads)),
    ).select_related("window", "programme", "sme", "municipality")
    sent = 0
    for application in drafts:
        days_left = (application.window.closes_on - today).days
        lead = min(d for d in leads if days_left <= d)
        for user in _reminder_recipients(application):
            with transaction.atomic():
                _record, created = SentReminder.objects.get_or_create(
                    application=application,
                    window=application.window,
                    deadline=application.window.closes_on,
                    recipient=user,
                    lead_days=lead,
                    defaults={"municipality": municipality},
                )
                if not created:
                    continue
                _send_reminder(application=application, user=user, days_left=days_left)
                audit_log(
                    municipality=municipality,
                    actor=None,
                    action="subsidy_application.reminder_sent",
                    obj=application,
                    changes={
                        "recipient": {"new": user.email},
                        "lead_days": {"new": lead},
                        "deadline": {"new": application.window.closes_on},
                    },
                )
                sent += 1
    return sent


# --- Calendar feeds -------------------------------------------------------------------------------


def calendar_feed_issue(*, municipality: Municipality, user: User) -> tuple[CalendarFeed, str]:
    """Give a coordinator a new secret .ics address, revoking the previous one.

    Returns the feed and the raw token (shown once; only its digest is stored). Side effect: audit entry.
    """
    if not user.has_perm("subsidies.manage_feed", municipality):
        raise PermissionDenied
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        CalendarFeed.objects.filter(municipality=municipality, user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        feed = CalendarFeed.objects.create(
            municipality=municipality, user=user, token_hash=hash_secret(token), prefix=token[:8]
        )
        audit_log(municipality=municipality, actor=user, action="subsidy_calendar_feed.issued", obj=feed)
    return feed, token


def calendar_feed_revoke(*, feed: CalendarFeed, actor: User) -> CalendarFeed:
    """Stop a feed address at once. Side effect: audit entry."""
    feed.revoked_at = timezone.now()
    feed.save(update_fields=["revoked_at"])
    audit_log(municipality=feed.municipality, actor=actor, action="subsidy_calendar_feed.revoked", obj=feed)
    return feed
