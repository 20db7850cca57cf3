"""Pages of the deal pipeline: board, deals with timeline/documents/terms/products, meetings, my week.

Every page checks a municipality-level permission first (403 for a role that has no business here),
then fetches its object through the party-filtered selectors (404 for a deal the user is not party to).
"""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from kawasaki.forms import add_service_errors
from kawasaki.models import Role
from kawasaki.rules import is_coordinator
from kawasaki.views import LookupFirstMixin, TenantViewMixin
from matching.models import ProposalStatus
from matching.selectors import proposals_of
from patents.selectors import companies_visible_to, patents_visible_to
from smes.selectors import smes_visible_to

from . import forms, selectors, services
from .ics import meeting_ics
from .models import MeetingKind, MeetingStatus, Side, State
from .rules import party_ids


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
                selectors.meetings_visible_to(user=user, municipality=municipality), pk=kwargs["pk"]
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


# --- meetings ------------------------------------------------------------------------------------


class MeetingObjectMixin(TenantViewMixin):
    def get_meeting(self):
        qs = selectors.meetings_visible_to(user=self.request.user, municipality=self.municipality)
        return get_object_or_404(qs, pk=self.kwargs["pk"])


class MeetingListView(TenantViewMixin, View):
    permission_required = "negotiations.list_meetings"
    template_name = "negotiations/meeting_list.html"

    def get(self, request, *args, **kwargs):
        meetings = selectors.meeting_list(user=request.user, municipality=self.municipality)
        page = Paginator(meetings, 50).get_page(request.GET.get("page"))
        context = {
            "meetings": page.object_list,
            "page_obj": page,
            "is_paginated": page.has_other_pages(),
            "is_coordinator": is_coordinator(request.user, self.municipality),
            "can_register": request.user.has_perm("negotiations.register_symposium", self.municipality),
        }
        if context["is_coordinator"]:
            context["proposals"] = proposals_of(municipality=self.municipality).filter(
                status=ProposalStatus.PROPOSED
            )
        return render(request, self.template_name, context)


def _meeting_form(view, data=None):
    user, municipality = view.request.user, view.municipality
    return forms.MeetingForm(
        data,
        companies=companies_visible_to(user=user, municipality=municipality),
        seeds=patents_visible_to(user=user, municipality=municipality),
        smes=smes_visible_to(user=user, municipality=municipality),
    )


class MeetingCreateView(TenantViewMixin, View):
    permission_required = "negotiations.manage_negotiation"
    template_name = "negotiations/meeting_form.html"

    def get(self, request, *args, **kwargs):
        return render(request, self.template_name, {"form": _meeting_form(self)})

    def post(self, request, *args, **kwargs):
        form = _meeting_form(self, request.POST)
        if form.is_valid():
            try:
                meeting = services.meeting_create(
                    municipality=self.municipality, actor=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The meeting was planned."))
                return redirect(self.tenant_url("meeting_detail", pk=meeting.pk))
        return render(request, self.template_name, {"form": form}, status=400)


class ScheduleView(TenantViewMixin, View):
    """Schedule a screening proposal (kind=proposal) or a symposium's one-on-one request (kind=request)."""

    permission_required = "negotiations.manage_negotiation"
    template_name = "negotiations/schedule_form.html"

    def get_source(self):
        if self.kwargs["kind"] == "proposal":
            return get_object_or_404(
                proposals_of(municipality=self.municipality).filter(status=ProposalStatus.PROPOSED),
                pk=self.kwargs["pk"],
            )
        return get_object_or_404(
            selectors.open_requests(municipality=self.municipality), pk=self.kwargs["pk"]
        )

    def get(self, request, *args, **kwargs):
        source = self.get_source()
        return render(request, self.template_name, {"form": forms.ScheduleForm(), "source": source})

    def post(self, request, *args, **kwargs):
        source = self.get_source()
        form = forms.ScheduleForm(request.POST)
        if form.is_valid():
            try:
                if self.kwargs["kind"] == "proposal":
                    meeting = services.meeting_from_proposal(
                        proposal=source, actor=request.user, **form.cleaned_data
                    )
                else:
                    meeting = services.one_on_one_schedule(
                        request=source, actor=request.user, **form.cleaned_data
                    )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The meeting was planned."))
                return redirect(self.tenant_url("meeting_detail", pk=meeting.pk))
        return render(request, self.template_name, {"form": form, "source": source}, status=400)


class MeetingDetailView(MeetingObjectMixin, View):
    permission_required = "negotiations.list_meetings"
    template_name = "negotiations/meeting_detail.html"

    def get(self, request, *args, **kwargs):
        return self.meeting_response(self.get_meeting())

    def meeting_response(self, meeting, *, status=200, **bound_forms):
        """The meeting page; `bound_forms` (task_form) replace the empty ones to show their errors."""
        request = self.request
        coordinator = is_coordinator(request.user, self.municipality)
        role, party = party_ids(request.user, self.municipality)
        participants = list(selectors.participants_of(meeting=meeting))
        own = next((p for p in participants if role == Role.SME_MEMBER and p.sme_id == party), None)
        context = {
            "meeting": meeting,
            "is_coordinator": coordinator,
            "participants": participants,
            "own_participant": own,
            "seeds": selectors.seeds_of_meeting(meeting=meeting),
            "presenters": selectors.presenters_of(meeting=meeting),
            "requests": selectors.requests_of(meeting=meeting) if coordinator else None,
            "is_planned": meeting.status == MeetingStatus.PLANNED,
            "registered": sum(1 for p in participants if p.reply == "attending"),
        }
        if coordinator and meeting.status != MeetingStatus.CANCELLED:
            context["hold_form"] = forms.HoldForm(
                auto_id="hold_%s",
                smes=smes_visible_to(user=request.user, municipality=self.municipality).filter(
                    pk__in=[p.sme_id for p in participants]
                ),
                initial={
                    "minutes": meeting.minutes,
                    "attended": [p.sme_id for p in participants if p.attended],
                },
            )
        if coordinator:
            context["task_form"] = forms.TaskForm(
                auto_id="task_%s", assignees=_staff_of(self.municipality), initial={"assignee": request.user}
            )
            context["tasks"] = selectors.tasks_of(meeting=meeting)
        if (
            meeting.kind == MeetingKind.SYMPOSIUM
            and meeting.status != MeetingStatus.CANCELLED
            and (coordinator or own is not None)
        ):
            context["request_form"] = MeetingDetailView.request_form(self, meeting)
        context.update(bound_forms)
        if bound_forms:
            messages.error(request, _("Nothing was saved: correct the form marked below."))
        return render(request, "negotiations/meeting_detail.html", context, status=status)

    def request_form(self, meeting, data=None):
        user, municipality = self.request.user, self.municipality
        presenters = selectors.presenters_of(meeting=meeting)
        return forms.RequestForm(
            data,
            auto_id="request_%s",
            companies=presenters,
            seeds=patents_visible_to(user=user, municipality=municipality).filter(company__in=presenters),
            smes=smes_visible_to(user=user, municipality=municipality).filter(
                pk__in=selectors.participants_of(meeting=meeting).values("sme_id")
            ),
        )


class MeetingIcsView(MeetingObjectMixin, View):
    permission_required = "negotiations.list_meetings"

    def get(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        response = HttpResponse(meeting_ics(meeting), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
        return response


class MeetingBookletView(MeetingObjectMixin, View):
    """The seed booklet of the meeting's seeds, made by the patents app."""

    permission_required = "negotiations.list_meetings"

    def get(self, request, *args, **kwargs):
        from patents.sheets import booklet_pdf

        meeting = self.get_meeting()
        seeds = list(selectors.seeds_of_meeting(meeting=meeting).prefetch_related("attachments"))
        if not seeds:
            messages.error(request, _("This meeting has no seeds for a booklet."))
            return redirect(self.tenant_url("meeting_detail", pk=meeting.pk))
        pdf = booklet_pdf(patents=seeds, municipality=self.municipality)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}-booklet.pdf"'
        return response


class MeetingInviteView(MeetingObjectMixin, View):
    permission_required = "negotiations.manage_negotiation"

    def post(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        try:
            count = services.meeting_invite(meeting=meeting, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Invitations sent to {n} SMEs.").format(n=count))
        return redirect(self.tenant_url("meeting_detail", pk=meeting.pk))


class MeetingReplyView(MeetingObjectMixin, View):
    """An invited SME answers; a coordinator may record the answer an SME gave by phone (POST sme=)."""

    permission_required = "negotiations.reply_meeting"

    def post(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        if is_coordinator(request.user, self.municipality):
            sme_id = request.POST.get("sme", "")
            if not sme_id.isdigit():
                messages.error(request, _("Choose the SME."))
                return redirect(self.tenant_url("meeting_detail", pk=meeting.pk))
        else:
            _role, sme_id = party_ids(request.user, self.municipality)
        participant = get_object_or_404(selectors.participants_of(meeting=meeting), sme_id=sme_id)
        form = forms.ReplyForm(request.POST)
        if form.is_valid():
            try:
                services.participant_reply(
                    participant=participant, actor=request.user, reply=form.cleaned_data["reply"]
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("Thank you for your reply."))
        else:
            messages.error(request, _("Answer attending or declined."))
        return redirect(self.tenant_url("meeting_detail", pk=meeting.pk))


class MeetingHoldView(MeetingObjectMixin, View):
    permission_required = "negotiations.manage_negotiation"

    def post(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        form = forms.HoldForm(
            request.POST,
            smes=smes_visible_to(user=request.user, municipality=self.municipality).filter(
                pk__in=selectors.participants_of(meeting=meeting).values("sme_id")
            ),
        )
        if form.is_valid():
            try:
                services.meeting_hold(
                    meeting=meeting,
                    actor=request.user,
                    minutes=form.cleaned_data["minutes"],
                    attended_sme_ids=[s.pk for s in form.cleaned_data["attended"]],
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("The meeting was recorded as held."))
        else:
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(self.tenant_url("meeting_detail", pk=meeting.pk))


class MeetingRequestView(MeetingObjectMixin, View):
    """After a symposium: an SME (or the coordinator for it) asks for a one-on-one with a presenter."""

    permission_required = "negotiations.request_one_on_one"

    def post(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        data = request.POST.copy()
        role, party = party_ids(request.user, self.municipality)
        if role == Role.SME_MEMBER:
            data["sme"] = str(party)
        form = MeetingDetailView.request_form(self, meeting, data)
        if (
            form.is_valid()
            and meeting.kind == MeetingKind.SYMPOSIUM
            and meeting.status != MeetingStatus.CANCELLED
        ):
            try:
                services.one_on_one_request(symposium=meeting, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("The one-on-one request was recorded."))
        else:
            messages.error(request, _("The request could not be recorded."))
        return redirect(self.tenant_url("meeting_detail", pk=meeting.pk))


class MeetingEditView(MeetingObjectMixin, View):
    """Change a planned meeting's title, agenda, time, place, capacity, seeds and presenters."""

    permission_required = "negotiations.manage_negotiation"
    template_name = "negotiations/meeting_edit.html"

    def make_form(self, meeting, data=None):
        user, municipality = self.request.user, self.municipality
        return forms.MeetingEditForm(
            data,
            kind=meeting.kind,
            companies=companies_visible_to(user=user, municipality=municipality),
            seeds=patents_visible_to(user=user, municipality=municipality),
            initial=forms.MeetingEditForm.initial_of(meeting),
        )

    def refuse_unless_planned(self, request, meeting):
        if meeting.status == MeetingStatus.PLANNED:
            return None
        messages.error(request, _("Only a planned meeting can be changed."))
        return redirect(self.tenant_url("meeting_detail", pk=meeting.pk))

    def get(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        refused = self.refuse_unless_planned(request, meeting)
        if refused:
            return refused
        return render(request, self.template_name, {"form": self.make_form(meeting), "meeting": meeting})

    def post(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        refused = self.refuse_unless_planned(request, meeting)
        if refused:
            return refused
        form = self.make_form(meeting, request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            before = (meeting.starts_at, meeting.ends_at, meeting.venue, meeting.online_url)
            try:
                meeting = services.meeting_update(meeting=meeting, actor=request.user, **data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if before != (meeting.starts_at, meeting.ends_at, meeting.venue, meeting.online_url):
                    messages.success(
                        request,
                        _(
                            "The meeting was changed. The SMEs that said they will attend get the new "
                            "time or place by e-mail."
                        ),
                    )
                else:
                    messages.success(request, _("The meeting was saved."))
                return redirect(self.tenant_url("meeting_detail", pk=meeting.pk))
        return render(request, self.template_name, {"form": form, "meeting": meeting}, status=400)


class MeetingCancelView(MeetingObjectMixin, View):
    """Cancel a planned meeting with a reason; the SMEs that said they will attend are told by e-mail."""

    permission_required = "negotiations.manage_negotiation"
    template_name = "negotiations/meeting_cancel.html"

    def context(self, meeting, form):
        attending = [p for p in selectors.participants_of(meeting=meeting) if p.reply == "attending"]
        return {"meeting": meeting, "form": form, "attending": attending}

    def get(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        if meeting.status != MeetingStatus.PLANNED:
            messages.error(request, _("Only a planned meeting can be cancelled."))
            return redirect(self.tenant_url("meeting_detail", pk=meeting.pk))
        return render(request, self.template_name, self.context(meeting, forms.MeetingCancelForm()))

    def post(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        form = forms.MeetingCancelForm(request.POST)
        if form.is_valid():
            try:
                services.meeting_cancel(
                    meeting=meeting, actor=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The meeting was cancelled."))
                return redirect(self.tenant_url("meeting_detail", pk=meeting.pk))
        return render(request, self.template_name, self.context(meeting, form), status=400)


# --- SME self-service: symposium registration ----------------------------------------------------


class SymposiumListView(TenantViewMixin, View):
    """An SME member's page: the municipality's upcoming symposiums, to register the company or withdraw."""

    permission_required = "negotiations.register_symposium"
    template_name = "negotiations/symposium_list.html"

    def get(self, request, *args, **kwargs):
        _role, sme_id = party_ids(request.user, self.municipality)
        places = selectors.registrations_of(sme_id=sme_id, municipality=self.municipality)
        symposiums = list(selectors.symposiums_open_for_registration(municipality=self.municipality))
        for symposium in symposiums:
            symposium.own_reply = places.get(symposium.pk)
            symposium.places_left = (
                None if symposium.capacity is None else max(symposium.capacity - symposium.registered, 0)
            )
        context = {"symposiums": symposiums, "has_sme": sme_id is not None}
        return render(request, self.template_name, context)


class SymposiumRegistrationView(LookupFirstMixin, View):
    """POST: register (action=register) or withdraw (action=unregister) the member's own SME.

    The symposium is looked up before the permission check, so another municipality's id is a 404
    for every role."""

    permission_required = "negotiations.register_symposium"
    action = "register"

    def lookup(self):
        if not hasattr(self, "_symposium"):
            self._symposium = get_object_or_404(
                selectors.symposiums_of(municipality=self.municipality), pk=self.kwargs["pk"]
            )
        return self._symposium

    def get_permission_object(self):
        return self.lookup()

    def post(self, request, *args, **kwargs):
        symposium = self.lookup()
        back = redirect(self.tenant_url("symposium_list"))
        _role, sme_id = party_ids(request.user, self.municipality)
        sme = smes_visible_to(user=request.user, municipality=self.municipality).filter(pk=sme_id).first()
        if sme is None:
            messages.error(request, _("Your account is not linked to a company; ask the coordinator."))
            return back
        try:
            if self.action == "register":
                services.meeting_register(meeting=symposium, actor=request.user, sme=sme)
            else:
                services.meeting_unregister(meeting=symposium, actor=request.user, sme=sme)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return back
        if self.action == "register":
            messages.success(
                request, _("{sme} is registered for “{title}”.").format(sme=sme, title=symposium.title)
            )
        else:
            messages.success(
                request,
                _("The registration of {sme} for “{title}” was cancelled.").format(
                    sme=sme, title=symposium.title
                ),
            )
        return back
