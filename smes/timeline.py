"""The smes app's sources of the one timeline (`kawasaki.timeline`): visits, interests and plans."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kawasaki.rules import is_coordinator
from kawasaki.timeline import SOURCE_LIMIT, TimelineItem, register_source

from .models import PlanVersion, SeedInterest, Visit
from .rules import own_sme_id
from .selectors import plans_visible_to


def _sme_url(municipality, sme_id) -> str:
    return reverse("sme_detail", kwargs={"municipality": municipality.slug, "pk": sme_id})


@register_source("sme", kind="visits", label=_("Visits"), order=10)
def sme_visits(*, user, municipality, obj):
    """Coordinators' visits: an internal record, so nobody else gets any."""
    if not is_coordinator(user, municipality):
        return []
    visits = Visit.objects.filter(municipality=municipality, sme=obj).order_by("-visited_on", "-pk")
    return [
        TimelineItem(
            when=visit.visited_on,
            kind="visits",
            title=str(_("Visit by {who}")).format(who=visit.coordinator_label),
            url=_sme_url(municipality, obj.pk) + "#timeline-h",
            note=visit.people_met,
        )
        for visit in visits[:SOURCE_LIMIT]
    ]


def _interests(*, user, municipality, **filters):
    qs = SeedInterest.objects.filter(municipality=municipality, **filters).select_related("sme", "patent")
    if not is_coordinator(user, municipality):
        sme_id = own_sme_id(user, municipality)
        if sme_id is None:
            return []
        qs = qs.filter(sme_id=sme_id)
    inbox = reverse("interest_list", kwargs={"municipality": municipality.slug})
    return [
        TimelineItem(
            when=interest.created_at,
            kind="interests",
            title=f"{interest.sme} → {interest.patent}",
            url=inbox if is_coordinator(user, municipality) else None,
            note=interest.get_status_display(),
        )
        for interest in qs.order_by("-created_at", "-pk")[:SOURCE_LIMIT]
    ]


@register_source("sme", kind="interests", label=_("Interests"), order=30)
def sme_interests(*, user, municipality, obj):
    return _interests(user=user, municipality=municipality, sme=obj)


@register_source("seed", kind="interests", label=_("Interests"), order=30)
def seed_interests(*, user, municipality, obj):
    return _interests(user=user, municipality=municipality, patent=obj)


@register_source("sme", kind="plans", label=_("Business plans"), order=70)
def sme_plans(*, user, municipality, obj):
    """Each submitted version of the SME's plans the user may see."""
    plans = plans_visible_to(user=user, municipality=municipality).filter(sme=obj)
    versions = (
        PlanVersion.objects.filter(municipality=municipality, plan__in=plans)
        .select_related("plan")
        .order_by("-submitted_at", "-pk")
    )
    return [
        TimelineItem(
            when=version.submitted_at,
            kind="plans",
            title=str(_("{title}, version {number} submitted")).format(
                title=version.plan.title, number=version.number
            ),
            url=reverse(
                "planversion_detail",
                kwargs={"municipality": municipality.slug, "pk": version.plan_id, "number": version.number},
            ),
        )
        for version in versions[:SOURCE_LIMIT]
    ]
