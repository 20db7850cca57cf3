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
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from kawasaki.forms import add_service_errors
from kawasaki.models import Role
from kawasaki.rules import is_coordinator
from kawasaki.views import TenantViewMixin
from matching.rules import party_ids
from matching.selectors import meetings_visible_to
from matching.views.meetings import MeetingDetailView
from patents.selectors import companies_visible_to, patents_visible_to
from smes.selectors import smes_visible_to

from . import forms, selectors, services
from .models import Side, State


def _staff_of(municipality):
    return selectors.staff_of(municipality=municipality)


class NegotiationObjectMixin(TenantViewMixin):
    """Fetch the deal of the URL from what the user may see; render its page (with a refused form's
    errors next to its fields)."""

    def get_negotiation(self):
        qs = selectors.negotiation_for_page(user=self.request.user, municipality=self.municipality)
        return get_object_or_404(qs, pk=self.kwargs["pk"])

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


class BoardView(TenantViewMixin, View):
    """The kanban of the municipality's deals by state; each card moves by its own buttons or by drag."""

    permission_required = "negotiations.view_board"
    template_name = "negotiations/board.html"

    def get(self, request, *args, **kwargs):
        form = forms.BoardFilterForm(
            request.GET or None,
            coordinators=_staff_of(self.municipality),
            companies=companies_visible_to(user=request.user, municipality=self.municipality),
            smes=smes_visible_to(user=request.user, municipality=self.municipality),
        )
        filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
        columns = selectors.board_columns(
            user=request.user,
            municipality=self.municipality,
            coordinator_id=filters["coordinator"].pk if filters.get("coordinator") else None,
            company_id=filters["company"].pk if filters.get("company") else None,
            sme_id=filters["sme"].pk if filters.get("sme") else None,
        )
        for _state, _label, cards in columns:
            for card in cards:
                card.targets = [(s, State(s).label) for s in services.allowed_targets(card.state)]
                card.next_state = services.FORWARD.get(card.state)
                card.can_drop = State.DROPPED in services.ALLOWED_TRANSITIONS[card.state]
        context = {
            "form": form,
            "columns": columns,
            "drop_reasons": forms.DropReason.choices,
            "next_url": request.get_full_path(),
        }
        return render(request, self.template_name, context)


class NegotiationListView(TenantViewMixin, ListView):
    permission_required = "negotiations.list_negotiations"
    template_name = "negotiations/negotiation_list.html"
    context_object_name = "negotiations"
    paginate_by = 50

    def get_queryset(self):
        return selectors.negotiations_visible_to(user=self.request.user, municipality=self.municipality)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            is_coordinator=is_coordinator(self.request.user, self.municipality), **kwargs
        )


class NegotiationCreateView(TenantViewMixin, View):
    permission_required = "negotiations.manage_negotiation"
    template_name = "negotiations/negotiation_form.html"

    def make_form(self, data=None):
        user, municipality = self.request.user, self.municipality
        return forms.NegotiationForm(
            data,
            smes=smes_visible_to(user=user, municipality=municipality),
            companies=companies_visible_to(user=user, municipality=municipality),
            seeds=patents_visible_to(user=user, municipality=municipality),
        )

    def get(self, request, *args, **kwargs):
        return render(request, self.template_name, {"form": self.make_form()})

    def post(self, request, *args, **kwargs):
        form = self.make_form(request.POST)
        if form.is_valid():
            try:
                negotiation, created = services.negotiation_open(
                    municipality=self.municipality,
                    actor=request.user,
                    sme=form.cleaned_data["sme"],
                    company=form.cleaned_data["company"],
                    seeds=form.cleaned_data["seeds"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if not created:
                    messages.info(
                        request, _("This SME and company already have a deal; the seeds were added to it.")
                    )
                return redirect(self.tenant_url("negotiation_detail", pk=negotiation.pk))
        return render(request, self.template_name, {"form": form}, status=400)


class NegotiationDetailView(NegotiationObjectMixin, View):
    permission_required = "negotiations.list_negotiations"

    def get(self, request, *args, **kwargs):
        return self.detail_response(self.get_negotiation())


class NegotiationMoveView(NegotiationObjectMixin, View):
    """POST a move; answers JSON to the board's drag-and-drop, a redirect to a plain form."""

    permission_required = "negotiations.manage_negotiation"

    def post(self, request, *args, **kwargs):
        negotiation = self.get_negotiation()
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


class EntryAddView(NegotiationObjectMixin, View):
    permission_required = "negotiations.manage_negotiation"

    def post(self, request, *args, **kwargs):
        negotiation = self.get_negotiation()
        form = forms.EntryForm(request.POST, auto_id="entry_%s")
        if not form.is_valid():
            return self.detail_response(negotiation, entry_form=form, status=400)
        services.timeline_add(negotiation=negotiation, actor=request.user, **form.cleaned_data)
        messages.success(request, _("The entry was added."))
        return redirect(self.tenant_url("negotiation_detail", pk=negotiation.pk))


class DocumentUploadView(NegotiationObjectMixin, View):
    """Either side or the coordinator uploads a document; a party's side is its role."""

    permission_required = "negotiations.list_negotiations"

    def post(self, request, *args, **kwargs):
        negotiation = self.get_negotiation()
        coordinator = is_coordinator(request.user, self.municipality)
        form_class = forms.CoordinatorDocumentForm if coordinator else forms.DocumentForm
        form = form_class(request.POST, request.FILES, auto_id="document_%s")
        if form.is_valid():
            if coordinator:
                side = form.cleaned_data["side"]
            else:
                role, _party = party_ids(request.user, self.municipality)
                side = Side.LICENSOR if role == Role.COMPANY_STAFF else Side.LICENSEE
            try:
                services.document_upload(
                    negotiation=negotiation,
                    actor=request.user,
                    kind=form.cleaned_data["kind"],
                    side=side,
                    title=form.cleaned_data["title"],
                    upload=form.cleaned_data["file"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The document was uploaded."))
                return redirect(self.tenant_url("negotiation_detail", pk=negotiation.pk))
        return self.detail_response(negotiation, document_form=form, status=400)


class DocumentDownloadView(TenantViewMixin, View):
    permission_required = "negotiations.list_negotiations"

    def get(self, request, *args, **kwargs):
        qs = selectors.documents_visible_to(user=request.user, municipality=self.municipality)
        document = get_object_or_404(qs, pk=kwargs["pk"])
        name = document.file.name.rsplit("/", 1)[-1]
        with document.file.open("rb") as handle:
            data = handle.read()
        response = HttpResponse(
            data, content_type=mimetypes.guess_type(name)[0] or "application/octet-stream"
        )
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
        return response


class DocumentCommentView(TenantViewMixin, View):
    permission_required = "negotiations.manage_negotiation"

    def post(self, request, *args, **kwargs):
        qs = selectors.documents_visible_to(user=request.user, municipality=self.municipality)
        document = get_object_or_404(qs, pk=kwargs["pk"])
        form = forms.CommentForm(request.POST)
        if form.is_valid():
            services.document_comment(
                document=document, actor=request.user, comment=form.cleaned_data["comment"]
            )
            messages.success(request, _("The comment was saved."))
        return redirect(self.tenant_url("negotiation_detail", pk=document.negotiation_id))


class NdaView(NegotiationObjectMixin, View):
    permission_required = "negotiations.manage_negotiation"

    def post(self, request, *args, **kwargs):
        negotiation = self.get_negotiation()
        form = forms.NdaForm(request.POST, auto_id="nda_%s")
        if form.is_valid():
            try:
                services.nda_record(
                    negotiation=negotiation,
                    actor=request.user,
                    signed_on=form.cleaned_data["signed_on"],
                    expires_on=form.cleaned_data["expires_on"],
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    # The service names the model's fields (nda_expires_on); the form's are shorter.
                    error = ValidationError({k.removeprefix("nda_"): v for k, v in error.error_dict.items()})
                add_service_errors(form, error)
            else:
                messages.success(request, _("The NDA dates were saved."))
                return redirect(self.tenant_url("negotiation_detail", pk=negotiation.pk))
        return self.detail_response(negotiation, nda_form=form, status=400)


class TermsView(NegotiationObjectMixin, View):
    permission_required = "negotiations.manage_negotiation"
    template_name = "negotiations/licenceterms_form.html"

    def get(self, request, *args, **kwargs):
        negotiation = self.get_negotiation()
        terms = getattr(negotiation, "terms", None)
        initial = {k: getattr(terms, k) for k in services.TERMS_FIELDS} if terms else None
        form = forms.TermsForm(initial=initial)
        return render(request, self.template_name, {"form": form, "negotiation": negotiation})

    def post(self, request, *args, **kwargs):
        negotiation = self.get_negotiation()
        form = forms.TermsForm(request.POST)
        if form.is_valid():
            try:
                services.licence_terms_record(
                    negotiation=negotiation, actor=request.user, data=form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The licence terms were recorded."))
                return redirect(self.tenant_url("negotiation_detail", pk=negotiation.pk))
        return render(request, self.template_name, {"form": form, "negotiation": negotiation}, status=400)


class ProductCreateView(NegotiationObjectMixin, View):
    permission_required = "negotiations.manage_negotiation"
    template_name = "negotiations/product_form.html"

    def get(self, request, *args, **kwargs):
        negotiation = self.get_negotiation()
        return render(request, self.template_name, {"form": forms.ProductForm(), "negotiation": negotiation})

    def post(self, request, *args, **kwargs):
        negotiation = self.get_negotiation()
        form = forms.ProductForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.product_record(negotiation=negotiation, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The product was recorded."))
                return redirect(self.tenant_url("negotiation_detail", pk=negotiation.pk))
        return render(request, self.template_name, {"form": form, "negotiation": negotiation}, status=400)


class ProductListView(TenantViewMixin, ListView):
    permission_required = "negotiations.list_negotiations"
    template_name = "negotiations/product_list.html"
    context_object_name = "products"
    paginate_by = 50

    def get_queryset(self):
        return selectors.products_visible_to(user=self.request.user, municipality=self.municipality)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            is_coordinator=is_coordinator(self.request.user, self.municipality), **kwargs
        )


class ProductPhotoView(TenantViewMixin, View):
    """A product's photo, to those who may see the product (there is no public media URL)."""

    permission_required = "negotiations.list_negotiations"

    def get(self, request, *args, **kwargs):
        qs = selectors.products_visible_to(user=request.user, municipality=self.municipality)
        product = get_object_or_404(qs, pk=kwargs["pk"])
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


class TaskCreateView(TenantViewMixin, View):
    """A task on a deal (kind=negotiation) or a follow-up action of a meeting (kind=meeting)."""

    permission_required = "negotiations.manage_negotiation"

    def post(self, request, *args, **kwargs):
        user, municipality = request.user, self.municipality
        if kwargs["kind"] == "meeting":
            meeting = get_object_or_404(
                meetings_visible_to(user=user, municipality=municipality), pk=kwargs["pk"]
            )
            negotiation, back = None, self.tenant_url("meeting_detail", pk=meeting.pk)
        else:
            negotiation = get_object_or_404(
                selectors.negotiations_visible_to(user=user, municipality=municipality), pk=kwargs["pk"]
            )
            meeting, back = None, self.tenant_url("negotiation_detail", pk=negotiation.pk)
        form = forms.TaskForm(request.POST, auto_id="task_%s", assignees=_staff_of(municipality))
        if not form.is_valid():
            if meeting is not None:
                return MeetingDetailView.meeting_response(self, meeting, task_form=form, status=400)
            negotiation = get_object_or_404(
                selectors.negotiation_for_page(user=user, municipality=municipality), pk=negotiation.pk
            )
            return NegotiationObjectMixin.detail_response(self, negotiation, task_form=form, status=400)
        services.task_create(
            municipality=municipality,
            actor=user,
            negotiation=negotiation,
            meeting=meeting,
            **form.cleaned_data,
        )
        messages.success(request, _("The task was added."))
        return redirect(back)


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


class TaskDoneView(TenantViewMixin, View):
    permission_required = "negotiations.manage_negotiation"

    def post(self, request, *args, **kwargs):
        task = get_object_or_404(selectors.tasks_open(municipality=self.municipality), pk=kwargs["pk"])
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
