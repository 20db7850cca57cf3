"""Reads of the deal pipeline. Every query starts from the municipality and the user: coordinators see
the whole municipality, company IP staff and SME members only what they are party to."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.functional import Promise

from kawasaki.models import Municipality, Role, User
from kawasaki.rules import is_coordinator
from matching.models import Meeting
from matching.rules import party_ids
from matching.selectors import meetings_visible_to
from patents.models import Patent

from .models import Document, Negotiation, Product, State, Task, TimelineEntry

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


def negotiation_for_page(*, user: User, municipality: Municipality) -> QuerySet[Negotiation]:
    """The deals a user may open, each with its licence terms joined (the detail page shows them)."""
    return negotiations_visible_to(user=user, municipality=municipality).select_related("terms")


def seeds_of(*, negotiation: Negotiation) -> QuerySet[Patent]:
    return negotiation.seeds.order_by("number", "pk")


def products_of(*, negotiation: Negotiation) -> QuerySet[Product]:
    return negotiation.products.all()


def tasks_of(*, negotiation: Negotiation | None = None, meeting: Meeting | None = None) -> QuerySet[Task]:
    """The tasks of one deal or one meeting (open and done), with their assignees."""
    if negotiation is not None:
        return negotiation.tasks.select_related("assignee")
    assert meeting is not None
    return meeting.tasks.select_related("assignee")


def staff_of(*, municipality: Municipality) -> QuerySet[User]:
    """Active coordinators and administrators: who a deal, a task or a filter can be given to."""
    return User.objects.filter(
        memberships__municipality=municipality,
        memberships__is_active=True,
        memberships__role__in=[Role.COORDINATOR, Role.MUNICIPALITY_ADMIN],
    ).order_by("display_name", "email")


def board_columns(*, deals: QuerySet[Negotiation]) -> list[tuple[str, StrOrPromise, list[Negotiation]]]:
    """The kanban: (state, label, cards) for every state in pipeline order, of `deals` (the rows of
    `negotiations_visible_to` that the board's filters leave, negotiations.filters.BoardFilterSet)."""
    by_state: dict[str, list[Negotiation]] = {s: [] for s in State.values}
    for negotiation in deals.prefetch_related("seeds"):
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
