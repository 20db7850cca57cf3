"""A large company's own screening pages: per seed the SMEs that fit, and starting a screening of its
portfolio against the SMEs that agreed to share their profile."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from kawasaki.selectors import membership_in
from kawasaki.views import TenantViewMixin

from ..company_selectors import BAND_FILTERS, company_fits, company_latest_run
from ..services.company import company_screening_start


class CompanyMixin(TenantViewMixin):
    """The company the signed-in IP staff member acts for (a company-staff membership without one: 404)."""

    def get_company(self, *, required: bool = True):
        membership = membership_in(user=self.request.user, municipality=self.municipality)
        company = membership.company if membership is not None else None
        if company is None and required:
            raise Http404
        return company


class CompanyFitsView(CompanyMixin, View):
    """Company IP staff: per seed, the SMEs that fit (bands in words), with filters and links."""

    permission_required = "matching.view_shared_candidates"
    template_name = "matching/company_fits.html"

    def get(self, request, *args, **kwargs):
        company = self.get_company(required=False)  # a staff member not yet linked sees an empty page
        q = request.GET.get("q", "")[:200]
        band = request.GET.get("band", "")
        band = band if band in BAND_FILTERS else ""
        seeds = (
            company_fits(municipality=self.municipality, company=company, q=q, band=band) if company else []
        )
        page = Paginator(seeds, 25).get_page(request.GET.get("page"))
        context = {
            "company": company,
            "page_obj": page,
            "seeds": page.object_list,
            "seed_count": len(seeds),
            "fit_count": sum(len(s.fits) for s in seeds),
            "q": q,
            "band": band,
            "band_choices": [
                ("strong", _("Strong fits only")),
                ("possible", _("Strong and possible fits")),
                ("weak", _("All fits, weak included")),
            ],
            "is_paginated": page.has_other_pages(),
            "latest_run": company_latest_run(municipality=self.municipality, company=company)
            if company
            else None,
            "can_screen": company is not None
            and request.user.has_perm("matching.start_company_screening", self.municipality),
        }
        return render(request, self.template_name, context)


class CompanyScreeningStartView(CompanyMixin, View):
    """Start a screening of the company's own seeds against the consenting SMEs (POST)."""

    permission_required = "matching.start_company_screening"

    def post(self, request, *args, **kwargs):
        company = self.get_company()
        company_screening_start(
            municipality=self.municipality, company=company, actor=request.user, reason="manual"
        )
        messages.success(
            request,
            _(
                "Screening of your seeds has started. The SMEs that fit appear here in a minute; "
                "reload the page to see them."
            ),
        )
        return redirect(self.tenant_url("shared_candidates"))
