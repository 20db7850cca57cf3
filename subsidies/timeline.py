"""The subsidies app's source of the one timeline (`kawasaki.timeline`): an SME's applications."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kawasaki.timeline import SOURCE_LIMIT, TimelineItem, register_source

from .selectors import applications_visible_to


@register_source("sme", kind="subsidies", label=_("Subsidy applications"), order=80)
def sme_applications(*, user, municipality, obj):
    applications = (
        applications_visible_to(user=user, municipality=municipality)
        .filter(sme=obj)
        .order_by("-created_at", "-pk")[:SOURCE_LIMIT]
    )
    return [
        TimelineItem(
            when=application.submitted_on or application.created_at,
            kind="subsidies",
            title=f"{application.programme} · {application.title}",
            url=reverse(
                "subsidy_application_detail", kwargs={"municipality": municipality.slug, "pk": application.pk}
            ),
            note=application.get_status_display(),
        )
        for application in applications
    ]
