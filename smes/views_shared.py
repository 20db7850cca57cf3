"""The profile of an SME as large companies' IP staff see it: only what the SME agreed to share with
large companies (its business profile) and the contact persons who each agreed to be shared, nothing of plans, visits,
notes or deals. An SME that did not
consent, or of another municipality, is a 404."""

from __future__ import annotations

from django.shortcuts import render
from django.views import View

from kawasaki.detail_panels import panels_for
from kawasaki.views import TenantObjectMixin

from .models import SME
from .selectors import contact_persons_visible_to

# The fields an SME shares by consenting (consent_to_share): its public business profile.
SHARED_FIELDS = (
    "name_ja",
    "name_en",
    "industry",
    "industry_detail",
    "employees",
    "founded_year",
    "capabilities",
    "equipment",
    "products",
    "certifications",
    "needs",
)


class SMESharedView(TenantObjectMixin, View):
    """Company IP staff (and coordinators, to see what companies see): a consenting SME's shared profile."""

    permission_required = "smes.view_shared_sme"
    template_name = "smes/sme_shared.html"

    def get_queryset(self):
        return SME.objects.filter(municipality=self.municipality, consent_to_share=True).only(
            "pk", "municipality", "consent_to_share", *SHARED_FIELDS
        )

    def get(self, request, *args, **kwargs):
        sme = self.get_object()
        # The people this SME agreed to share, one by one (coordinators see here what companies see).
        contacts = contact_persons_visible_to(
            user=request.user, municipality=self.municipality, sme=sme
        ).filter(consent_to_share=True)
        return render(
            request,
            self.template_name,
            {
                "sme": sme,
                "contacts": contacts,
                "detail_panels": panels_for("shared_sme", request=request, obj=sme),
            },
        )
