"""Dashboard panels of a large company's IP staff: the SMEs that fit its seeds, the SMEs interested,
its meetings and what it must do next (deals have their own panel in negotiations)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kawasaki.dashboard import register
from kawasaki.models import Role
from kawasaki.selectors import membership_in

from .company_selectors import company_fits
from .models import MeetingStatus, OneOnOneRequest, RequestStatus
from .selectors import meetings_visible_to


def company_panel(request) -> dict:
    municipality = request.municipality
    membership = membership_in(user=request.user, municipality=municipality)
    company = membership.company if membership is not None else None
    fits_url = reverse("shared_candidates", kwargs={"municipality": municipality.slug})
    meetings_url = reverse("meeting_list", kwargs={"municipality": municipality.slug})
    interests_url = reverse("interest_company", kwargs={"municipality": municipality.slug})
    if company is None:
        return {"title": _("SMEs for your seeds"), "figures": []}
    from smes.models import InterestStatus, SeedInterest

    seeds = company_fits(municipality=municipality, company=company)
    interests = SeedInterest.objects.filter(municipality=municipality, patent__company=company)
    upcoming = meetings_visible_to(user=request.user, municipality=municipality).filter(
        status=MeetingStatus.PLANNED, starts_at__gte=timezone.now()
    )
    requests = OneOnOneRequest.objects.filter(municipality=municipality, company=company)
    return {
        "title": _("SMEs for your seeds"),
        "figures": [
            (_("Seeds with fitting SMEs"), len(seeds), fits_url),
            (_("Fitting SMEs"), len({c.sme_id for s in seeds for c in s.fits}), fits_url),
            (
                _("SMEs interested in your seeds"),
                interests.values("sme_id").distinct().count(),
                interests_url,
            ),
            (
                _("New interests the coordinator will bring to you"),
                interests.filter(status=InterestStatus.NEW).count(),
                interests_url + "?status=" + InterestStatus.NEW,
            ),
            (
                _("One-on-one requests to schedule"),
                requests.filter(status=RequestStatus.OPEN).count(),
                meetings_url,
            ),
            (_("Upcoming meetings"), upcoming.count(), meetings_url),
        ],
    }


def register_panels() -> None:
    register(Role.COMPANY_STAFF)(company_panel)
