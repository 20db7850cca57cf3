"""Reads of the deal pipeline. Every query starts from the municipality and the user: coordinators see
the whole municipality, company IP staff and SME members only what they are party to."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise

from kawasaki.models import Municipality, Role, User
from kawasaki.rules import is_coordinator

from .models import (
    Document,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Negotiation,
    OneOnOneRequest,
    Participant,
    Product,
    Reply,
    State,
    Task,
    TimelineEntry,
)
from .rules import party_ids

StrOrPromise = str | Promise


def negotiations_visible_to(*, user: User, municipality: Municipality) -> QuerySet[Negotiation]:
    """The deals a user may see: all of the municipality for coordinators, their own for the parties."""
    qs = Negotiation.objects.filter(municipality=municipality).select_related("sme", "company", "coordinator")
    if is_coordinator(user, municipality):
        return qs
    role, party = party_ids(user, municipality)
    if party is None:
        return qs.none()
    if role == Role.COMPANY_STAFF:
        return qs.filter(company_id=party)
    return qs.filter(sme_id=party)


def board_columns(
    *,
    user: User,
    municipality: Municipality,
    coordinator_id: int | None = None,
    company_id: int | None = None,
    sme_id: int | None = None,
) -> list[tuple[str, StrOrPromise, list[Negotiation]]]:
    """The kanban: (state, label, cards) for every state in pipeline order, filtered."""
    qs = negotiations_visible_to(user=user, municipality=municipality).prefetch_related("seeds")
    if coordinator_id:
        qs = qs.filter(coordinator_id=coordinator_id)
    if company_id:
        qs = qs.filter(company_id=company_id)
    if sme_id:
        qs = qs.filter(sme_id=sme_id)
    by_state: dict[str, list[Negotiation]] = {s: [] for s in State.values}
    for negotiation in qs:
        by_state[negotiation.state].append(negotiation)
    return [(value, label, by_state[value]) for value, label in State.choices]


def timeline_visible_to(*, user: User, negotiation: Negotiation) -> QuerySet[TimelineEntry]:
    """A deal's history, newest first; internal notes only for coordinators."""
    qs = negotiation.entries.select_related("actor")
    if not is_coordinator(user, negotiation.municipality):
        qs = qs.filter(internal=False)
    return qs


def documents_of(*, negotiation: Negotiation) -> QuerySet[Document]:
    """A deal's documents (every party of a deal sees all of its documents)."""
    return negotiation.documents.select_related("uploaded_by")


def documents_visible_to(*, user: User, municipality: Municipality) -> QuerySet[Document]:
    """Documents of the deals a user may see."""
    return Document.objects.filter(
        municipality=municipality,
        negotiation__in=negotiations_visible_to(user=user, municipality=municipality),
    ).select_related("negotiation")


def meetings_visible_to(*, user: User, municipality: Municipality) -> QuerySet[Meeting]:
    """Meetings a user may see: coordinators all; company staff where their company meets or presents;
    SME members those their SME is invited to or registered for."""
    qs = Meeting.objects.filter(municipality=municipality).select_related("company", "coordinator")
    if is_coordinator(user, municipality):
        return qs
    role, party = party_ids(user, municipality)
    if party is None:
        return qs.none()
    if role == Role.COMPANY_STAFF:
        return qs.filter(Q(company_id=party) | Q(presenting_companies=party)).distinct()
    return qs.filter(participants__sme_id=party).distinct()


def symposiums_of(*, municipality: Municipality) -> QuerySet[Meeting]:
    """Every symposium of the municipality (open exchange meetings: any SME of the city may register)."""
    return Meeting.objects.filter(municipality=municipality, kind=MeetingKind.SYMPOSIUM)


def symposiums_open_for_registration(*, municipality: Municipality) -> QuerySet[Meeting]:
    """Planned symposiums that have not started, soonest first, with `registered` (attending SMEs)."""
    return (
        symposiums_of(municipality=municipality)
        .filter(status=MeetingStatus.PLANNED, starts_at__gt=timezone.now())
        .annotate(registered=Count("participants", filter=Q(participants__reply=Reply.ATTENDING)))
        .prefetch_related("presenting_companies", "seeds")
        .order_by("starts_at", "pk")
    )


def registrations_of(*, sme_id: int | None, municipality: Municipality) -> dict[int, str]:
    """{symposium id: reply} of an SME's symposium places (empty without an SME)."""
    if sme_id is None:
        return {}
    return dict(
        Participant.objects.filter(
            municipality=municipality, sme_id=sme_id, meeting__kind=MeetingKind.SYMPOSIUM
        ).values_list("meeting_id", "reply")
    )


def participants_of(*, meeting: Meeting) -> QuerySet[Participant]:
    return meeting.participants.select_related("sme")


def requests_of(*, meeting: Meeting) -> QuerySet[OneOnOneRequest]:
    return meeting.requests.select_related("sme", "company", "meeting").prefetch_related("seeds")


def products_visible_to(*, user: User, municipality: Municipality) -> QuerySet[Product]:
    """Products of the deals a user may see."""
    return Product.objects.filter(
        municipality=municipality,
        negotiation__in=negotiations_visible_to(user=user, municipality=municipality),
    ).select_related("negotiation", "negotiation__sme", "negotiation__company")


def tasks_open(*, municipality: Municipality) -> QuerySet[Task]:
    return Task.objects.filter(municipality=municipality, done_at__isnull=True).select_related(
        "negotiation", "negotiation__sme", "negotiation__company", "meeting", "assignee"
    )


def my_week(*, user: User, municipality: Municipality, today: dt.date | None = None) -> dict:
    """A coordinator's week: open tasks due by the end of the next 7 days (overdue included), meetings
    in the next 7 days, and their deals that have not moved for 30 days."""
    today = today or timezone.localdate()
    until = today + dt.timedelta(days=7)
    start = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(until, dt.time.max))
    deals = negotiations_visible_to(user=user, municipality=municipality).filter(coordinator=user)
    stale_before = timezone.now() - dt.timedelta(days=30)
    return {
        "today": today,
        "until": until,
        "tasks": tasks_open(municipality=municipality).filter(assignee=user, due_on__lte=until),
        "meetings": meetings_visible_to(user=user, municipality=municipality)
        .filter(starts_at__range=(start, end))
        .order_by("starts_at"),
        "stale": deals.exclude(state__in=[State.LAUNCHED, State.DROPPED]).filter(
            state_changed_at__lt=stale_before
        ),
    }


def reminders_due(*, municipality: Municipality, today: dt.date) -> QuerySet[Task]:
    """Open tasks due by tomorrow whose reminder has not gone out."""
    return tasks_open(municipality=municipality).filter(
        reminder_sent_at__isnull=True, due_on__lte=today + dt.timedelta(days=1), assignee__isnull=False
    )


def outcome_counts(*, municipality: Municipality) -> dict[str, int]:
    """The figures the city reports: licences signed (terms recorded) and products launched."""
    deals = Negotiation.objects.filter(municipality=municipality)
    by_state = dict(deals.values_list("state").annotate(n=Count("id")).order_by())
    return {
        "active": sum(n for s, n in by_state.items() if s not in (State.LAUNCHED, State.DROPPED)),
        "licences": deals.filter(terms__isnull=False).count(),
        "products": Product.objects.filter(municipality=municipality).count(),
        "dropped": by_state.get(State.DROPPED, 0),
    }
