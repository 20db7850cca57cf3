"""Pages of the deal pipeline: board, deals with timeline/documents/terms/products, tasks, my week.
(Meeting pages: matching/views/meetings.py; a meeting's follow-up tasks are added to its page here.)

Every page checks a municipality-level permission first (403 for a role that has no business here),
then fetches its object through the party-filtered selectors (404 for a deal the user is not party to).
"""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView

from kawasaki.models import Role
from kawasaki.rules import is_coordinator
from kawasaki.views import FilterSetMixin, ServiceFormMixin, TenantObjectMixin, TenantViewMixin
from matching.rules import party_ids
from matching.selectors import meetings_visible_to
from matching.views.meetings import MeetingDetailView
from patents.selectors import companies_visible_to, patents_visible_to
from smes.selectors import smes_visible_to

from . import forms, selectors, services
from .filters import BoardFilterSet, NegotiationFilterSet, ProductFilterSet
from .licence_glossary import GLOSSARY
from .models import Side, State


def _staff_of(municipality):
    return selectors.staff_of(municipality=municipality)


class NegotiationObjectMixin(TenantObjectMixin):
    """A page of one deal, found among those the user may see (with its licence terms joined); renders
    the deal's page (with a refused form's errors next to its fields)."""

    selector = staticmethod(selectors.negotiation_for_page)

    def detail_response(self, negotiation, *, status=200, **bound_forms):
        """The deal page; `bound_forms` (entry_form, document_form, nda_form, task_form) replace the
        empty forms, so that a refused submission shows its errors and keeps what was typed."""
        request = self.request
        coordinator = is_coordinator(request.user, self.municipality)
        context = {
            "negotiation": negotiation,
            "is_coordinator": coordinator,
            "seeds": selectors.seeds_of(negotiation=negotiation),
            "entries": selectors.timeline_visible_to(user=request.user, negotiation=negotiation),
            "documents": selectors.documents_of(negotiation=negotiation),
            "terms": getattr(negotiation, "terms", None),
            "products": selectors.products_of(negotiation=negotiation),
            "targets": [(s, State(s).label) for s in services.allowed_targets(negotiation.state)],
            # The checklist before each move: what the target state needs, met or not.
            "moves": [
                {
                    "state": s,
                    "label": State(s).label,
                    "checks": services.requirements(negotiation=negotiation, to_state=s),
                    "confirm": s in services.CONFIRM_STATES,
                }
                for s in services.allowed_targets(negotiation.state)
                if s != State.DROPPED
            ],
            "reopen_targets": [(s, State(s).label) for s in services.reopen_targets(negotiation.state)],
            "drop_reasons": forms.DropReason.choices,
            "can_record_terms": negotiation.state in services.TERMS_STATES,
            "can_record_product": negotiation.state in services.PRODUCT_STATES,
        }
        # Several forms share this page: distinct id prefixes keep every label tied to its own field.
        if coordinator:
            context.update(
                {
                    "entry_form": forms.EntryForm(auto_id="entry_%s"),
                    "document_form": forms.CoordinatorDocumentForm(auto_id="document_%s"),
                    "nda_form": forms.NdaForm(
                        auto_id="nda_%s",
                        initial={
                            "signed_on": negotiation.nda_signed_on,
                            "expires_on": negotiation.nda_expires_on,
                        },
                    ),
                    "task_form": forms.TaskForm(
                        auto_id="task_%s",
                        assignees=_staff_of(self.municipality),
                        initial={"assignee": request.user},
                    ),
                    "tasks": selectors.tasks_of(negotiation=negotiation),
                }
            )
        else:
            context["document_form"] = forms.DocumentForm(auto_id="document_%s")
        context.update(bound_forms)
        if bound_forms:
            messages.error(request, _("Nothing was saved: correct the form marked below."))
        return render(request, "negotiations/negotiation_detail.html", context, status=status)


class DealPageFormView(ServiceFormMixin, NegotiationObjectMixin, View):
    """POST only: one of the forms on the deal's page (`<prefix>_form`, its ids `<prefix>_...`); a
    refused form re-renders the page with its errors."""

    http_method_names = ["post", "options"]
    prefix: str

    def post(self, request, *args, **kwargs):
        self.get_object()  # 404 before the form is read
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {"auto_id": f"{self.prefix}_%s"}

    def render_form(self, form, status=200):
        return self.detail_response(self.get_object(), status=status, **{f"{self.prefix}_form": form})

    def get_success_url(self, result):
        return self.tenant_url("negotiation_detail", pk=self.get_object().pk)


class BoardView(TenantViewMixin, View):
    """The kanban of the municipality's deals by state; each card moves by its own buttons or by drag."""

    permission_required = "negotiations.view_board"
    template_name = "negotiations/board.html"

    def get(self, request, *args, **kwargs):
        filterset = BoardFilterSet(
            request.GET or None,
            queryset=selectors.negotiations_visible_to(user=request.user, municipality=self.municipality),
            request=request,
        )
        expand = request.GET.getlist("stage")
        folded = selectors.board_folded_states(expand=expand)
        columns = selectors.board_columns(deals=filterset.qs, folded=folded)
        for _state, _label, cards in columns:
            for card in cards:
                card.targets = [(s, State(s).label) for s in services.allowed_targets(card.state)]
                card.next_state = services.FORWARD.get(card.state)
                card.can_drop = State.DROPPED in services.ALLOWED_TRANSITIONS[card.state]
        stages = selectors.board_stages(
            columns=columns,
            expand=expand,
            folded_counts=selectors.board_folded_counts(deals=filterset.qs, folded=folded),
        )
        for stage in stages:
            if not stage["open"]:
                query = request.GET.copy()
                query.appendlist("stage", stage["key"])
                stage["expand_url"] = f"?{query.urlencode()}"
        context = {
            "form": filterset.form,
            "filter_form": filterset.form,
            "columns": columns,
            "stages": stages,
            "drop_reasons": forms.DropReason.choices,
            "next_url": request.get_full_path(),
        }
        return render(request, self.template_name, context)


class NegotiationListView(FilterSetMixin, TenantViewMixin, ListView):
    permission_required = "negotiations.list_negotiations"
    template_name = "negotiations/negotiation_list.html"
    context_object_name = "negotiations"
    paginate_by = 50
    filterset_class = NegotiationFilterSet

    def get_base_queryset(self):
        return selectors.negotiations_visible_to(user=self.request.user, municipality=self.municipality)

    def get_context_data(self, **kwargs):
        # A company's or SME's own deals that wait on it (a document to review, a task): marked in the
        # list as on the dashboard. Two queries; none for coordinators.
        waiting: dict[int, list[str]] = {}
        for item in selectors.deals_waiting_on(user=self.request.user, municipality=self.municipality):
            waiting.setdefault(item.deal.pk, []).append(str(item.reason))
        context = super().get_context_data(
            is_coordinator=is_coordinator(self.request.user, self.municipality), **kwargs
        )
        context["negotiations"] = list(context["negotiations"])
        for deal in context["negotiations"]:
            deal.waiting_reasons = waiting.get(deal.pk, [])
        return context


class NegotiationCreateView(ServiceFormMixin, TenantViewMixin, View):
    permission_required = "negotiations.manage_negotiation"
    template_name = "negotiations/negotiation_form.html"
    form_class = forms.NegotiationForm

    def get_form_kwargs(self):
        user, municipality = self.request.user, self.municipality
        return {
            "smes": smes_visible_to(user=user, municipality=municipality),
            "companies": companies_visible_to(user=user, municipality=municipality),
            "seeds": patents_visible_to(user=user, municipality=municipality),
        }

    def perform(self, form):
        negotiation, created = services.negotiation_open(
            municipality=self.municipality,
            actor=self.request.user,
            sme=form.cleaned_data["sme"],
            company=form.cleaned_data["company"],
            seeds=form.cleaned_data["seeds"],
            note=form.cleaned_data["note"],
            allow_duplicate=form.cleaned_data["allow_duplicate"],
        )
        if not created:
            messages.info(
                self.request, _("This SME and company already have a deal; the seeds were added to it.")
            )
        return negotiation

    def get_context_data(self, **kwargs):
        # After the duplicate warning, a link to the open deal it names.
        form = kwargs.get("form")
        duplicate = None
        if form is not None and form.is_bound and form.has_error("allow_duplicate"):
            duplicate = services.open_deal_duplicate(
                municipality=self.municipality,
                sme=form.cleaned_data["sme"],
                company=form.cleaned_data["company"],
                seeds=list(form.cleaned_data["seeds"]),
            )
        return super().get_context_data(duplicate_deal=duplicate[0] if duplicate else None, **kwargs)

    def get_success_url(self, result):
        return self.tenant_url("negotiation_detail", pk=result.pk)


class NegotiationDetailView(NegotiationObjectMixin, View):
    permission_required = "negotiations.list_negotiations"

    def get(self, request, *args, **kwargs):
        return self.detail_response(self.get_object())


class NegotiationMoveView(NegotiationObjectMixin, View):
    """POST a move; answers JSON to the board's drag-and-drop, a redirect to a plain form."""

    permission_required = "negotiations.manage_negotiation"

    def post(self, request, *args, **kwargs):
        negotiation = self.get_object()
        form = forms.MoveForm(request.POST)
        wants_json = "application/json" in request.headers.get("Accept", "")
        error = None
        if form.is_valid():
            try:
                services.negotiation_move(
                    negotiation=negotiation,
                    to_state=form.cleaned_data["to_state"],
                    actor=request.user,
                    reason=form.cleaned_data["reason"] or None,
                    note=form.cleaned_data["note"],
                    confirmed=form.cleaned_data["confirm"],
                )
            except ValidationError as exc:
                error = " ".join(exc.messages)
        else:
            error = " ".join(e for errors in form.errors.values() for e in errors)
        if wants_json:
            if error:
                return JsonResponse({"error": {"code": "invalid", "message": error}}, status=400)
            return JsonResponse({"id": negotiation.pk, "state": negotiation.state})
        if error:
            messages.error(request, error)
        else:
            messages.success(
                request,
                _("{deal} moved to “{state}”.").format(
                    deal=negotiation, state=State(negotiation.state).label
                ),
            )
        next_url = request.POST.get("next", "")
        if next_url.startswith(f"/m/{self.municipality.slug}/"):
            return redirect(next_url)
        return redirect(self.tenant_url("negotiation_detail", pk=negotiation.pk))


class NegotiationReopenView(NegotiationObjectMixin, View):
    """POST: a coordinator takes the deal back to an earlier state, with a reason."""

    permission_required = "negotiations.manage_negotiation"

    def post(self, request, *args, **kwargs):
        negotiation = self.get_object()
        form = forms.ReopenForm(request.POST)
        if form.is_valid():
            try:
                services.negotiation_reopen(
                    negotiation=negotiation,
                    to_state=form.cleaned_data["to_state"],
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(
                    request,
                    _("{deal} reopened at “{state}”.").format(
                        deal=negotiation, state=State(negotiation.state).label
                    ),
                )
        else:
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(self.tenant_url("negotiation_detail", pk=negotiation.pk))


class EntryAddView(DealPageFormView):
    permission_required = "negotiations.manage_negotiation"
    form_class = forms.EntryForm
    prefix = "entry"
    success_message = gettext_lazy("The entry was added.")

    def perform(self, form):
        return services.timeline_add(
            negotiation=self.get_object(), actor=self.request.user, **form.cleaned_data
        )


class DocumentUploadView(DealPageFormView):
    """Either side or the coordinator uploads a document; a party's side is its role."""

    permission_required = "negotiations.list_negotiations"
    prefix = "document"
    success_message = gettext_lazy("The document was uploaded.")

    @property
    def coordinator(self) -> bool:
        return is_coordinator(self.request.user, self.municipality)

    @property
    def form_class(self):
        return forms.CoordinatorDocumentForm if self.coordinator else forms.DocumentForm

    def perform(self, form):
        if self.coordinator:
            side = form.cleaned_data["side"]
        else:
            role, _party = party_ids(self.request.user, self.municipality)
            side = Side.LICENSOR if role == Role.COMPANY_STAFF else Side.LICENSEE
        return services.document_upload(
            negotiation=self.get_object(),
            actor=self.request.user,
            kind=form.cleaned_data["kind"],
            side=side,
            title=form.cleaned_data["title"],
            upload=form.cleaned_data["file"],
        )


class DocumentObjectMixin(TenantObjectMixin):
    """A document of a deal the user may see."""

    selector = staticmethod(selectors.documents_visible_to)


class DocumentDownloadView(DocumentObjectMixin, View):
    permission_required = "negotiations.list_negotiations"

    def get(self, request, *args, **kwargs):
        document = self.get_object()
        name = document.file.name.rsplit("/", 1)[-1]
        with document.file.open("rb") as handle:
            data = handle.read()
        response = HttpResponse(
            data, content_type=mimetypes.guess_type(name)[0] or "application/octet-stream"
        )
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
        return response


class DocumentCommentView(DocumentObjectMixin, View):
    permission_required = "negotiations.manage_negotiation"

    def post(self, request, *args, **kwargs):
        document = self.get_object()
        form = forms.CommentForm(request.POST)
        if form.is_valid():
            services.document_comment(
                document=document, actor=request.user, comment=form.cleaned_data["comment"]
            )
            messages.success(request, _("The comment was saved."))
        return redirect(self.tenant_url("negotiation_detail", pk=document.negotiation_id))


class NdaView(DealPageFormView):
    permission_required = "negotiations.manage_negotiation"
    form_class = forms.NdaForm
    prefix = "nda"
    success_message = gettext_lazy("The NDA dates were saved.")

    def perform(self, form):
        try:
            return services.nda_record(
                negotiation=self.get_object(),
                actor=self.request.user,
                signed_on=form.cleaned_data["signed_on"],
                expires_on=form.cleaned_data["expires_on"],
            )
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                raise
            # The service names the model's fields (nda_expires_on); the form's are shorter.
            raise ValidationError({k.removeprefix("nda_"): v for k, v in error.error_dict.items()}) from error


class DealFormView(ServiceFormMixin, NegotiationObjectMixin, View):
    """A form of its own page about one deal (terms, a product): back to the deal when saved."""

    def post(self, request, *args, **kwargs):
        self.get_object()  # 404 before the form is read
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(negotiation=self.get_object(), **kwargs)

    def get_success_url(self, result):
        return self.tenant_url("negotiation_detail", pk=self.get_object().pk)


class TermsView(DealFormView):
    permission_required = "negotiations.manage_negotiation"
    template_name = "negotiations/licenceterms_form.html"
    form_class = forms.TermsForm
    success_message = gettext_lazy("The licence terms were recorded.")

    def get_initial(self):
        terms = getattr(self.get_object(), "terms", None)
        return {k: getattr(terms, k) for k in services.TERMS_FIELDS} if terms else {}

    def perform(self, form):
        return services.licence_terms_record(
            negotiation=self.get_object(), actor=self.request.user, data=form.cleaned_data
        )


class ProductCreateView(DealFormView):
    permission_required = "negotiations.manage_negotiation"
    template_name = "negotiations/product_form.html"
    form_class = forms.ProductForm
    success_message = gettext_lazy("The product was recorded.")

    def perform(self, form):
        return services.product_record(
            negotiation=self.get_object(), actor=self.request.user, **form.cleaned_data
        )


class ProductListView(FilterSetMixin, TenantViewMixin, ListView):
    permission_required = "negotiations.list_negotiations"
    template_name = "negotiations/product_list.html"
    context_object_name = "products"
    paginate_by = 50
    filterset_class = ProductFilterSet

    def get_base_queryset(self):
        return selectors.products_visible_to(user=self.request.user, municipality=self.municipality)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            is_coordinator=is_coordinator(self.request.user, self.municipality), **kwargs
        )


class ProductPhotoView(TenantObjectMixin, View):
    """A product's photo, to those who may see the product (there is no public media URL)."""

    permission_required = "negotiations.list_negotiations"
    selector = staticmethod(selectors.products_visible_to)

    def get(self, request, *args, **kwargs):
        product = self.get_object()
        if not product.photo:
            raise Http404
        name = product.photo.name.rsplit("/", 1)[-1]
        try:
            handle = product.photo.open("rb")
        except FileNotFoundError:  # the row outlived its file (a restore without media): not there
            raise Http404 from None
        response = FileResponse(
            handle, content_type=mimetypes.guess_type(name)[0] or "application/octet-stream"
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, max-age=3600"
        return response


class TaskCreateView(DealPageFormView):
    """A task on a deal (kind=negotiation) or a follow-up action of a meeting (kind=meeting); a refused
    form re-renders the deal's or the meeting's page."""

    permission_required = "negotiations.manage_negotiation"
    form_class = forms.TaskForm
    prefix = "task"
    success_message = gettext_lazy("The task was added.")

    @property
    def on_meeting(self) -> bool:
        return self.kwargs["kind"] == "meeting"

    def get_queryset(self):
        if self.on_meeting:
            return meetings_visible_to(user=self.request.user, municipality=self.municipality)
        return super().get_queryset()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "assignees": _staff_of(self.municipality)}

    def render_form(self, form, status=200):
        if self.on_meeting:
            return MeetingDetailView.meeting_response(self, self.get_object(), task_form=form, status=status)
        return super().render_form(form, status=status)

    def perform(self, form):
        target = self.get_object()
        return services.task_create(
            municipality=self.municipality,
            actor=self.request.user,
            negotiation=None if self.on_meeting else target,
            meeting=target if self.on_meeting else None,
            **form.cleaned_data,
        )

    def get_success_url(self, result):
        name = "meeting_detail" if self.on_meeting else "negotiation_detail"
        return self.tenant_url(name, pk=self.get_object().pk)


def meeting_tasks_section(view, meeting, context) -> dict | None:
    """The follow-up tasks on a meeting's page (coordinators): registered with the matching app's
    meeting page in NegotiationsConfig.ready(). A refused task form (TaskCreateView) comes in the
    page's context as `task_form`."""
    if not context["is_coordinator"]:
        return None
    task_form = context.get("task_form") or forms.TaskForm(
        auto_id="task_%s", assignees=_staff_of(view.municipality), initial={"assignee": view.request.user}
    )
    return {
        "template": "negotiations/_meeting_tasks.html",
        "stylesheet": "negotiations/negotiations.css",
        "tasks": selectors.tasks_of(meeting=meeting),
        "task_form": task_form,
    }


class TaskDoneView(TenantObjectMixin, View):
    permission_required = "negotiations.manage_negotiation"

    def get_queryset(self):
        return selectors.tasks_open(municipality=self.municipality)

    def post(self, request, *args, **kwargs):
        task = self.get_object()
        services.task_done(task=task, actor=request.user)
        messages.success(request, _("The task is done."))
        next_url = request.POST.get("next", "")
        if next_url.startswith(f"/m/{self.municipality.slug}/"):
            return redirect(next_url)
        return redirect(self.tenant_url("my_week"))


class MyWeekView(TenantViewMixin, View):
    permission_required = "negotiations.manage_negotiation"
    template_name = "negotiations/my_week.html"

    def get(self, request, *args, **kwargs):
        week = selectors.my_week(user=request.user, municipality=self.municipality)
        return render(request, self.template_name, {"week": week, "next_url": request.get_full_path()})


class DataQualityView(TenantViewMixin, View):
    """Coordinators: the records that break the rules of the records (from before the rules, or
    imported), each with a link to the page that fixes it, and what the KPIs leave out."""

    permission_required = "negotiations.manage_negotiation"
    template_name = "negotiations/data_quality.html"

    def get(self, request, *args, **kwargs):
        context = {
            "problems": selectors.data_quality_problems(municipality=self.municipality),
            "exclusions": selectors.kpi_exclusions(municipality=self.municipality),
        }
        return render(request, self.template_name, context)


class LicenceGlossaryView(TenantViewMixin, View):
    """The licence terms explained in plain words, linked from the deal pages and the SME's dashboard."""

    permission_required = "negotiations.list_negotiations"
    template_name = "negotiations/licence_glossary.html"

    def get(self, request, *args, **kwargs):
        return render(request, self.template_name, {"terms": GLOSSARY})
