"""Reads of the subsidies app. Pages, the API, the feed and the reminders start here."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Min, Prefetch, QuerySet, Sum
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from kawasaki.models import Municipality, User
from kawasaki.models.users import STAFF_ROLES, hash_secret
from kawasaki.rules import is_coordinator, is_reporting_client
from negotiations.models import Negotiation, State
from negotiations.selectors import RecordProblem
from smes.models import SME, BusinessPlan, PlanStatus
from smes.rules import own_sme_id

from . import conf
from .eligibility import ProgrammeEligibility, SMEFacts, evaluate
from .models import (
    Application,
    ApplicationDocument,
    ApplicationNote,
    ApplicationStatus,
    CalendarFeed,
    Programme,
    ProgrammeTemplate,
    ProgrammeWindow,
)


def programmes_of(*, municipality: Municipality, active_only: bool = False) -> QuerySet[Programme]:
    """A municipality's programmes with their windows (coordinators only; views check the rule)."""
    qs = Programme.objects.filter(municipality=municipality).prefetch_related(
        Prefetch("windows", queryset=ProgrammeWindow.objects.order_by("opens_on", "id"))
    )
    return qs.filter(is_active=True) if active_only else qs


def templates_available(*, municipality: Municipality) -> list[tuple[ProgrammeTemplate, bool]]:
    """The shared catalogue, each template with whether this municipality has adopted it."""
    adopted = set(
        Programme.objects.filter(municipality=municipality, template__isnull=False).values_list(
            "template_id", flat=True
        )
    )
    return [(t, t.pk in adopted) for t in ProgrammeTemplate.objects.prefetch_related("windows")]


def windows_of(*, municipality: Municipality) -> QuerySet[ProgrammeWindow]:
    return ProgrammeWindow.objects.filter(municipality=municipality).select_related("programme")


def windows_of_programme(*, programme: Programme) -> QuerySet[ProgrammeWindow]:
    """A programme's windows in date order, each with `application_count` (what blocks deleting it)."""
    return (
        ProgrammeWindow.objects.filter(municipality=programme.municipality, programme=programme)
        .annotate(application_count=Count("applications"))
        .order_by("opens_on", "id")
    )


def windows_in_calendar(
    *, municipality: Municipality, today: dt.date, days_back: int = 30
) -> QuerySet[ProgrammeWindow]:
    """Windows of active programmes that are open, upcoming or closed within `days_back` days."""
    return (
        windows_of(municipality=municipality)
        .filter(programme__is_active=True, closes_on__gte=today - dt.timedelta(days=days_back))
        .order_by("closes_on", "opens_on", "id")
    )


def applications_visible_to(*, user: User, municipality: Municipality) -> QuerySet[Application]:
    """Every application for a coordinator or reporting client, an SME member's own SME's, else nothing."""
    qs = Application.objects.filter(municipality=municipality).select_related(
        "sme", "programme", "window", "business_plan", "negotiation", "coordinator"
    )
    if is_coordinator(user, municipality) or is_reporting_client(user, municipality):
        return qs
    sme_id = own_sme_id(user, municipality)
    return qs.filter(sme_id=sme_id) if sme_id is not None else qs.none()


def application_list(
    *, user: User, municipality: Municipality, status: str = "", programme_id: int | None = None
) -> QuerySet[Application]:
    qs = applications_visible_to(user=user, municipality=municipality)
    if status:
        qs = qs.filter(status=status)
    if programme_id:
        qs = qs.filter(programme_id=programme_id)
    return qs


def coordinators_of(*, municipality: Municipality) -> QuerySet[User]:
    """Active coordinators and administrators: who can look after an application."""
    return User.objects.filter(
        memberships__municipality=municipality,
        memberships__role__in=list(STAFF_ROLES),
        memberships__is_active=True,
    ).order_by("email")


def notes_visible_to(*, user: User, application: Application) -> QuerySet[ApplicationNote]:
    """Coordinator notes: all of them for coordinators, none for anyone else."""
    if not is_coordinator(user, application.municipality):
        return ApplicationNote.objects.none()
    return ApplicationNote.objects.filter(municipality=application.municipality, application=application)


def documents_of(*, application: Application) -> QuerySet[ApplicationDocument]:
    return ApplicationDocument.objects.filter(municipality=application.municipality, application=application)


def documents_visible_to(*, user: User, municipality: Municipality) -> QuerySet[ApplicationDocument]:
    visible = applications_visible_to(user=user, municipality=municipality).values("pk")
    return ApplicationDocument.objects.filter(municipality=municipality, application__in=visible)


def plans_of_sme(*, sme: SME) -> QuerySet[BusinessPlan]:
    return BusinessPlan.objects.filter(municipality=sme.municipality, sme=sme)


_LICENSED_STATES = (State.LICENCE_SIGNED, State.PROTOTYPE, State.LAUNCHED)


def _has_licence(sme: SME) -> bool:
    """Whether a negotiation of the SME reached a signed licence (or went on to a product)."""
    return Negotiation.objects.filter(
        municipality=sme.municipality, sme=sme, state__in=_LICENSED_STATES
    ).exists()


def sme_facts(*, sme: SME) -> SMEFacts:
    submitted = plans_of_sme(sme=sme).exclude(status=PlanStatus.DRAFT).exists()
    return SMEFacts(has_submitted_plan=submitted, has_licence=_has_licence(sme))


def eligibility_of(
    *, sme: SME, today: dt.date | None = None, soon_days: int | None = None
) -> list[ProgrammeEligibility]:
    """Every active programme of the SME's municipality, judged for the SME: qualifying now first,
    then soon, then the rest, each with its failing rules."""
    today = today or timezone.localdate()
    soon = conf.soon_days() if soon_days is None else soon_days
    facts = sme_facts(sme=sme)
    order = {"qualifies_now": 0, "qualifies_soon": 1, "not_eligible": 2}
    results = [
        evaluate(
            sme=sme,
            programme=p,
            windows=list(p.windows.all()),
            facts=facts,
            today=today,
            soon_days=soon,
        )
        for p in programmes_of(municipality=sme.municipality, active_only=True)
    ]
    return sorted(results, key=lambda r: (order[r.status], r.programme.name))


def calendar_months(*, windows) -> list[tuple[dt.date, list[ProgrammeWindow]]]:
    """Windows grouped by the month of their deadline, in order."""
    groups: dict[dt.date, list[ProgrammeWindow]] = defaultdict(list)
    for window in windows:
        groups[window.closes_on.replace(day=1)].append(window)
    return sorted(groups.items())


def granted_total(*, municipality: Municipality, fiscal_year: int) -> int:
    """Yen granted in a fiscal year (by decision date): the figure reports use."""
    start, end = municipality.fiscal_year_bounds(fiscal_year)
    total = (
        Application.objects.filter(
            municipality=municipality,
            status__in=[ApplicationStatus.GRANTED, ApplicationStatus.RESULT_REPORTED],
            decided_on__range=(start, end),
        )
        .aggregate(total=Sum("amount_granted_jpy"))
        .get("total")
    )
    return total or 0


def feeds_of(*, user: User, municipality: Municipality) -> QuerySet[CalendarFeed]:
    return CalendarFeed.objects.filter(municipality=municipality, user=user)


def calendar_feed_by_token(*, token: str) -> CalendarFeed | None:
    """The live feed for a token. The secret token selects the tenant (like an API key), so this is
    an unscoped read; the caller enters the feed's scope from the result."""
    from django_scopes import scopes_disabled

    with scopes_disabled():
        return (
            CalendarFeed.objects.select_related("user", "municipality")
            .filter(token_hash=hash_secret(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )


def _event_messages() -> tuple[tuple[str, str], ...]:
    """An application's event dates in the order they happen, each with its data-quality message."""
    return (
        ("submitted_on", _("Submitted on {date}, before the linked deal ({deal}) was opened on {opened}.")),
        ("decided_on", _("Decided on {date}, before the linked deal ({deal}) was opened on {opened}.")),
        (
            "result_reported_on",
            _("Result reported on {date}, before the linked deal ({deal}) was opened on {opened}."),
        ),
        ("withdrawn_on", _("Withdrawn on {date}, before the linked deal ({deal}) was opened on {opened}.")),
    )


def applications_dated_before_their_deal(
    *, municipality: Municipality, today: dt.date | None = None
) -> list[RecordProblem]:
    """Data-quality rule: applications linked to a deal with an event dated before the deal was opened
    (the day of its first timeline entry, or of its creation: services.applications.deal_opened_on).
    The service refuses such a date now; these are records from before the rule, or imported. One
    query: the deal's first entry comes as an aggregate."""
    applications = (
        Application.objects.filter(municipality=municipality, negotiation__isnull=False)
        .select_related("sme", "programme", "negotiation__sme", "negotiation__company")
        .annotate(deal_first_entry=Min("negotiation__entries__created_at"))
        .order_by("pk")
    )
    problems = []
    for application in applications:
        deal = application.negotiation
        assert deal is not None  # filtered above
        opened = timezone.localtime(application.deal_first_entry or deal.created_at).date()
        for field, message in _event_messages():
            day = getattr(application, field)
            if day is not None and day < opened:
                problems.append(
                    RecordProblem(
                        str(application),
                        message.format(
                            date=formats.date_format(day, "DATE_FORMAT"),
                            deal=deal,
                            opened=formats.date_format(opened, "DATE_FORMAT"),
                        ),
                        "subsidy_application_detail",
                        application.pk,
                    )
                )
                break  # one line per application: its earliest event says it
    return problems
