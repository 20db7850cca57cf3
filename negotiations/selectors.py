"""Reads of the deal pipeline. Every query starts from the municipality and the user: coordinators see
the whole municipality, company IP staff and SME members only what they are party to."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from kawasaki.models import Municipality, Role, User
from kawasaki.rules import is_coordinator
from matching.models import Meeting, MeetingStatus
from matching.rules import party_ids
from matching.selectors import meetings_visible_to
from patents.models import Patent

from .checks import requirements, show_date
from .models import (
    Document,
    DocumentKind,
    LicenceTerms,
    Negotiation,
    Product,
    Side,
    State,
    Task,
    TimelineEntry,
)

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


def board_columns(
    *, deals: QuerySet[Negotiation], folded: Iterable[str] = ()
) -> list[tuple[str, StrOrPromise, list[Negotiation]]]:
    """The kanban: (state, label, cards) for every state in pipeline order, of `deals` (the rows of
    `negotiations_visible_to` that the board's filters leave, negotiations.filters.BoardFilterSet).
    The states in `folded` (a folded stage: the dropped deals, most of a programme's history) get no
    cards: `board_folded_counts` counts them instead."""
    by_state: dict[str, list[Negotiation]] = {s: [] for s in State.values}
    open_tasks = Prefetch(
        "tasks",
        queryset=Task.objects.filter(done_at__isnull=True).order_by("due_on", "pk"),
        to_attr="open_tasks",
    )
    # The card's seed: by number within the company, not the seed list's order by company name (a
    # join and sort over every seed of the city: 135 ms at 100,000 seeds).
    seeds = Prefetch("seeds", queryset=Patent.objects.order_by("company_id", "number"))
    now = timezone.now()
    for negotiation in deals.exclude(state__in=list(folded)).prefetch_related(seeds, open_tasks):
        # What a card shows: the first seed, the days since the deal entered its state, the next task.
        deal_seeds = list(negotiation.seeds.all())
        tasks = negotiation.open_tasks
        # Display attributes of the card (not fields).
        setattr(negotiation, "first_seed", deal_seeds[0] if deal_seeds else None)  # noqa: B010
        setattr(negotiation, "days_in_state", max((now - negotiation.state_changed_at).days, 0))  # noqa: B010
        setattr(negotiation, "next_task", tasks[0] if tasks else None)  # noqa: B010
        by_state[negotiation.state].append(negotiation)
    return [(value, label, by_state[value]) for value, label in State.choices]


def board_folded_counts(*, deals: QuerySet[Negotiation], folded: Iterable[str]) -> dict[str, int]:
    """How many of `deals` are in each folded state (one query; the cards are not read)."""
    folded = list(folded)
    if not folded:
        return {}
    rows = deals.filter(state__in=folded).order_by().values("state").annotate(n=Count("pk"))
    return {row["state"]: row["n"] for row in rows}


def board_folded_states(*, expand: Iterable[str] = ()) -> set[str]:
    """The states of the stages folded by default that `expand` (?stage=) does not open."""
    expand = set(expand)
    return {
        state
        for key, _label, states, default_open in BOARD_STAGES
        if not default_open and key not in expand
        for state in states
    }


# The board's columns grouped into stages so that it fits a laptop screen (1366 px): the states of a
# stage stack inside it; the closed stage (dropped deals) is folded unless asked for.
BOARD_STAGES: list[tuple[str, StrOrPromise, tuple[str, ...], bool]] = [
    (
        "matching",
        pgettext_lazy("board stage", "Meeting"),
        (State.INTEREST, State.INTRODUCED, State.MEETING_HELD),
        True,
    ),
    ("negotiating", gettext_lazy("Negotiating"), (State.NDA_SIGNED, State.EVALUATION, State.TERMS), True),
    (
        "building",
        gettext_lazy("Building the product"),
        (State.LICENCE_SIGNED, State.PROTOTYPE, State.LAUNCHED),
        True,
    ),
    ("closed", gettext_lazy("Dropped"), (State.DROPPED,), False),
]


def board_stages(
    *,
    columns: list[tuple[str, StrOrPromise, list[Negotiation]]],
    expand: Iterable[str] = (),
    folded_counts: dict[str, int] | None = None,
) -> list[dict]:
    """The columns of `board_columns` grouped by stage: [{"key", "label", "open", "count", "columns"}];
    a stage named in `expand` is open even when folded by default. A folded stage's count comes from
    `folded_counts` (its cards were not read)."""
    by_state = {state: (state, label, cards) for state, label, cards in columns}
    expand = set(expand)
    folded_counts = folded_counts or {}
    return [
        {
            "key": key,
            "label": label,
            "open": default_open or key in expand,
            "count": sum(folded_counts.get(s, len(by_state[s][2])) for s in states),
            "columns": [by_state[s] for s in states],
        }
        for key, label, states, default_open in BOARD_STAGES
    ]


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


@dataclass(frozen=True)
class WaitingDeal:
    """A deal that waits on one party: why (a document to review, a task of theirs), since or due when."""

    deal: Negotiation
    reason: str
    when: dt.date | dt.datetime
    overdue: bool = False


def deals_waiting_on(*, user: User, municipality: Municipality) -> list[WaitingDeal]:
    """The open deals of the user's company (or SME) that wait on it: the latest NDA or draft licence
    came from the other side (or the coordinator) and is the party's to review, or an open task of the
    deal is assigned to the user. Oldest first, overdue tasks first of all. Two queries."""
    role, party = party_ids(user, municipality)
    if party is None or role not in (Role.COMPANY_STAFF, Role.SME_MEMBER):
        return []
    own_side = Side.LICENSOR if role == Role.COMPANY_STAFF else Side.LICENSEE
    deals = negotiations_visible_to(user=user, municipality=municipality).exclude(
        state__in=[State.LAUNCHED, State.DROPPED]
    )
    waiting: list[WaitingDeal] = []
    seen: set[tuple[int, str]] = set()
    documents = (
        Document.objects.filter(
            municipality=municipality,
            negotiation__in=deals,
            kind__in=[DocumentKind.NDA, DocumentKind.LICENCE_DRAFT],
        )
        .select_related("negotiation", "negotiation__sme", "negotiation__company")
        .order_by("negotiation_id", "kind", "-created_at", "-pk")
    )
    for document in documents:
        key = (document.negotiation_id, document.kind)
        if key in seen:
            continue
        seen.add(key)  # only the latest document of each kind counts
        if document.side != own_side:
            if document.kind == DocumentKind.NDA:
                reason = _("Review the NDA")
            else:
                reason = _("Review the draft licence (version %(version)s)") % {"version": document.version}
            waiting.append(WaitingDeal(document.negotiation, reason, document.created_at))
    today = timezone.localdate()
    tasks = Task.objects.filter(
        municipality=municipality, negotiation__in=deals, assignee=user, done_at__isnull=True
    ).select_related("negotiation", "negotiation__sme", "negotiation__company")
    for task in tasks.order_by("due_on", "pk"):
        assert task.negotiation is not None
        waiting.append(WaitingDeal(task.negotiation, task.title, task.due_on, overdue=task.due_on < today))

    def order(item: WaitingDeal) -> tuple:
        when = (
            item.when if isinstance(item.when, dt.datetime) else dt.datetime.combine(item.when, dt.time.min)
        )
        return (not item.overdue, timezone.make_naive(when) if timezone.is_aware(when) else when)

    return sorted(waiting, key=order)


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


# The records the KPIs count (reports/selectors.py reads these): a licence while its deal is at or past
# "licence signed" (a reopened deal's terms wait until it is signed again; a deal dropped after signing
# keeps its licence), signed on or before today and not before the NDA; a product while its deal is
# launched, launched on or before today and not before the licence. Everything else is left out and
# counted by `kpi_exclusions`, with the reason.
LICENCE_COUNTED_STATES = (State.LICENCE_SIGNED, State.PROTOTYPE, State.LAUNCHED, State.DROPPED)


def licences_counted(*, municipality: Municipality, today: dt.date | None = None) -> QuerySet[LicenceTerms]:
    """The licence terms the KPIs count (see LICENCE_COUNTED_STATES above)."""
    today = today or timezone.localdate()
    return LicenceTerms.objects.filter(
        municipality=municipality, negotiation__state__in=LICENCE_COUNTED_STATES, signed_on__lte=today
    ).exclude(negotiation__nda_signed_on__gt=F("signed_on"))


def products_counted(*, municipality: Municipality, today: dt.date | None = None) -> QuerySet[Product]:
    """The products the KPIs count: of a launched deal, launched by today, not before the licence."""
    today = today or timezone.localdate()
    return Product.objects.filter(
        municipality=municipality, negotiation__state=State.LAUNCHED, launch_date__lte=today
    ).exclude(negotiation__terms__signed_on__gt=F("launch_date"))


def meetings_counted(*, municipality: Municipality, today: dt.date | None = None) -> QuerySet[Meeting]:
    """The held meetings the KPIs count: those that started by today (one marked held before its date
    is left out)."""
    today = today or timezone.localdate()
    return Meeting.objects.filter(
        municipality=municipality, status=MeetingStatus.HELD, starts_at__date__lte=today
    )


@dataclass(frozen=True)
class Exclusion:
    """Records a KPI leaves out, and why."""

    figure: StrOrPromise
    reason: StrOrPromise
    count: int


def kpi_exclusions(
    *, municipality: Municipality, today: dt.date | None = None, counts: dict[str, int] | None = None
) -> list[Exclusion]:
    """How many records each KPI leaves out and why (the KPI page's note; the data-quality page lists
    them one by one). Only reasons with at least one record are returned. A caller that has read the
    records already (the reports' KpiData) passes the `counts`, keyed as below."""
    if counts is None:
        counts = _exclusion_counts(municipality=municipality, today=today or timezone.localdate())
    licences, launched = _("Licences"), _("Products")
    rows = [
        Exclusion(
            licences, _("the deal is not (or no longer) at “licence signed”"), counts["terms_reopened"]
        ),
        Exclusion(licences, _("signed in the future"), counts["terms_future"]),
        Exclusion(licences, _("signed before the NDA"), counts["terms_before_nda"]),
        Exclusion(
            launched, _("the deal is not (or no longer) at “product launched”"), counts["products_reopened"]
        ),
        Exclusion(launched, _("launched in the future"), counts["products_future"]),
        Exclusion(launched, _("launched before the licence was signed"), counts["products_before_licence"]),
        Exclusion(_("Meetings held"), _("marked held before the meeting's date"), counts["held_early"]),
    ]
    return [row for row in rows if row.count]


def _exclusion_counts(*, municipality: Municipality, today: dt.date) -> dict[str, int]:
    # One query per table.
    terms = LicenceTerms.objects.filter(municipality=municipality).aggregate(
        terms_reopened=Count("pk", filter=~Q(negotiation__state__in=LICENCE_COUNTED_STATES)),
        terms_future=Count("pk", filter=Q(signed_on__gt=today)),
        terms_before_nda=Count("pk", filter=Q(negotiation__nda_signed_on__gt=F("signed_on"))),
    )
    products = Product.objects.filter(municipality=municipality).aggregate(
        products_reopened=Count("pk", filter=~Q(negotiation__state=State.LAUNCHED)),
        products_future=Count("pk", filter=Q(launch_date__gt=today)),
        products_before_licence=Count("pk", filter=Q(negotiation__terms__signed_on__gt=F("launch_date"))),
    )
    held_early = Meeting.objects.filter(
        municipality=municipality, status=MeetingStatus.HELD, starts_at__date__gt=today
    ).count()
    return {**terms, **products, "held_early": held_early}


@dataclass(frozen=True)
class RecordProblem:
    """One record that breaks a rule of the records, with the page where it is fixed."""

    record: StrOrPromise
    problem: str
    url_name: str
    pk: int


def data_quality_problems(*, municipality: Municipality, today: dt.date | None = None) -> list[RecordProblem]:
    """The records that break the rules (entered before the rules, or imported): deals that lack what
    their state needs or whose dates disagree, products and licences the KPIs leave out, meetings
    marked held before their date. Each names the page to fix it on."""
    today = today or timezone.localdate()
    problems: list[RecordProblem] = []
    deals = (
        Negotiation.objects.filter(municipality=municipality)
        .exclude(state=State.INTEREST)
        .select_related("sme", "company", "terms")
        .prefetch_related("products")
        .order_by("pk")
    )
    for deal in deals:
        state = deal.state
        if state == State.DROPPED:
            continue
        for check in requirements(negotiation=deal, to_state=state, today=today):
            if not check.met:
                problems.append(RecordProblem(str(deal), check.problem, "negotiation_detail", deal.pk))
        terms = getattr(deal, "terms", None)
        if terms is not None and state not in LICENCE_COUNTED_STATES:
            problems.append(
                RecordProblem(
                    str(deal),
                    _(
                        "Licence terms are recorded but the deal is at “{state}”: the licence is not counted."
                    ).format(state=State(state).label),
                    "negotiation_detail",
                    deal.pk,
                )
            )
    held_early = Meeting.objects.filter(
        municipality=municipality, status=MeetingStatus.HELD, starts_at__date__gt=today
    ).order_by("starts_at")
    for meeting in held_early:
        starts_on = timezone.localtime(meeting.starts_at).date()
        problems.append(
            RecordProblem(
                meeting.title,
                _("Marked held, but the meeting is dated {date} (today is {today}).").format(
                    date=show_date(starts_on), today=show_date(today)
                ),
                "meeting_detail",
                meeting.pk,
            )
        )
    for rule in DATA_QUALITY_RULES:
        problems.extend(rule(municipality=municipality, today=today))
    return problems


# The rules of records that link to deals but live in another app (a subsidy application dated before
# its deal was opened): that app registers a function `(municipality=, today=) -> RecordProblems` in its
# AppConfig.ready(), and the data-quality page lists what it finds after the deals' own problems.
DataQualityRule = Callable[..., Iterable[RecordProblem]]
DATA_QUALITY_RULES: list[DataQualityRule] = []


def register_data_quality_rule(rule: DataQualityRule) -> None:
    """Add a rule to the data-quality page (once; the apps' ready() may run twice in tests)."""
    if rule not in DATA_QUALITY_RULES:
        DATA_QUALITY_RULES.append(rule)
