"""The seed page's panel of SMEs interested in it (kawasaki.detail_panels). Coordinators see each
SME, its message and where the interest stands; the seed's own company sees when an SME became
interested and, for an SME that shares its profile with large companies, which one (the message stays
with the coordinators, who arrange the next step)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kawasaki.detail_panels import DetailPanel, register_panel
from kawasaki.models import Role

from .selectors import interests_in_seed

SHOWN = 20


@register_panel("seed", key="interests", order=20)
def seed_interests_panel(*, request, obj) -> DetailPanel | None:
    membership = getattr(request, "membership", None)
    if membership is None:
        return None
    is_company = membership.role == Role.COMPANY_STAFF and membership.company_id == obj.company_id
    if membership.role not in (Role.COORDINATOR, Role.MUNICIPALITY_ADMIN) and not is_company:
        return None
    interests = list(interests_in_seed(municipality=request.municipality, patent=obj)[: SHOWN + 1])
    return DetailPanel(
        title=_("SMEs interested in this seed"),
        template="smes/_seed_interests_panel.html",
        context={"interests": interests[:SHOWN], "more": len(interests) > SHOWN, "is_company": is_company},
    )
