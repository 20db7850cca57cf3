"""The panel of an SME's shared profile (kawasaki.detail_panels, subject "shared_sme") that shows a
large company's staff their own company's deals with that SME, each with its stage and a link. Other
readers (coordinators have the SME's full page) get no panel; a company never sees another's deals."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kawasaki.detail_panels import DetailPanel, register_panel
from kawasaki.models import Role

from .selectors import negotiations_visible_to

SHOWN = 10


@register_panel("shared_sme", key="deals", order=10)
def shared_sme_deals_panel(*, request, obj) -> DetailPanel | None:
    membership = getattr(request, "membership", None)
    if membership is None or membership.role != Role.COMPANY_STAFF or membership.company_id is None:
        return None
    deals = list(
        negotiations_visible_to(user=request.user, municipality=request.municipality)
        .filter(sme=obj, company_id=membership.company_id)
        .order_by("-state_changed_at", "-pk")[: SHOWN + 1]
    )
    return DetailPanel(
        title=_("Your deals with this SME"),
        template="negotiations/_shared_sme_deals_panel.html",
        context={"deals": deals[:SHOWN], "more": len(deals) > SHOWN},
    )
