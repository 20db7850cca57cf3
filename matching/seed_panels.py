"""The seed page's panel of fitting SMEs (kawasaki.detail_panels), for coordinators and the seed's
own company. The company sees only SMEs that agreed to share their profile with large companies, and
how many others fit (the coordinator can introduce them)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kawasaki.detail_panels import DetailPanel, register_panel
from kawasaki.models import Role

from .company_selectors import seed_fits

SHOWN = 10  # fitting SMEs listed on the seed page; the company's fits page lists them all


@register_panel("seed", key="fits", order=10)
def seed_fits_panel(*, request, obj) -> DetailPanel | None:
    membership = getattr(request, "membership", None)
    if membership is None:
        return None
    if membership.role in (Role.COORDINATOR, Role.MUNICIPALITY_ADMIN):
        fits, hidden = seed_fits(municipality=request.municipality, patent=obj), 0
    elif membership.role == Role.COMPANY_STAFF and membership.company_id == obj.company_id:
        shared = seed_fits(municipality=request.municipality, patent=obj, company=obj.company)
        fits = [c for c in shared if c.sme.consent_to_share]
        hidden = len(shared) - len(fits)
    else:
        return None
    return DetailPanel(
        title=_("SMEs that fit this seed"),
        template="matching/_seed_fits_panel.html",
        context={
            "fits": fits[:SHOWN],
            "more": max(0, len(fits) - SHOWN),
            "hidden": hidden,
            "is_company": membership.role == Role.COMPANY_STAFF,
        },
    )
