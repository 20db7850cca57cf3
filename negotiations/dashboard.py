"""Dashboard panels: the programme's outcome figures (licences, products) from the deal records."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kawasaki.dashboard import ITEM_LIMIT, WeekItem, register, week_bounds
from kawasaki.models import Role

from .models import State
from .selectors import (
    deals_waiting_on,
    negotiations_visible_to,
    outcome_counts,
    products_visible_to,
    tasks_open,
)

WAITING_DAYS = 14  # a deal of the coordinator's that has not moved this long waits on them


@register(Role.MUNICIPALITY_ADMIN, Role.COORDINATOR)
def pipeline_panel(request) -> dict:
    municipality = request.municipality
    counts = outcome_counts(municipality=municipality)
    board = reverse("negotiation_board", kwargs={"municipality": municipality.slug})
    products = reverse("product_list", kwargs={"municipality": municipality.slug})
    return {
        "title": _("Deals and outcomes"),
        "figures": [
            (_("Deals in progress"), counts["active"], board),
            (_("Licences signed"), counts["licences"], board),
            (_("Products launched"), counts["products"], products),
            (_("Deals dropped"), counts["dropped"], board),
        ],
    }


@register(Role.COMPANY_STAFF)
def own_deals_panel(request) -> dict:
    municipality = request.municipality
    deals = negotiations_visible_to(user=request.user, municipality=municipality)
    return {
        "title": _("Your deals"),
        "figures": [
            (
                _("Deals"),
                deals.count(),
                reverse("negotiation_list", kwargs={"municipality": municipality.slug}),
            ),
            (
                _("Products launched"),
                products_visible_to(user=request.user, municipality=municipality).count(),
                reverse("product_list", kwargs={"municipality": municipality.slug}),
            ),
        ],
    }


# What comes next in a deal, as an SME reads it: the step after each state.
SME_NEXT_STEP = {
    State.INTEREST: _("The coordinator introduces you to the company"),
    State.INTRODUCED: _("Meet the company's engineers"),
    State.MEETING_HELD: _("Sign a non-disclosure agreement to see the details"),
    State.NDA_SIGNED: _("Evaluate the technology with your own products"),
    State.EVALUATION: _("Decide whether to license, then discuss the terms"),
    State.TERMS: _("Agree the licence terms (see the glossary of licence terms)"),
    State.LICENCE_SIGNED: _("Build a prototype"),
    State.PROTOTYPE: _("Launch the product"),
}


@register(Role.SME_MEMBER, order=30)
def own_deals_next_step_panel(request) -> dict:
    """The SME's deals in progress, each with its state and the next step."""
    municipality = request.municipality
    slug = municipality.slug
    deals = (
        negotiations_visible_to(user=request.user, municipality=municipality)
        .exclude(state__in=[State.LAUNCHED, State.DROPPED])
        .order_by("-state_changed_at", "-pk")
    )
    rows = list(deals[: ITEM_LIMIT + 1])
    items = [
        WeekItem(
            label=str(deal.company),
            url=reverse("negotiation_detail", kwargs={"municipality": slug, "pk": deal.pk}),
            note=str(
                _("{state} · next: {step}").format(
                    state=deal.get_state_display(), step=SME_NEXT_STEP[deal.state]
                )
            ),
        )
        for deal in rows[:ITEM_LIMIT]
    ]
    return {
        "title": _("Your deals"),
        "week": True,
        "empty": _("No deal in progress yet. A deal starts when you meet a company over its seed."),
        "figures": [
            (
                _("Products launched"),
                products_visible_to(user=request.user, municipality=municipality).count(),
                reverse("product_list", kwargs={"municipality": slug}),
            ),
        ],
        "items": items,
        "more_url": reverse("negotiation_list", kwargs={"municipality": slug}),
        "more_label": _("All your deals"),
        "links": [
            (_("Glossary of licence terms"), reverse("licence_glossary", kwargs={"municipality": slug}))
        ],
    }


@register(Role.COMPANY_STAFF, order=20)
def company_waiting_deals_panel(request) -> dict:
    """A company's to-do list of deals: drafts and NDAs to review, its staff member's open tasks."""
    municipality = request.municipality
    waiting = deals_waiting_on(user=request.user, municipality=municipality)
    slug = municipality.slug
    items = [
        WeekItem(
            label=str(item.reason),
            url=reverse("negotiation_detail", kwargs={"municipality": slug, "pk": item.deal.pk}),
            when=item.when,
            note=f"{item.deal.sme.name} · {item.deal.get_state_display()}",
            overdue=item.overdue,
        )
        for item in waiting[:ITEM_LIMIT]
    ]
    return {
        "title": _("Deals waiting on you"),
        "week": True,
        "figures": [],
        "items": items,
        "empty": _("No deal waits on you."),
        "more_url": reverse("negotiation_list", kwargs={"municipality": slug})
        if len(waiting) > ITEM_LIMIT
        else None,
    }


# --- my week (the coordinator's home) -----------------------------------------------------------


@register(Role.COORDINATOR, order=10)
def week_tasks_panel(request) -> dict:
    """The coordinator's open tasks due this week or overdue, each linking to its deal or meeting."""
    municipality = request.municipality
    today, until = week_bounds()
    tasks = tasks_open(municipality=municipality).filter(assignee=request.user, due_on__lte=until)
    rows = list(tasks[: ITEM_LIMIT + 1])
    slug = municipality.slug
    items = []
    for task in rows[:ITEM_LIMIT]:
        if task.negotiation_id:
            url = reverse("negotiation_detail", kwargs={"municipality": slug, "pk": task.negotiation_id})
            note = str(task.negotiation)
        else:
            url = reverse("meeting_detail", kwargs={"municipality": slug, "pk": task.meeting_id})
            note = task.meeting.title if task.meeting else ""
        items.append(
            WeekItem(label=task.title, url=url, when=task.due_on, note=note, overdue=task.due_on < today)
        )
    return {
        "title": _("Tasks due and overdue"),
        "week": True,
        "figures": [],
        "items": items,
        "more_url": reverse("my_week", kwargs={"municipality": slug}) if len(rows) > ITEM_LIMIT else None,
    }


@register(Role.COORDINATOR, order=60)
def week_waiting_deals_panel(request) -> dict:
    """The coordinator's own deals that have not moved for a fortnight: they wait on the coordinator."""
    municipality = request.municipality
    since = timezone.now() - dt.timedelta(days=WAITING_DAYS)
    deals = (
        negotiations_visible_to(user=request.user, municipality=municipality)
        .filter(coordinator=request.user, state_changed_at__lt=since)
        .exclude(state__in=[State.LAUNCHED, State.DROPPED])
        .order_by("state_changed_at", "pk")
    )
    rows = list(deals[: ITEM_LIMIT + 1])
    slug = municipality.slug
    items = [
        WeekItem(
            label=str(deal),
            url=reverse("negotiation_detail", kwargs={"municipality": slug, "pk": deal.pk}),
            when=deal.state_changed_at,
            note=deal.get_state_display(),
        )
        for deal in rows[:ITEM_LIMIT]
    ]
    return {
        "title": _("Deals waiting on you"),
        "week": True,
        "figures": [],
        "items": items,
        "more_url": reverse("my_week", kwargs={"municipality": slug}) if len(rows) > ITEM_LIMIT else None,
    }
