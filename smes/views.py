"""Pages of the smes app: SME profiles, visits and follow-ups, business plans, partners and referrals.

Views parse input, fetch objects through the selectors (so another tenant's or another SME's id is a
404) and call the services.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from kawasaki.rules import is_coordinator
from kawasaki.timeline import kinds_from, timeline_for
from kawasaki.views import FilterSetMixin, ServiceFormMixin, TenantObjectMixin, TenantViewMixin

from . import pdf as plan_pdf
from . import selectors, services
from .filters import BusinessPlanFilterSet, PartnerFilterSet, SMEFilterSet
from .forms import (
    BusinessPlanForm,
    ContactPersonForm,
    InterestAnswerForm,
    PartnerForm,
    PlanCommentForm,
    PlanStatusForm,
    ReferralForm,
    ReferralOutcomeForm,
    SeedInterestForm,
    SMEForm,
    VisitForm,
)
from .models import Industry, InterestStatus, PartnerKind, PlanPdfState, PlanSection, PlanStatus
from .rules import own_sme_id
from .seed_search import SeedSearchResult

# --- SMEs -----------------------------------------------------------------------------------------


class SMEListView(FilterSetMixin, TenantViewMixin, ListView):
    permission_required = "smes.view_sme_list"
    template_name = "smes/sme_list.html"
    context_object_name = "smes"
    paginate_by = 50
    filterset_class = SMEFilterSet

    def get_base_queryset(self):
        return selectors.sme_list(user=self.request.user, municipality=self.municipality)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            industries=Industry.choices,
            q=self.request.GET.get("q", ""),
            industry=self.request.GET.get("industry", ""),
            consent=self.request.GET.get("consent_to_share", ""),
            **kwargs,
        )


class SMEMineView(TenantViewMixin, View):
    """An SME member's shortcut to their own company."""

    permission_required = "smes.open_own_sme"

    def get(self, request, *args, **kwargs):
        sme_id = own_sme_id(request.user, self.municipality)
        if sme_id is None:
            return render(request, "smes/sme_unlinked.html")
        return redirect(self.tenant_url("sme_detail", pk=sme_id))


class SMEObjectMixin(TenantObjectMixin):
    selector = staticmethod(selectors.smes_visible_to)


class SMEDetailView(SMEObjectMixin, View):
    permission_required = "smes.view_sme"
    template_name = "smes/sme_detail.html"

    def get(self, request, *args, **kwargs):
        sme = self.get_object()
        internal = request.user.has_perm("smes.view_internal", self.municipality)
        context = {
            "sme": sme,
            "internal": internal,
            "timeline": selectors.sme_timeline(sme=sme) if internal else [],
            "plans": selectors.plans_visible_to(user=request.user, municipality=self.municipality).filter(
                sme=sme
            ),
            "can_edit": request.user.has_perm("smes.change_sme", sme),
            "contacts": selectors.contact_persons_visible_to(
                user=request.user, municipality=self.municipality, sme=sme
            ),
            "can_manage_contacts": request.user.has_perm("smes.manage_contacts", sme),
            "history": timeline_for(
                subject="sme",
                user=request.user,
                municipality=self.municipality,
                obj=sme,
                kinds=kinds_from(request),
            ),
        }
        return render(request, self.template_name, context)


class SMECreateView(ServiceFormMixin, TenantViewMixin, View):
    permission_required = "smes.add_sme"
    template_name = "smes/sme_form.html"
    form_class = SMEForm
    success_message = gettext_lazy("The SME was registered.")

    def get_context_data(self, **kwargs):
        form = kwargs.get("form")
        duplicate = None
        if form is not None and form.is_bound and {"allow_duplicate", "corporate_number"} & set(form.errors):
            # The warning links to the SME already registered (among those the user may see).
            same = services.sme_duplicate_of(municipality=self.municipality, data=form.data.dict())
            if same is not None:
                duplicate = (
                    selectors.smes_visible_to(user=self.request.user, municipality=self.municipality)
                    .filter(pk=same.pk)
                    .first()
                )
        return super().get_context_data(sme=None, duplicate_of=duplicate, **kwargs)

    def perform(self, form):
        data = dict(form.cleaned_data)
        allow_duplicate = data.pop("allow_duplicate", False)
        return services.sme_create(
            municipality=self.municipality,
            actor=self.request.user,
            data=data,
            allow_duplicate=allow_duplicate,
        )

    def get_success_url(self, result):
        return self.tenant_url("sme_detail", pk=result.pk)


class SMEEditView(ServiceFormMixin, SMEObjectMixin, View):
    permission_required = "smes.change_sme"
    template_name = "smes/sme_form.html"
    form_class = SMEForm
    success_message = gettext_lazy("The profile was saved.")

    def get_form_kwargs(self):
        # A bound form validates a copy, so the service still sees the old values it logs as "old".
        sme = self.get_object_copy() if self.request.method == "POST" else self.get_object()
        coordinator = self.request.user.has_perm("smes.view_internal", self.municipality)
        return {"instance": sme, "coordinator": coordinator}

    def get_context_data(self, **kwargs):
        return super().get_context_data(sme=self.get_object(), **kwargs)

    def perform(self, form):
        data = {k: form.cleaned_data[k] for k in form.fields}
        return services.sme_update(sme=self.get_object(), actor=self.request.user, data=data)

    def get_success_url(self, result):
        return self.tenant_url("sme_detail", pk=self.get_object().pk)


# --- Visits and follow-ups ------------------------------------------------------------------------


class VisitCreateView(ServiceFormMixin, SMEObjectMixin, View):
    permission_required = "smes.add_visit"
    template_name = "smes/visit_form.html"
    form_class = VisitForm
    success_message = gettext_lazy("The visit was recorded.")

    def get_initial(self):
        return {"visited_on": timezone.localdate()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(sme=self.get_object(), **kwargs)

    def post(self, request, *args, **kwargs):
        self.get_object()  # 404 before the form is read
        return super().post(request, *args, **kwargs)

    def perform(self, form):
        data = form.cleaned_data
        return services.visit_record(
            sme=self.get_object(),
            actor=self.request.user,
            visited_on=data["visited_on"],
            people_met=data["people_met"],
            notes=data["notes"],
            needs_learnt=data["needs_learnt"],
            next_actions=form.next_actions(),
        )

    def get_success_url(self, result):
        return self.tenant_url("sme_detail", pk=self.get_object().pk)


class FollowupListView(TenantViewMixin, View):
    permission_required = "smes.view_followups"
    template_name = "smes/followup_list.html"

    def get(self, request, *args, **kwargs):
        actions = selectors.followups_due(user=request.user, municipality=self.municipality)
        return render(request, self.template_name, {"actions": actions, "today": timezone.localdate()})


class FollowupDoneView(TenantObjectMixin, View):
    permission_required = "smes.view_followups"
    selector = staticmethod(selectors.followups_due)

    def post(self, request, *args, **kwargs):
        action = self.get_object()
        services.next_action_complete(action=action, actor=request.user)
        messages.success(request, _("The follow-up was marked as done."))
        return redirect(self.tenant_url("followup_list"))


# --- Business plans -------------------------------------------------------------------------------


class PlanListView(FilterSetMixin, TenantViewMixin, ListView):
    permission_required = "smes.view_plan_list"
    template_name = "smes/plan_list.html"
    context_object_name = "plans"
    paginate_by = 50
    filterset_class = BusinessPlanFilterSet

    def get_base_queryset(self):
        return selectors.plans_visible_to(user=self.request.user, municipality=self.municipality)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            statuses=PlanStatus.choices,
            status=self.request.GET.get("status", ""),
            # An SME's own members see only their plans: no column repeating their own name.
            show_sme=own_sme_id(self.request.user, self.municipality) is None,
            **kwargs,
        )


def plan_seed_choices(request, municipality):
    """The seeds a plan may be about: the published seeds the user may browse."""
    return selectors.seeds_for_browsing(user=request.user, municipality=municipality)


class PlanObjectMixin(TenantObjectMixin):
    """A plan, or one of its versions when the URL names a `number`."""

    selector = staticmethod(selectors.plans_visible_to)

    def get_version(self, plan):
        return get_object_or_404(selectors.versions_of(plan=plan), number=self.kwargs["number"])

    def http_method_not_allowed(self, request, *args, **kwargs):
        if "number" in self.kwargs:
            self.get_version(self.get_object())
        return super().http_method_not_allowed(request, *args, **kwargs)


class PlanCreateView(ServiceFormMixin, SMEObjectMixin, View):
    permission_required = "smes.add_plan"
    template_name = "smes/plan_form.html"
    form_class = BusinessPlanForm
    success_message = gettext_lazy("The plan was saved as a draft.")

    def get_context_data(self, **kwargs):
        return super().get_context_data(sme=self.get_object(), **kwargs)

    def get_form_kwargs(self):
        return {"seeds": plan_seed_choices(self.request, self.municipality)}

    def get_initial(self):
        seed = self.request.GET.get("seed", "")
        return {"seed": int(seed)} if seed.isdigit() else {}

    def post(self, request, *args, **kwargs):
        self.get_object()  # 404 before the form is read
        return super().post(request, *args, **kwargs)

    def perform(self, form):
        return services.business_plan_create(
            sme=self.get_object(),
            actor=self.request.user,
            title=form.cleaned_data["title"],
            sections=form.sections(),
            seed=form.cleaned_data["seed"],
        )

    def get_success_url(self, result):
        return self.tenant_url("plan_detail", pk=result.pk)


class PlanDetailView(PlanObjectMixin, View):
    permission_required = "smes.view_plan"
    template_name = "smes/plan_detail.html"

    def get(self, request, *args, **kwargs):
        plan = self.get_object()
        versions = list(selectors.versions_of(plan=plan))
        allowed = services.plan_transitions_for(plan=plan, user=request.user)
        comments = selectors.comments_by_section(user=request.user, version=versions[-1]) if versions else {}
        counts = selectors.comment_counts_of(user=request.user, plan=plan) if versions else {}
        context = {
            "plan": plan,
            # Each version with the number of its comments, so an earlier version's are found too.
            "versions": [(version, counts.get(version.pk, 0)) for version in versions],
            "latest": versions[-1] if versions else None,
            "status_form": PlanStatusForm(allowed=allowed) if allowed else None,
            "can_edit": plan.status in services.EDITABLE_STATUSES
            and request.user.has_perm("smes.change_plan", plan),
            "can_start_new_version": plan.status not in services.EDITABLE_STATUSES
            and request.user.has_perm("smes.change_plan", plan),
            # The coordinators' comments on the latest version, on the plan itself.
            "comments": comments,
            "sections": [
                (key, label, getattr(plan, key), comments.get(key, [])) for key, label in PlanSection.choices
            ],
        }
        return render(request, self.template_name, context)


class PlanEditView(ServiceFormMixin, PlanObjectMixin, View):
    permission_required = "smes.change_plan"
    template_name = "smes/plan_form.html"
    form_class = BusinessPlanForm
    success_message = gettext_lazy("The plan was saved.")

    def get_form_kwargs(self):
        # The unbound form shows the plan; the bound one is read from the post alone.
        seeds = plan_seed_choices(self.request, self.municipality)
        if self.request.method == "POST":
            return {"seeds": seeds}
        return {"instance": self.get_object(), "seeds": seeds}

    def get_context_data(self, **kwargs):
        return super().get_context_data(plan=self.get_object(), **kwargs)

    def get(self, request, *args, **kwargs):
        plan = self.get_object()
        if plan.status not in services.EDITABLE_STATUSES:
            # A submitted or accepted plan is read-only: no form that accepts typing and then refuses.
            messages.info(
                request,
                _(
                    "This plan was submitted and is read-only now. "
                    "Use 「Start a new version」 to go on writing from it."
                ),
            )
            return redirect(self.tenant_url("plan_detail", pk=plan.pk))
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.get_object()  # 404 before the form is read
        return super().post(request, *args, **kwargs)

    def perform(self, form):
        return services.business_plan_update(
            plan=self.get_object(),
            actor=self.request.user,
            title=form.cleaned_data["title"],
            sections=form.sections(),
            seed=form.cleaned_data["seed"],
        )

    def get_success_url(self, result):
        return self.tenant_url("plan_detail", pk=self.get_object().pk)


class PlanNewVersionView(PlanObjectMixin, View):
    """POST: a new draft from a read-only plan."""

    permission_required = "smes.change_plan"

    def post(self, request, *args, **kwargs):
        plan = self.get_object()
        try:
            new = services.business_plan_new_version(plan=plan, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(self.tenant_url("plan_detail", pk=plan.pk))
        messages.success(request, _("A new draft was started from the submitted plan."))
        return redirect(self.tenant_url("plan_edit", pk=new.pk))


class PlanStatusView(PlanObjectMixin, View):
    permission_required = "smes.submit_plan"

    def post(self, request, *args, **kwargs):
        plan = self.get_object()
        form = PlanStatusForm(
            request.POST, allowed=services.plan_transitions_for(plan=plan, user=request.user)
        )
        if not form.is_valid():
            messages.error(request, _("This status change is not possible now."))
            return redirect(self.tenant_url("plan_detail", pk=plan.pk))
        try:
            plan = services.business_plan_set_status(
                plan=plan, new_status=form.cleaned_data["status"], actor=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("The plan is now “%(status)s”.") % {"status": plan.get_status_display()}
            )
        return redirect(self.tenant_url("plan_detail", pk=plan.pk))


class PlanVersionDetailView(PlanObjectMixin, View):
    permission_required = "smes.view_plan"
    template_name = "smes/planversion_detail.html"

    def render_page(self, plan, version, form, status=200):
        comments = selectors.comments_by_section(user=self.request.user, version=version)
        context = {
            "plan": plan,
            "version": version,
            "pdf": plan_pdf.plan_pdf_request(version=version, language=get_language()),
            "sections": [(key, label, text, comments[key]) for key, label, text in version.section_items()],
            "comment_form": form,
            "versions": selectors.versions_of(plan=plan),
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, *args, **kwargs):
        plan = self.get_object()
        version = self.get_version(plan)
        form = PlanCommentForm() if request.user.has_perm("smes.comment_plan", plan) else None
        return self.render_page(plan, version, form)


class PlanCommentCreateView(ServiceFormMixin, PlanVersionDetailView):
    """POST only: the form lives on the version page, which this re-renders with the errors."""

    permission_required = "smes.comment_plan"
    http_method_names = ["post"]
    form_class = PlanCommentForm
    success_message = gettext_lazy("The comment was added.")

    def version(self):
        if not hasattr(self, "_version"):
            self._version = self.get_version(self.get_object())
        return self._version

    def post(self, request, *args, **kwargs):
        self.version()  # 404 before the form is read
        return super().post(request, *args, **kwargs)

    def render_form(self, form, status=200):
        return self.render_page(self.get_object(), self.version(), form, status=status)

    def perform(self, form):
        return services.plan_comment_add(version=self.version(), actor=self.request.user, **form.cleaned_data)

    def get_success_url(self, result):
        return self.tenant_url("planversion_detail", pk=self.get_object().pk, number=self.version().number)


class PlanDiffView(PlanObjectMixin, View):
    permission_required = "smes.view_plan"
    template_name = "smes/plan_diff.html"

    def get(self, request, *args, **kwargs):
        plan = self.get_object()
        versions = list(selectors.versions_of(plan=plan))
        by_number = {v.number: v for v in versions}
        if len(versions) < 2:
            return render(request, self.template_name, {"plan": plan, "versions": versions, "diff": None})
        try:
            old = by_number[int(request.GET.get("a", versions[-2].number))]
            new = by_number[int(request.GET.get("b", versions[-1].number))]
        except (KeyError, ValueError) as error:
            raise Http404 from error
        context = {
            "plan": plan,
            "versions": versions,
            "old": old,
            "new": new,
            "diff": selectors.version_diff(old=old, new=new),
        }
        return render(request, self.template_name, context)


class PlanVersionPdfView(PlanObjectMixin, View):
    """The version's PDF when it is ready; otherwise a page that waits for the worker to make it."""

    permission_required = "smes.view_plan"
    template_name = "smes/planversion_pdf.html"

    def get(self, request, *args, **kwargs):
        plan = self.get_object()
        version = self.get_version(plan)
        # Only the "try again" link (?retry=1) queues a failed or interrupted render again.
        retry = request.GET.get("retry") == "1"
        pdf = plan_pdf.plan_pdf_request(version=version, language=get_language(), retry=retry)
        if pdf.state != PlanPdfState.READY:
            return render(request, self.template_name, {"plan": plan, "version": version, "pdf": pdf})
        response = FileResponse(
            pdf.file.open("rb"),
            content_type="application/pdf",
            filename=f"business-plan-{plan.pk}-v{version.number}-{pdf.language}.pdf",
        )
        response["Content-Language"] = pdf.language
        return response


class PlanVersionPdfStatusView(PlanObjectMixin, View):
    """The htmx fragment the waiting page polls: "preparing", then the download link."""

    permission_required = "smes.view_plan"
    template_name = "smes/includes/plan_pdf_status.html"

    def get(self, request, *args, **kwargs):
        plan = self.get_object()
        version = self.get_version(plan)
        # Polling never restarts a failed or interrupted render by itself; the "try again" link does.
        pdf = plan_pdf.plan_pdf_request(version=version, language=get_language())
        return render(request, self.template_name, {"plan": plan, "version": version, "pdf": pdf})


# --- Partners and referrals -----------------------------------------------------------------------


class PartnerListView(FilterSetMixin, TenantViewMixin, ListView):
    permission_required = "smes.view_partner"
    template_name = "smes/partner_list.html"
    context_object_name = "partners"
    paginate_by = 50
    filterset_class = PartnerFilterSet

    def get_base_queryset(self):
        return selectors.partners_of(municipality=self.municipality)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            kinds=PartnerKind.choices,
            kind=self.request.GET.get("kind", ""),
            q=self.request.GET.get("q", ""),
            **kwargs,
        )


class PartnerObjectMixin(TenantObjectMixin):
    def get_queryset(self):
        return selectors.partners_of(municipality=self.municipality)


class PartnerDetailView(PartnerObjectMixin, View):
    permission_required = "smes.view_partner"
    template_name = "smes/partner_detail.html"

    def get(self, request, *args, **kwargs):
        partner = self.get_object()
        referrals = selectors.referrals_of(municipality=self.municipality).filter(partner=partner)
        return render(request, self.template_name, {"partner": partner, "referrals": referrals})


class PartnerCreateView(ServiceFormMixin, TenantViewMixin, View):
    permission_required = "smes.manage_partner"
    template_name = "smes/partner_form.html"
    form_class = PartnerForm
    success_message = gettext_lazy("The partner was added to the directory.")

    def get_context_data(self, **kwargs):
        return super().get_context_data(partner=None, **kwargs)

    def perform(self, form):
        return services.partner_create(
            municipality=self.municipality, actor=self.request.user, data=form.cleaned_data
        )

    def get_success_url(self, result):
        return self.tenant_url("partner_detail", pk=result.pk)


class PartnerEditView(ServiceFormMixin, PartnerObjectMixin, View):
    permission_required = "smes.manage_partner"
    template_name = "smes/partner_form.html"
    form_class = PartnerForm
    success_message = gettext_lazy("The partner was saved.")

    def get_form_kwargs(self):
        return {} if self.request.method == "POST" else {"instance": self.get_object()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(partner=self.get_object(), **kwargs)

    def post(self, request, *args, **kwargs):
        self.get_object()  # 404 before the form is read
        return super().post(request, *args, **kwargs)

    def perform(self, form):
        return services.partner_update(
            partner=self.get_object(), actor=self.request.user, data=form.cleaned_data
        )

    def get_success_url(self, result):
        return self.tenant_url("partner_detail", pk=self.get_object().pk)


class ReferralCreateView(ServiceFormMixin, SMEObjectMixin, View):
    permission_required = "smes.manage_referral"
    template_name = "smes/referral_form.html"
    form_class = ReferralForm
    success_message = gettext_lazy("The referral was recorded.")

    def get_form_kwargs(self):
        initial = {"referred_on": timezone.localdate(), "partner": self.request.GET.get("partner")}
        return {"initial": initial, "partners": selectors.partners_of(municipality=self.municipality)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(sme=self.get_object(), **kwargs)

    def post(self, request, *args, **kwargs):
        self.get_object()  # 404 before the form is read
        return super().post(request, *args, **kwargs)

    def perform(self, form):
        return services.referral_create(sme=self.get_object(), actor=self.request.user, **form.cleaned_data)

    def get_success_url(self, result):
        return self.tenant_url("sme_detail", pk=self.get_object().pk)


class ReferralOutcomeView(ServiceFormMixin, TenantObjectMixin, View):
    permission_required = "smes.manage_referral"
    template_name = "smes/referral_outcome.html"
    form_class = ReferralOutcomeForm
    success_message = gettext_lazy("The outcome was recorded.")

    def get_queryset(self):
        return selectors.referrals_of(municipality=self.municipality)

    def get_form_kwargs(self):
        return {} if self.request.method == "POST" else {"instance": self.get_object()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(referral=self.get_object(), **kwargs)

    def post(self, request, *args, **kwargs):
        self.get_object()  # 404 before the form is read
        return super().post(request, *args, **kwargs)

    def perform(self, form):
        return services.referral_record_outcome(
            referral=self.get_object(), actor=self.request.user, **form.cleaned_data
        )

    def get_success_url(self, result):
        return self.tenant_url("partner_detail", pk=self.get_object().partner_id)


# --- Seeds for SMEs and the interest inbox --------------------------------------------------------


class SeedListView(TenantViewMixin, ListView):
    """The one seed catalogue: published seeds in plain language. A typed need goes through the
    screening engine (registered by matching, :mod:`smes.seed_search`); coordinators also see the
    seed numbers and companies' columns."""

    permission_required = "smes.browse_seeds"
    template_name = "smes/seed_list.html"
    context_object_name = "seeds"
    paginate_by = 20

    def base_queryset(self):
        return selectors.seeds_for_browsing(user=self.request.user, municipality=self.municipality)

    def get(self, request, *args, **kwargs):
        from .seed_search import SeedHit, searcher

        self.q = request.GET.get("q", "")
        self.q_error = ""
        self.result = None
        if "q" in request.GET and not self.q.strip():
            self.q_error = _("Describe what you need in a few words, for example 「工場の騒音を減らしたい」.")
        elif self.q.strip():
            search = searcher()
            if search is not None:
                self.result = search(
                    municipality=self.municipality, text=self.q.strip(), allowed_ids=self.base_queryset()
                )
            else:
                self.result = SeedSearchResult(
                    hits=[
                        SeedHit(patent=p, band="")
                        for p in selectors.seeds_for_browsing(
                            user=request.user, municipality=self.municipality, query=self.q.strip()
                        )[:50]
                    ]
                )
        response = super().get(request, *args, **kwargs)
        if self.q_error:
            response.status_code = 400
        return response

    def get_queryset(self):
        if self.result is not None:
            return [hit.patent for hit in self.result.hits]
        return self.base_queryset()

    def get_context_data(self, **kwargs):
        from .seed_search import seed_advantages, seed_needs

        sent = set(
            selectors.interests_of_sme(user=self.request.user, municipality=self.municipality).values_list(
                "patent_id", flat=True
            )
        )
        context = super().get_context_data(
            q=self.q,
            q_error=self.q_error,
            result=self.result,
            sent=sent,
            is_coordinator=is_coordinator(self.request.user, self.municipality),
            **kwargs,
        )
        bands = {hit.patent.pk: hit for hit in self.result.hits} if self.result else {}
        context["rows"] = [
            {
                "seed": seed,
                "hit": bands.get(seed.pk),
                "needs": seed_needs(seed),
                "advantages": seed_advantages(seed),
            }
            for seed in context["seeds"]
        ]
        return context


class SeedObjectMixin(TenantObjectMixin):
    selector = staticmethod(selectors.seeds_for_browsing)


class SeedDetailView(SeedObjectMixin, View):
    permission_required = "smes.browse_seeds"
    template_name = "smes/seed_detail.html"

    def render_page(self, seed, form, status=200):
        can_send = self.request.user.has_perm("smes.send_interest", self.municipality)
        sent = selectors.interests_of_sme(user=self.request.user, municipality=self.municipality).filter(
            patent=seed
        )
        from patents.selectors import attachments_visible_to

        context = {
            "seed": seed,
            "form": form if can_send else None,
            "sent": sent.first(),
            # The licence terms it is offered under, explained (the glossary lives with the deals).
            "can_read_glossary": self.request.user.has_perm(
                "negotiations.list_negotiations", self.municipality
            ),
            # The seed is published (seeds_for_browsing), so its drawings, photos and data are shown.
            "attachments": attachments_visible_to(
                user=self.request.user, municipality=self.municipality
            ).filter(patent=seed),
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, *args, **kwargs):
        return self.render_page(self.get_object(), SeedInterestForm())


class SeedInterestCreateView(ServiceFormMixin, SeedDetailView):
    """POST only: the form lives on the seed page, which this re-renders with the errors."""

    permission_required = "smes.send_interest"
    http_method_names = ["post"]

    def dispatch(self, request, *args, **kwargs):
        # Another municipality's seed is a 404 for everyone, before the role decides 403.
        from patents.selectors import published_seeds

        get_object_or_404(published_seeds(municipality=request.municipality), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    form_class = SeedInterestForm
    success_message = gettext_lazy("Your interest was sent to the coordinators.")

    def post(self, request, *args, **kwargs):
        self.get_object()  # 404 before the form is read
        return super().post(request, *args, **kwargs)

    def render_form(self, form, status=200):
        return self.render_page(self.get_object(), form, status=status)

    def perform(self, form):
        sme = get_object_or_404(
            selectors.smes_visible_to(user=self.request.user, municipality=self.municipality),
            pk=own_sme_id(self.request.user, self.municipality),
        )
        return services.seed_interest_send(
            sme=sme, patent=self.get_object(), actor=self.request.user, message=form.cleaned_data["message"]
        )

    def get_success_url(self, result):
        return self.tenant_url("seed_detail", pk=self.get_object().pk)


class InterestInboxView(TenantViewMixin, ListView):
    permission_required = "smes.view_interest_inbox"
    template_name = "smes/interest_list.html"
    context_object_name = "interests"
    paginate_by = 50

    def get_queryset(self):
        status = self.request.GET.get("status", "")
        return selectors.interest_inbox(
            municipality=self.municipality, status=status if status in InterestStatus.values else ""
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            statuses=InterestStatus.choices, status=self.request.GET.get("status", ""), **kwargs
        )


class InterestAcknowledgeView(TenantObjectMixin, View):
    permission_required = "smes.view_interest_inbox"

    def get_queryset(self):
        return selectors.interest_inbox(municipality=self.municipality)

    def post(self, request, *args, **kwargs):
        interest = self.get_object()
        form = InterestAnswerForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(form.errors["reply"]))
            return redirect(self.tenant_url("interest_list"))
        services.seed_interest_acknowledge(
            interest=interest, actor=request.user, reply=form.cleaned_data["reply"]
        )
        messages.success(request, _("The interest was answered; the SME's members were told by e-mail."))
        return redirect(self.tenant_url("interest_list"))


class InterestMineView(TenantViewMixin, ListView):
    """An SME member's interests in seeds: status, who answered and when, and the answer."""

    permission_required = "smes.view_own_interests"
    template_name = "smes/interest_mine.html"
    context_object_name = "interests"
    paginate_by = 50

    def get_queryset(self):
        return selectors.interests_of_sme(user=self.request.user, municipality=self.municipality)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            has_sme=own_sme_id(self.request.user, self.municipality) is not None, **kwargs
        )


class InterestCompanyView(TenantViewMixin, ListView):
    """A large company's staff: which SMEs said they are interested in its seeds, and where each
    interest stands with the coordinators (who arrange the introduction)."""

    permission_required = "smes.view_company_interests"
    template_name = "smes/interest_company.html"
    context_object_name = "interests"
    paginate_by = 50

    def get_queryset(self):
        status = self.request.GET.get("status", "")
        return selectors.interests_in_company_seeds(
            user=self.request.user,
            municipality=self.municipality,
            status=status if status in InterestStatus.values else "",
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            statuses=InterestStatus.choices,
            status=self.request.GET.get("status", ""),
            has_company=getattr(self.request.membership, "company_id", None) is not None,
            **kwargs,
        )


# --- contact persons ----------------------------------------------------------------------------


class ContactPersonCreateView(ServiceFormMixin, SMEObjectMixin, View):
    permission_required = "smes.manage_contacts"
    template_name = "smes/contactperson_form.html"
    form_class = ContactPersonForm
    success_message = gettext_lazy("The contact person was added.")

    def get_context_data(self, **kwargs):
        return super().get_context_data(sme=self.get_object(), person=None, **kwargs)

    def post(self, request, *args, **kwargs):
        self.get_object()  # 404 before the form is read
        return super().post(request, *args, **kwargs)

    def perform(self, form):
        return services.contact_person_create(
            sme=self.get_object(), actor=self.request.user, data=form.cleaned_data
        )

    def get_success_url(self, result):
        return self.tenant_url("sme_detail", pk=result.sme_id) + "#contacts-h"


class ContactPersonObjectMixin(TenantObjectMixin):
    selector = staticmethod(selectors.contact_persons_managed_by)


class ContactPersonEditView(ServiceFormMixin, ContactPersonObjectMixin, View):
    permission_required = "smes.manage_contacts"
    template_name = "smes/contactperson_form.html"
    form_class = ContactPersonForm
    success_message = gettext_lazy("The contact person was saved.")

    def get_form_kwargs(self):
        return {} if self.request.method == "POST" else {"instance": self.get_object()}

    def get_context_data(self, **kwargs):
        person = self.get_object()
        return super().get_context_data(sme=person.sme, person=person, **kwargs)

    def post(self, request, *args, **kwargs):
        self.get_object()  # 404 before the form is read
        return super().post(request, *args, **kwargs)

    def perform(self, form):
        return services.contact_person_update(
            person=self.get_object(), actor=self.request.user, data=form.cleaned_data
        )

    def get_success_url(self, result):
        return self.tenant_url("sme_detail", pk=result.sme_id) + "#contacts-h"


class ContactPersonDeleteView(ContactPersonObjectMixin, View):
    permission_required = "smes.manage_contacts"

    def post(self, request, *args, **kwargs):
        person = self.get_object()
        services.contact_person_delete(person=person, actor=request.user)
        messages.success(request, _("The contact person was removed."))
        return redirect(self.tenant_url("sme_detail", pk=person.sme_id) + "#contacts-h")
