"""The smes app's sources of the one timeline (`kawasaki.timeline`): visits, interests and plans."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kawasaki.models import Role
from kawasaki.rules import is_coordinator
from kawasaki.selectors import membership_in
from kawasaki.timeline import SOURCE_LIMIT, TimelineItem, register_source

from .models import PlanVersion, SeedInterest, Visit
from .rules import own_sme_id
from .selectors import plans_visible_to


def _sme_url(municipality, sme_id) -> str:
    return reverse("sme_detail", kwargs={"municipality": municipality.slug, "pk": sme_id})


@register_source("sme", kind="visits", label=_("Visits"), order=10)
def sme_visits(*, user, municipality, obj):
    """Coordinators' visits: an internal record, so nobody else gets any (None: not a kind for them)."""
    if not is_coordinator(user, municipality):
        return None
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
    """Coordinators see every interest, an SME's members their own SME's; a large company's staff
    those in its own seeds, naming the SME only when it shares its profile (as the seed page's panel
    does). Anyone else: not a kind for them."""
    qs = SeedInterest.objects.filter(municipality=municipality, **filters).select_related("sme", "patent")
    coordinator = is_coordinator(user, municipality)
    company_id = None
    if not coordinator:
        sme_id = own_sme_id(user, municipality)
        membership = membership_in(user=user, municipality=municipality)
        if sme_id is not None:
            qs = qs.filter(sme_id=sme_id)
        elif membership is not None and membership.role == Role.COMPANY_STAFF and membership.company_id:
            company_id = membership.company_id
            qs = qs.filter(patent__company_id=company_id)
        else:
            return None
    inbox = reverse("interest_list", kwargs={"municipality": municipality.slug})
    company_list = reverse("interest_company", kwargs={"municipality": municipality.slug})

    def sme_name(interest) -> object:
        if company_id is None or interest.sme.consent_to_share:
            return interest.sme
        return _("An SME that does not share its profile")

    return [
        TimelineItem(
            when=interest.created_at,
            kind="interests",
            title=f"{sme_name(interest)} → {interest.patent}",
            url=inbox if coordinator else company_list if company_id is not None else None,
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


@register_source("company", kind="interests", label=_("Interests"), order=30)
def company_interests(*, user, municipality, obj):
    return _interests(user=user, municipality=municipality, patent__company=obj)


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
