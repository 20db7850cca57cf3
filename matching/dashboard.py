"""Dashboard panels of the matching app: the meetings of a coordinator's week and the requests for one."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kawasaki.dashboard import ITEM_LIMIT, WeekItem, register, week_bounds
from kawasaki.models import Role

from . import selectors
from .models import MeetingStatus, Participant, RequestStatus
from .rules import party_ids


@register(Role.COORDINATOR, order=30)
def week_meetings_panel(request) -> dict:
    """Meetings starting between now and the end of the coming week, soonest first."""
    municipality = request.municipality
    today, until = week_bounds()
    start = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(until, dt.time.max))
    meetings = (
        selectors.meetings_visible_to(user=request.user, municipality=municipality)
        .filter(starts_at__range=(start, end))
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("starts_at", "pk")
    )
    rows = list(meetings[: ITEM_LIMIT + 1])
    items = [
        WeekItem(
            label=meeting.title,
            url=reverse("meeting_detail", kwargs={"municipality": municipality.slug, "pk": meeting.pk}),
            when=timezone.localtime(meeting.starts_at),
            note=meeting.venue,
        )
        for meeting in rows[:ITEM_LIMIT]
    ]
    return {
        "title": _("Meetings this week"),
        "week": True,
        "figures": [],
        "items": items,
        "more_url": reverse("meeting_list", kwargs={"municipality": municipality.slug})
        if len(rows) > ITEM_LIMIT
        else None,
    }


@register(Role.COORDINATOR, order=50)
def week_requests_panel(request) -> dict:
    """One-on-one requests after symposiums waiting for a meeting: each links to scheduling it."""
    municipality = request.municipality
    rows = list(selectors.open_requests(municipality=municipality).order_by("pk")[: ITEM_LIMIT + 1])
    items = [
        WeekItem(
            label=f"{req.sme} × {req.company}",
            url=reverse("request_schedule", kwargs={"municipality": municipality.slug, "pk": req.pk}),
            when=req.created_at,
        )
        for req in rows[:ITEM_LIMIT]
    ]
    return {
        "title": _("Meeting requests"),
        "week": True,
        "figures": [],
        "items": items,
        "more_url": reverse("meeting_list", kwargs={"municipality": municipality.slug})
        if len(rows) > ITEM_LIMIT
        else None,
    }


# --- the SME's home -------------------------------------------------------------------------------


@register(Role.SME_MEMBER, order=20)
def own_meetings_panel(request) -> dict:
    """The SME's coming meetings with its reply, then its one-on-one requests and where they stand."""
    municipality = request.municipality
    slug = municipality.slug
    _role, sme_id = party_ids(request.user, municipality)
    now = timezone.now()
    meetings = list(
        selectors.meetings_visible_to(user=request.user, municipality=municipality)
        .filter(starts_at__gte=now)
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("starts_at", "pk")[:ITEM_LIMIT]
    )
    replies = dict(
        Participant.objects.filter(
            municipality=municipality, sme_id=sme_id, meeting__in=[m.pk for m in meetings]
        ).values_list("meeting_id", "reply")
    )
    reply_labels = dict(Participant._meta.get_field("reply").choices)
    items = [
        WeekItem(
            label=meeting.title,
            url=reverse("meeting_detail", kwargs={"municipality": slug, "pk": meeting.pk}),
            when=timezone.localtime(meeting.starts_at),
            note=" · ".join(
                str(part) for part in (meeting.venue, reply_labels.get(replies.get(meeting.pk), "")) if part
            ),
        )
        for meeting in meetings
    ]
    requests = list(selectors.requests_of_sme(sme_id=sme_id, municipality=municipality)[:ITEM_LIMIT])
    for req in requests:
        if req.status == RequestStatus.SCHEDULED and req.meeting_id:
            note = str(_("one-on-one request · scheduled"))
            url = reverse("meeting_detail", kwargs={"municipality": slug, "pk": req.meeting_id})
        else:
            note = str(_("one-on-one request · waiting for the coordinator to schedule it"))
            url = reverse("meeting_detail", kwargs={"municipality": slug, "pk": req.symposium_id})
        items.append(WeekItem(label=str(req.company), url=url, when=req.created_at, note=note))
    return {
        "title": _("Your meetings and requests"),
        "week": True,
        "empty": _("No meeting planned. The coordinators arrange one after you send an interest."),
        "figures": [],
        "items": items,
        "more_url": reverse("meeting_list", kwargs={"municipality": slug}),
        "more_label": _("All meetings"),
    }
