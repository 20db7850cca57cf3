"""Dashboard panels of the smes app."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from kawasaki.dashboard import ITEM_LIMIT, WeekItem, register, week_bounds
from kawasaki.models import Role

from . import selectors
from .models import InterestStatus, PlanComment, PlanStatus


@register(Role.MUNICIPALITY_ADMIN, Role.COORDINATOR)
def smes_panel(request) -> dict:
    municipality = request.municipality
    slug = municipality.slug
    user = request.user
    followups = selectors.followups_due(user=user, municipality=municipality)
    plans = selectors.plans_visible_to(user=user, municipality=municipality)
    return {
        "title": _("SMEs"),
        "figures": [
            (
                _("SMEs"),
                selectors.smes_visible_to(user=user, municipality=municipality).count(),
                reverse("sme_list", kwargs={"municipality": slug}),
            ),
            (
                _("Your follow-ups overdue"),
                followups.filter(due_on__lt=timezone.localdate()).count(),
                reverse("followup_list", kwargs={"municipality": slug}),
            ),
            (
                _("Plans waiting for feedback"),
                plans.filter(status__in=[PlanStatus.SUBMITTED, PlanStatus.REVISED]).count(),
                reverse("plan_list", kwargs={"municipality": slug}) + "?status=submitted",
            ),
        ],
    }


@register(Role.SME_MEMBER, order=10)
def own_interests_panel(request) -> dict:
    """The SME's interests in seeds, newest first, each with where it stands with the coordinators."""
    municipality = request.municipality
    interests = selectors.interests_of_sme(user=request.user, municipality=municipality)
    rows = list(interests[: ITEM_LIMIT + 1])
    mine = reverse("interest_mine", kwargs={"municipality": municipality.slug})
    items = [
        WeekItem(
            label=interest.patent.title,
            url=reverse("seed_detail", kwargs={"municipality": municipality.slug, "pk": interest.patent_id}),
            when=interest.created_at,
            note=str(_("Waiting for the coordinators"))
            if interest.status == InterestStatus.NEW
            else str(_("Answered by {who}").format(who=interest.acknowledged_by or _("a coordinator"))),
        )
        for interest in rows[:ITEM_LIMIT]
    ]
    waiting = sum(1 for interest in rows if interest.status == InterestStatus.NEW)
    return {
        "title": _("Your interests in seeds"),
        "week": True,
        "empty": _("No interest sent yet: find seeds and press “We are interested”."),
        "figures": [
            (_("Waiting for an answer"), waiting, mine),
            (_("Answered"), len(rows) - waiting, mine),
        ]
        if rows
        else [],
        "items": items,
        "more_url": mine if rows else reverse("seed_list", kwargs={"municipality": municipality.slug}),
        "more_label": _("All your interests") if rows else _("Find seeds"),
    }


@register(Role.SME_MEMBER, order=50)
def own_plans_panel(request) -> dict:
    """The SME's business plans with their state and the coordinators' latest comment."""
    municipality = request.municipality
    plans = list(
        selectors.plans_visible_to(user=request.user, municipality=municipality).order_by(
            "-updated_at", "-pk"
        )[: ITEM_LIMIT + 1]
    )
    latest: dict[int, PlanComment] = {}
    for comment in (
        PlanComment.objects.filter(
            municipality=municipality, version__plan__in=[plan.pk for plan in plans], internal=False
        )
        .select_related("version")
        .order_by("created_at", "pk")
    ):
        latest[comment.version.plan_id] = comment
    slug = municipality.slug
    items = []
    for plan in plans[:ITEM_LIMIT]:
        comment = latest.get(plan.pk)
        note = plan.get_status_display()
        if comment is not None:
            note += " · " + str(
                _("comment from {who}: {text}").format(
                    who=comment.author_label or _("a coordinator"), text=Truncator(comment.body).chars(60)
                )
            )
        items.append(
            WeekItem(
                label=plan.title,
                url=reverse("plan_detail", kwargs={"municipality": slug, "pk": plan.pk}),
                when=comment.created_at if comment is not None else None,
                note=note,
            )
        )
    has_sme = request.membership.sme_id is not None
    all_plans = selectors.plans_visible_to(user=request.user, municipality=municipality)
    list_url = reverse("plan_list", kwargs={"municipality": slug})
    return {
        "title": _("Business plans"),
        "week": True,
        "empty": _("No business plan yet."),
        "figures": [
            (
                _("Plans with feedback to read"),
                all_plans.filter(status=PlanStatus.FEEDBACK_GIVEN).count(),
                list_url + "?status=feedback_given" if has_sme else None,
            ),
        ],
        "items": items,
        "more_url": list_url if has_sme else None,
        "more_label": _("All your plans"),
    }


# --- my week (the coordinator's home) -----------------------------------------------------------


@register(Role.COORDINATOR, order=20)
def week_followups_panel(request) -> dict:
    """The coordinator's open follow-ups from visits due this week or overdue, each linking to its SME."""
    municipality = request.municipality
    today, until = week_bounds()
    due = selectors.followups_due(user=request.user, municipality=municipality).filter(due_on__lte=until)
    rows = list(due[: ITEM_LIMIT + 1])
    items = [
        WeekItem(
            label=f"{action.visit.sme} · {action.description}",
            url=reverse("sme_detail", kwargs={"municipality": municipality.slug, "pk": action.visit.sme_id}),
            when=action.due_on,
            overdue=action.due_on < today,
        )
        for action in rows[:ITEM_LIMIT]
    ]
    return {
        "title": _("Follow-ups from visits"),
        "week": True,
        "figures": [],
        "items": items,
        "more_url": reverse("followup_list", kwargs={"municipality": municipality.slug})
        if len(rows) > ITEM_LIMIT
        else None,
    }


@register(Role.COORDINATOR, order=40)
def week_interests_panel(request) -> dict:
    """New SME interests in seeds, waiting for a coordinator to acknowledge them."""
    municipality = request.municipality
    rows = list(
        selectors.interest_inbox(municipality=municipality, status=InterestStatus.NEW).order_by(
            "-created_at"
        )[: ITEM_LIMIT + 1]
    )
    inbox = reverse("interest_list", kwargs={"municipality": municipality.slug})
    items = [
        WeekItem(
            label=f"{interest.sme} → {interest.patent}", url=inbox + "?status=new", when=interest.created_at
        )
        for interest in rows[:ITEM_LIMIT]
    ]
    waiting = selectors.interest_inbox(municipality=municipality, status=InterestStatus.NEW).count()
    return {
        "title": _("New interests"),
        "week": True,
        "figures": [(_("Waiting for an answer"), waiting, inbox + "?status=new")] if waiting else [],
        "items": items,
        "more_url": inbox + "?status=new" if len(rows) > ITEM_LIMIT else None,
    }
