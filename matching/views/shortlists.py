"""Shortlists: save hits and candidates for an SME, bulk decisions on a run, the SME's shortlist page and
its handouts (PDF for the SME or for a company, XLSX)."""

from __future__ import annotations

from io import BytesIO

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from django.views import View

from kawasaki.exports import neutralise
from kawasaki.pdf import render_pdf
from kawasaki.views import TenantObjectMixin, TenantViewMixin
from patents.selectors import companies_visible_to, patents_visible_to
from smes.selectors import smes_visible_to

from .. import selectors
from ..forms import BulkDecisionForm, ShortlistAddForm
from ..models import RejectReason
from ..services import shortlists
from .screening import RunObjectMixin


def _errors(form_or_error) -> str:
    if isinstance(form_or_error, ValidationError):
        return " ".join(form_or_error.messages)
    return " ".join(e for errors in form_or_error.errors.values() for e in errors)


class CandidatesBulkDecideView(RunObjectMixin, View):
    """Shortlist or reject the ticked candidates with one reason. A refusal answers the form with its
    error beside the buttons (422 to htmx) and changes nothing."""

    permission_required = "matching.review_candidate"

    def post(self, request, *args, **kwargs):
        run = self.get_object()
        form = BulkDecisionForm(request.POST, candidates=selectors.candidates_of(run=run))
        error = None
        if form.is_valid():
            try:
                n = shortlists.candidates_decide_bulk(
                    municipality=self.municipality,
                    actor=request.user,
                    candidates=list(form.cleaned_data["candidates"]),
                    decision=form.cleaned_data["decision"],
                    reason=form.cleaned_data["reject_reason"],
                )
            except ValidationError as exc:
                error = _errors(exc)
        else:
            error = _errors(form)
        if error:
            if request.htmx:
                context = {"run": run, "bulk_error": error, "reject_reasons": RejectReason.choices}
                return render(request, "matching/_bulk_decide.html", context, status=422)
            messages.error(request, error)
        else:
            messages.success(request, _("%(n)s candidates were decided.") % {"n": n})
            if request.htmx:
                response = HttpResponse(status=204)
                response["HX-Refresh"] = "true"
                return response
        return redirect(self.tenant_url("screeningrun_detail", pk=run.pk))


class ShortlistAddView(TenantViewMixin, View):
    """Save a quick-search hit to the SME's shortlist (POST sme, patent, q): the entry keeps why the seed
    fits the words searched for, as the search showed it."""

    permission_required = "matching.review_candidate"

    def post(self, request, *args, **kwargs):
        user, municipality = request.user, self.municipality
        form = ShortlistAddForm(
            request.POST,
            smes=smes_visible_to(user=user, municipality=municipality),
            patents=patents_visible_to(user=user, municipality=municipality),
        )
        if not form.is_valid():
            if request.htmx:
                return HttpResponse(_errors(form), status=422)
            messages.error(request, _errors(form))
            return redirect(self.tenant_url("screening_home"))
        patent, words = form.cleaned_data["patent"], form.cleaned_data["q"].strip()
        reasons = (
            selectors.seed_reasons(municipality=municipality, text=words, patent=patent) if words else {}
        )
        entry = shortlists.shortlist_add(
            municipality=municipality,
            actor=user,
            sme=form.cleaned_data["sme"],
            patent=patent,
            reasons=reasons,
        )
        if request.htmx:
            return render(request, "matching/_shortlist_saved.html", {"entry": entry})
        messages.success(request, _("The seed was saved to the shortlist of %(sme)s.") % {"sme": entry.sme})
        return redirect(self.tenant_url("shortlist_detail", sme=entry.sme_id))


class SMEShortlistMixin(TenantViewMixin):
    permission_required = "matching.review_candidate"

    def get_sme(self):
        if not hasattr(self, "_sme"):
            self._sme = get_object_or_404(
                smes_visible_to(user=self.request.user, municipality=self.municipality), pk=self.kwargs["sme"]
            )
        return self._sme


class ShortlistView(SMEShortlistMixin, View):
    """One SME's shortlist: the seeds saved for it, with the handouts."""

    def get(self, request, *args, **kwargs):
        sme = self.get_sme()
        entries = list(selectors.shortlist_of(sme=sme))
        companies = sorted({e.patent.company for e in entries}, key=str)
        return render(
            request,
            "matching/shortlist_detail.html",
            {"sme": sme, "entries": entries, "companies": companies},
        )


class ShortlistEntryRemoveView(TenantObjectMixin, View):
    permission_required = "matching.review_candidate"

    def get_queryset(self):
        from ..models import ShortlistEntry

        return ShortlistEntry.objects.filter(municipality=self.municipality)

    def post(self, request, *args, **kwargs):
        entry = self.get_object()
        sme_id = entry.sme_id
        shortlists.shortlist_remove(entry=entry, actor=request.user)
        messages.success(request, _("The seed was taken off the shortlist."))
        return redirect(self.tenant_url("shortlist_detail", sme=sme_id))


class ShortlistHandoutView(SMEShortlistMixin, View):
    """The shortlist as a PDF handout: for the SME (?for=sme: seeds, plain summaries, fit, next step) or
    for one company (?for=company&company=<id>: the SMEs with that company's seeds, their profiles only
    where they consent), or as an XLSX (format=xlsx)."""

    def get(self, request, *args, **kwargs):
        sme = self.get_sme()
        entries = list(selectors.shortlist_of(sme=sme))
        fmt = self.kwargs["fmt"]
        if fmt == "xlsx":
            return self.xlsx(sme, entries)
        audience = request.GET.get("for", "sme")
        context = {"sme": sme, "entries": entries, "today": timezone.localdate(), "audience": audience}
        if audience == "company":
            company = get_object_or_404(
                companies_visible_to(user=request.user, municipality=self.municipality),
                pk=request.GET.get("company") or 0,
            )
            context["company"] = company
            context["entries"] = [e for e in entries if e.patent.company_id == company.pk]
            context["rows"] = selectors.shortlisted_smes_for_company(
                municipality=self.municipality, company=company
            )
        pdf = render_pdf(
            template_name="matching/shortlist_handout.html",
            context=context,
            language=get_language(),
            stylesheets=["matching/handout.css"],
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="shortlist-{sme.pk}-{audience}.pdf"'
        return response

    def xlsx(self, sme, entries):
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = pgettext("shortlist page", "Shortlist")[:31]
        sheet.append(
            [_("Seed"), _("Number"), _("Company"), _("Plain summary"), _("Why it fits"), _("Next step")]
        )
        for e in entries:
            sheet.append(
                [
                    neutralise(e.patent.title),
                    neutralise(e.patent.number),
                    neutralise(e.patent.company),
                    neutralise(e.patent.plain_summary),
                    neutralise(e.fit_summary),
                    neutralise(e.next_step),
                ]
            )
        out = BytesIO()
        book.save(out)
        response = HttpResponse(
            out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="shortlist-{sme.pk}.xlsx"'
        return response


__all__ = [
    "CandidatesBulkDecideView",
    "ShortlistAddView",
    "ShortlistEntryRemoveView",
    "ShortlistHandoutView",
    "ShortlistView",
]
