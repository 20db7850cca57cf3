"""Screening pages: quick search, runs with live progress, candidate review, proposals, shared results."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from kawasaki.views import ServiceFormMixin, TenantObjectMixin, TenantViewMixin
from patents.selectors import companies_visible_to, patents_visible_to
from smes.selectors import smes_visible_to

from .. import exports, selectors
from ..filters import BAND_CHOICES, ScreeningCandidateFilterSet
from ..forms import DecisionForm, GlossaryEntryForm, ProposalForm, QuickSearchForm, RunForm
from ..indexing import (
    EMPTY_QUERY_MESSAGE,
    index_build_retry,
    index_builds_needing_attention,
    query_has_words,
)
from ..models import Decision, Direction, IndexBuild, RejectReason, ScreeningCandidate
from ..services import glossary, proposals, screening


class ScreeningHomeView(TenantViewMixin, View):
    """Type an SME's needs, get ranked seeds with reasons at once; recent runs below."""

    permission_required = "matching.run_screening"
    template_name = "matching/screening_home.html"

    def get(self, request, *args, **kwargs):
        companies = companies_visible_to(user=request.user, municipality=self.municipality)
        form = QuickSearchForm(
            request.GET or None,
            companies=companies,
            smes=smes_visible_to(user=request.user, municipality=self.municipality),
        )
        results = answer = None
        if form.is_bound and form.is_valid() and not query_has_words(form.cleaned_data["q"]):
            form.add_error("q", EMPTY_QUERY_MESSAGE)
        if form.is_bound and form.is_valid():
            answer = selectors.seed_search_answer(
                municipality=self.municipality, text=form.cleaned_data["q"], filters=form.seed_filters()
            )
            results = answer.results
        # Below the weak band nothing is shown unless asked ("show weaker matches").
        show_weaker = request.GET.get("weaker") == "1"
        hidden = 0
        if results is not None and not show_weaker:
            shown = [(patent, hit) for patent, hit in results if hit.band != "below"]
            hidden, results = len(results) - len(shown), shown
        weaker_query = request.GET.copy()
        weaker_query["weaker"] = "1"
        shortlist_sme = form.cleaned_data.get("sme") if form.is_bound and form.is_valid() else None
        # Seeds already on that SME's shortlist say so instead of offering to save them again.
        on_shortlist = (
            set(selectors.shortlist_of(sme=shortlist_sme).values_list("patent_id", flat=True))
            if shortlist_sme is not None and results
            else set()
        )
        context = {
            "form": form,
            "shortlist_sme": shortlist_sme,
            "on_shortlist": on_shortlist,
            "results": results,
            "index_behind": answer is not None and answer.behind,
            "indexed_at": answer.indexed_at if answer is not None else None,
            "hidden_weaker": hidden,
            "weaker_url": f"?{weaker_query.urlencode()}",
            "runs": selectors.runs_of(municipality=self.municipality)[:20],
            "index_builds": index_builds_needing_attention(municipality=self.municipality),
        }
        template = (
            "matching/_search_results.html" if request.htmx and results is not None else self.template_name
        )
        return render(
            request, template, context, status=400 if form.is_bound and not form.is_valid() else 200
        )


class ScreeningRunCreateView(ServiceFormMixin, TenantViewMixin, View):
    """Start a screening job: from an SME (?sme=), a seed (?patent=) or a company portfolio (?company=)."""

    permission_required = "matching.run_screening"
    template_name = "matching/screeningrun_form.html"
    form_class = RunForm

    def inputs(self) -> tuple:
        """(direction, sme, patent, company) named by the query (GET) or the form (POST)."""
        if not hasattr(self, "_inputs"):
            source = self.request.POST if self.request.method == "POST" else self.request.GET
            user, municipality = self.request.user, self.municipality
            sme = patent = company = None
            if source.get("sme"):
                sme = get_object_or_404(
                    smes_visible_to(user=user, municipality=municipality), pk=source.get("sme")
                )
            if source.get("patent"):
                patent = get_object_or_404(
                    patents_visible_to(user=user, municipality=municipality), pk=source.get("patent")
                )
            if source.get("portfolio"):
                company = get_object_or_404(
                    companies_visible_to(user=user, municipality=municipality), pk=source.get("portfolio")
                )
            direction = (
                Direction.PORTFOLIO
                if company
                else Direction.SEED_TO_SMES
                if patent
                else Direction.SME_TO_SEEDS
            )
            self._inputs = (direction, sme, patent, company)
        return self._inputs

    def get(self, request, *args, **kwargs):
        self.inputs()  # 404 for an id the user may not see, before the form is made
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.inputs()  # 404 before the form is read
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {
            "companies": companies_visible_to(user=self.request.user, municipality=self.municipality),
            "direction": self.inputs()[0],
        }

    def get_initial(self):
        _direction, sme, _patent, _company = self.inputs()
        initial = {"top_k": 20}
        if sme is not None:
            initial["query_text"] = screening.sme_query_text(sme)
        return initial

    def get_context_data(self, **kwargs):
        direction, sme, patent, company = self.inputs()
        return super().get_context_data(
            direction=direction,
            sme=sme,
            patent=patent,
            company=company,
            direction_label=Direction(direction).label,
            **kwargs,
        )

    def perform(self, form):
        direction, sme, patent, company = self.inputs()
        return screening.screening_run_start(
            municipality=self.municipality,
            actor=self.request.user,
            direction=direction,
            query_text=form.cleaned_data.get("query_text", ""),
            sme=sme,
            patent=patent,
            company=company,
            top_k=form.cleaned_data["top_k"],
            filters=form.seed_filters(),
        )

    def get_success_url(self, result):
        return self.tenant_url("screeningrun_detail", pk=result.pk)


class RunObjectMixin(TenantObjectMixin):
    """A page of one screening run of the municipality (coordinators see every run)."""

    def get_queryset(self):
        return selectors.runs_of(municipality=self.municipality)


class ScreeningRunDetailView(RunObjectMixin, View):
    permission_required = "matching.view_screeningrun"
    template_name = "matching/screeningrun_detail.html"

    def get(self, request, *args, **kwargs):
        run = self.get_object()
        # An interrupted or failed run offers "start again" to those who may start runs.
        can_retry = request.user.has_perm("matching.run_screening", self.municipality)
        if request.htmx and not run.is_finished:
            return render(request, "matching/_run_progress.html", {"run": run, "can_retry": can_retry})
        if request.htmx and request.GET.get("poll"):
            # The job finished while the page was polling: reload the whole page to show candidates.
            response = render(request, "matching/_run_progress.html", {"run": run, "can_retry": can_retry})
            response["HX-Refresh"] = "true"
            return response
        # ?decision= narrows the list to one review state (ScreeningCandidateFilterSet, as the API's
        # candidate list); the counts label the filter links.
        filterset = ScreeningCandidateFilterSet(
            request.GET or None, queryset=selectors.candidates_of(run=run), request=request
        )
        shown = shown_band = None
        if filterset.is_bound:
            filterset.is_valid()  # a value that does not validate is ignored, and shown as an error
            shown = filterset.form.cleaned_data.get("decision") or None
            shown_band = filterset.form.cleaned_data.get("band") or None
        hidden = 0
        groups: list[dict] = []
        page_obj = None
        candidates: list[ScreeningCandidate] = []
        if run.is_finished and run.direction == Direction.PORTFOLIO:
            # A whole portfolio x all SMEs: grouped by SME, 50 SMEs a page, the first five of each
            # ("more" fetches the rest), so the page stays small at any size of run.
            page_obj, groups, hidden = selectors.sme_groups_page(
                candidates=filterset.qs,
                page=request.GET.get("page"),
                hide_weaker=request.GET.get("weaker") != "1" and selectors.run_hides_weaker(run=run),
            )
        elif run.is_finished:
            candidates = list(filterset.qs)
            # A typed need's candidates below the weak band stay hidden unless asked (bands are calibrated
            # on typed needs; runs from whole profiles show every candidate with its band).
            if (
                selectors.run_hides_weaker(run=run, candidates=candidates)
                and request.GET.get("weaker") != "1"
            ):
                kept = [c for c in candidates if c.band != "below" or c.decision != Decision.PENDING]
                hidden, candidates = len(candidates) - len(kept), kept
        page_query = request.GET.copy()
        page_query.pop("page", None)
        more_query = page_query.copy()
        weaker_query = request.GET.copy()
        weaker_query["weaker"] = "1"
        counts = selectors.candidate_counts(run=run) if run.is_finished else {}
        shortlisted = selectors.candidates_of(run=run, decision=Decision.SHORTLISTED)
        context = {
            "run": run,
            "can_retry": can_retry,
            "candidates": candidates,
            "groups": groups,
            "page_obj": page_obj,
            "page_query": page_query.urlencode(),
            "more_query": more_query.urlencode(),
            "filter_form": filterset.form,
            "shown_decision": shown,
            "shown_band": shown_band,
            "band_filters": BAND_CHOICES,
            "decision_filters": [(value, label, counts.get(value, 0)) for value, label in Decision.choices],
            "total_candidates": sum(counts.values()),
            "proposal_form": ProposalForm(shortlisted=shortlisted),
            "has_shortlist": counts.get(Decision.SHORTLISTED, 0) > 0,
            "reject_reasons": RejectReason.choices,
            "hidden_weaker": hidden,
            "weaker_url": f"?{weaker_query.urlencode()}",
        }
        return render(request, self.template_name, context)


class RunSmeCandidatesView(RunObjectMixin, View):
    """htmx "more": the rest of one SME's candidates in a portfolio run (after the first five), with
    the page's filters."""

    permission_required = "matching.view_screeningrun"

    def get(self, request, *args, **kwargs):
        run = self.get_object()
        filterset = ScreeningCandidateFilterSet(
            request.GET or None,
            queryset=selectors.candidates_of(run=run).filter(sme_id=self.kwargs["sme"]),
            request=request,
        )
        if filterset.is_bound:
            filterset.is_valid()
        queryset = filterset.qs
        if request.GET.get("weaker") != "1" and selectors.run_hides_weaker(run=run):
            queryset = selectors.hide_weaker_pending(queryset)
        candidates = list(queryset.order_by("rank", "pk")[selectors.TOP_PER_SME :])
        if not candidates and not queryset.exists():
            raise Http404
        context = {"run": run, "candidates": candidates, "reject_reasons": RejectReason.choices}
        return render(request, "matching/_candidate_rows.html", context)


class CandidateWhyView(RunObjectMixin, View):
    """Why one candidate of a run fits, in words: the rows of a portfolio run fetch it when their
    reasons are opened (htmx), so the page does not render 250 sets of reasons nobody opened; without
    JavaScript the same reasons as a page of their own."""

    permission_required = "matching.view_screeningrun"

    def get(self, request, *args, **kwargs):
        run = self.get_object()
        candidate = get_object_or_404(
            run.candidates.select_related("patent", "patent__company", "sme"), pk=self.kwargs["candidate"]
        )
        context = {
            "band": candidate.band,
            "terms": (candidate.explanation or {}).get("matched_terms") or [],
            "fit": (candidate.explanation or {}).get("fit") or {},
            "fit_groups": candidate.fit_groups,
            "score": candidate.score,
            "relevance": candidate.relevance,
            "fit_adjustment": candidate.fit_adjustment,
            "strength": candidate.strength,
            "needs": candidate.needs_met,
        }
        if request.htmx:
            return render(request, "matching/_why.html", context)
        return render(request, "matching/candidate_why.html", {**context, "run": run, "candidate": candidate})


class RunExportView(RunObjectMixin, View):
    """The whole run as CSV or XLSX (every candidate, every SME, whatever the page's filters),
    streamed: rows are read in chunks and written as they come."""

    permission_required = "matching.view_screeningrun"
    fmt = "csv"

    def get(self, request, *args, **kwargs):
        run = self.get_object()
        rows = exports.candidate_rows(
            selectors.candidates_of(run=run).iterator(chunk_size=2000), language=get_language() or "ja"
        )
        name = f"screening-run-{run.pk}"
        if self.fmt == "xlsx":
            return FileResponse(
                exports.xlsx_file(rows, title=_("Candidates")),
                as_attachment=True,
                filename=f"{name}.xlsx",
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        response = StreamingHttpResponse(exports.csv_lines(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response


class CandidateDecideView(TenantObjectMixin, View):
    permission_required = "matching.review_candidate"

    def get_queryset(self):
        run = get_object_or_404(selectors.runs_of(municipality=self.municipality), pk=self.kwargs["run"])
        return selectors.candidates_of(run=run)

    def post(self, request, *args, **kwargs):
        candidate = self.get_object()
        form = DecisionForm(request.POST)
        error = None
        if form.is_valid():
            try:
                screening.candidate_decide(
                    candidate=candidate,
                    actor=request.user,
                    decision=form.cleaned_data["decision"],
                    reason=form.cleaned_data["reject_reason"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                error = " ".join(exc.messages)
        else:
            error = " ".join(e for errors in form.errors.values() for e in errors)
        if request.htmx:
            # Refused: the candidate comes back unchanged with the error beside its buttons (422, so
            # htmx swaps it in). Decided: the candidate and, out of band, the decision counts.
            candidate.refresh_from_db()
            context = {
                "c": candidate,
                "run": candidate.run,
                "decision_error": error,
                "reject_reasons": RejectReason.choices,
            }
            if not error:
                counts = selectors.candidate_counts(run=candidate.run)
                context["decision_filters"] = [
                    (value, label, counts.get(value, 0)) for value, label in Decision.choices
                ]
                context["total_candidates"] = sum(counts.values())
                context["shown_decision"] = request.GET.get("decision") or None
            return render(request, "matching/_candidate_decided.html", context, status=422 if error else 200)
        if error:
            messages.error(request, error)
        return redirect(self.tenant_url("screeningrun_detail", pk=candidate.run_id))


class ScreeningRunShareView(RunObjectMixin, View):
    permission_required = "matching.review_candidate"

    def post(self, request, *args, **kwargs):
        run = self.get_object()
        shared = request.POST.get("shared") == "1"
        screening.screening_run_share(run=run, actor=request.user, shared=shared)
        messages.success(
            request,
            _("The company's IP staff can now see the candidates for their seeds.")
            if shared
            else _("The run is no longer shared with the company."),
        )
        return redirect(self.tenant_url("screeningrun_detail", pk=run.pk))


class ScreeningRunRetryView(RunObjectMixin, View):
    """Start an interrupted or failed run again (those who may start runs)."""

    permission_required = "matching.run_screening"

    def post(self, request, *args, **kwargs):
        run = self.get_object()
        try:
            screening.screening_run_retry(run=run, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The run was queued again."))
        return redirect(self.tenant_url("screeningrun_detail", pk=run.pk))


class IndexBuildRetryView(TenantViewMixin, View):
    """Rebuild an interrupted or failed search index now (those who may start runs)."""

    permission_required = "matching.run_screening"

    def post(self, request, *args, **kwargs):
        build = get_object_or_404(IndexBuild.objects.filter(municipality=self.municipality), pk=kwargs["pk"])
        try:
            index_build_retry(build=build, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The index build was queued again."))
        return redirect(self.tenant_url("screening_home"))


class MeetingProposalCreateView(RunObjectMixin, View):
    permission_required = "matching.propose_meeting"

    def post(self, request, *args, **kwargs):
        run = self.get_object()
        form = ProposalForm(
            request.POST, shortlisted=selectors.candidates_of(run=run, decision=Decision.SHORTLISTED)
        )
        if form.is_valid():
            try:
                proposals.meeting_propose(
                    municipality=self.municipality,
                    actor=request.user,
                    kind=form.cleaned_data["kind"],
                    candidates=list(form.cleaned_data["candidates"]),
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("The meeting was proposed."))
                return redirect(self.tenant_url("meetingproposal_list"))
        else:
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(self.tenant_url("screeningrun_detail", pk=run.pk))


class MeetingProposalListView(TenantViewMixin, ListView):
    permission_required = "matching.propose_meeting"
    template_name = "matching/meetingproposal_list.html"
    context_object_name = "proposals"
    paginate_by = 50

    def get_queryset(self):
        return selectors.proposals_of(municipality=self.municipality)


class GlossaryView(ServiceFormMixin, TenantViewMixin, View):
    """The municipality's screening glossary: its entries and a form to add one. An entry applies from
    the next search on (no index rebuild)."""

    permission_required = "matching.run_screening"
    template_name = "matching/glossary.html"
    form_class = GlossaryEntryForm
    success_message = _("The glossary entry was added; it applies from the next search.")

    def get_context_data(self, **kwargs):
        return {"entries": selectors.glossary_of(municipality=self.municipality), **kwargs}

    def perform(self, form):
        return glossary.glossary_entry_add(
            municipality=self.municipality, actor=self.request.user, **form.cleaned_data
        )

    def get_success_url(self, result):
        return self.tenant_url("screening_glossary")


class GlossaryEntryRemoveView(TenantObjectMixin, View):
    """Remove one glossary entry (POST)."""

    permission_required = "matching.run_screening"

    def get_queryset(self):
        return selectors.glossary_of(municipality=self.municipality)

    def post(self, request, *args, **kwargs):
        entry = self.get_object()
        glossary.glossary_entry_remove(entry=entry, actor=request.user)
        messages.success(request, _("The glossary entry %(term)s was removed.") % {"term": entry.term})
        return redirect(self.tenant_url("screening_glossary"))
