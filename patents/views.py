"""Pages of the patents app: portfolio, seeds, companies, imports, introduction sheets."""

from __future__ import annotations

from pathlib import Path

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from django_scopes import scope

from kawasaki.detail_panels import panels_for
from kawasaki.forms import add_service_errors
from kawasaki.timeline import kinds_from, timeline_for
from kawasaki.views import ServiceFormMixin, TenantObjectMixin, TenantViewMixin

from . import exports, selectors, services, sheets
from .filters import PatentFilterSet
from .forms import (
    AliasForm,
    AttachmentForm,
    CompanyForm,
    ImportUploadForm,
    PatentEditForm,
    StateForm,
    selected_ids,
)
from .importing.messages import ImportProblem
from .importing.readers import max_file_bytes
from .models import ImportState, OtherApplicants, PublicationState


class PatentAccessMixin(TenantViewMixin):
    """Helpers every patents page needs: the visible and curatable sets of this user."""

    def visible_patents(self):
        return selectors.patents_visible_to(user=self.request.user, municipality=self.municipality)

    def curatable_patents(self):
        return selectors.patents_curatable_by(user=self.request.user, municipality=self.municipality)

    def visible_companies(self):
        return selectors.companies_visible_to(user=self.request.user, municipality=self.municipality)

    @property
    def can_curate(self) -> bool:
        return self.request.user.has_perm("patents.curate_patents", self.municipality)


class PatentListView(PatentAccessMixin, TemplateView):
    permission_required = "patents.view_patent"
    template_name = "patents/patent_list.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        filterset = PatentFilterSet(
            self.request.GET or None, queryset=self.visible_patents(), request=self.request
        )
        seeds = selectors.SeedsInListOrder(filterset.qs, municipality=self.municipality)
        page = Paginator(seeds, self.paginate_by).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            form=filterset.form,
            page_obj=page,
            patents=page.object_list,
            is_paginated=page.has_other_pages(),
            query=query.urlencode(),
            can_curate=self.can_curate,
            states=PublicationState,
            **kwargs,
        )


class PatentExportView(PatentAccessMixin, View):
    """The filtered portfolio as CSV in the import template's columns, cells neutralised."""

    permission_required = "patents.curate_patents"

    def get(self, request, *args, **kwargs):
        filterset = PatentFilterSet(request.GET or None, queryset=self.visible_patents(), request=request)
        queryset = filterset.qs.order_by("number")
        language = get_language() or "ja"
        municipality = self.municipality

        def stream():
            # Sent after the view returns, outside the middleware's scope: the rows are read here,
            # 2,000 at a time (a server-side cursor on PostgreSQL), never the whole file in memory.
            with scope(municipality=municipality), translation.override(language):
                yield from exports.patents_csv_rows(queryset.iterator(chunk_size=2000), language=language)

        response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="portfolio.csv"'
        return response


class PatentDetailView(TenantObjectMixin, PatentAccessMixin, TemplateView):
    permission_required = "patents.view_patent"
    template_name = "patents/patent_detail.html"
    selector = staticmethod(selectors.patents_visible_to)

    def get_context_data(self, **kwargs):
        patent = kwargs.pop("patent", None) or self.get_object()
        can_change = self.request.user.has_perm("patents.change_patent", patent)
        can_attach = self.request.user.has_perm("patents.manage_attachments", patent)
        if can_attach and "attachment_form" not in kwargs:
            kwargs["attachment_form"] = AttachmentForm()
        return super().get_context_data(
            patent=patent,
            can_change=can_change,
            can_attach=can_attach,
            attachments=selectors.attachments_visible_to(
                user=self.request.user, municipality=self.municipality
            ).filter(patent=patent),
            next_states=sorted(services.TRANSITIONS.get(patent.publication_state, ())) if can_change else [],
            state_labels=dict(PublicationState.choices),
            detail_panels=panels_for("seed", request=self.request, obj=patent),
            history=timeline_for(
                subject="seed",
                user=self.request.user,
                municipality=self.municipality,
                obj=patent,
                kinds=kinds_from(self.request),
            ),
            **kwargs,
        )


class PatentAttachmentAddView(ServiceFormMixin, PatentDetailView):
    """Upload of a drawing, prototype photo or data file; a refused file re-renders the seed's page."""

    permission_required = "patents.curate_patents"
    http_method_names = ["post"]
    selector = staticmethod(selectors.patents_curatable_by)
    form_class = AttachmentForm

    def render_form(self, form, status=200):
        context = PatentDetailView.get_context_data(self, patent=self.get_object(), attachment_form=form)
        return render(self.request, self.template_name, context, status=status)

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("patents.manage_attachments", self.get_object()):
            raise Http404
        return super().post(request, *args, **kwargs)

    def perform(self, form):
        return services.attachment_add(
            patent=self.get_object(),
            actor=self.request.user,
            kind=form.cleaned_data["kind"],
            upload=form.cleaned_data["file"],
            caption=form.cleaned_data["caption"],
        )

    def get_success_message(self, result):
        return _("“%(name)s” was attached.") % {"name": result.original_name or result}

    def get_success_url(self, result):
        return self.tenant_url("patent_detail", pk=result.patent_id) + "#attachments"


class PatentAttachmentMixin(TenantObjectMixin, PatentAccessMixin):
    """One attachment, found only through the seeds this user may see (else 404)."""

    selector = staticmethod(selectors.attachments_visible_to)

    def get_object_lookup(self):
        return {"patent_id": self.kwargs["pk"], "pk": self.kwargs["attachment_pk"]}


class PatentAttachmentFileView(PatentAttachmentMixin, View):
    """The attachment's file. Images are shown inline, anything else is downloaded; the type sent is
    the one found in the content at upload, never the browser's."""

    permission_required = "patents.view_patent"

    def get(self, request, *args, **kwargs):
        attachment = self.get_object()
        try:
            handle = attachment.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        name = attachment.original_name or Path(attachment.file.name).name
        suffix = Path(attachment.file.name).suffix
        if not name.lower().endswith(suffix):
            name = f"{Path(name).stem or 'attachment'}{suffix}"
        response = FileResponse(
            handle,
            content_type=attachment.content_type or "application/octet-stream",
            as_attachment=not attachment.is_image,
            filename=name,
        )
        response["Cache-Control"] = "private, max-age=0"
        return response


class PatentAttachmentDeleteView(PatentAttachmentMixin, View):
    permission_required = "patents.curate_patents"

    def get_object(self):
        attachment = super().get_object()
        if not self.request.user.has_perm("patents.manage_attachments", attachment.patent):
            raise Http404
        return attachment

    def post(self, request, *args, **kwargs):
        attachment = self.get_object()
        label = str(attachment)
        services.attachment_delete(attachment=attachment, actor=request.user)
        messages.success(request, _("“%(name)s” was deleted.") % {"name": label})
        return redirect(self.tenant_url("patent_detail", pk=attachment.patent_id) + "#attachments")


class PatentEditView(ServiceFormMixin, TenantObjectMixin, PatentAccessMixin, View):
    permission_required = "patents.curate_patents"
    template_name = "patents/patent_form.html"
    selector = staticmethod(selectors.patents_curatable_by)
    form_class = PatentEditForm
    success_message = gettext_lazy("The seed was saved.")

    def get_form_kwargs(self):
        # A bound form validates a copy, so the service still sees the old values it logs as "old".
        patent = self.get_object_copy() if self.request.method == "POST" else self.get_object()
        return {"instance": patent}

    def get_context_data(self, **kwargs):
        return super().get_context_data(patent=self.get_object(), **kwargs)

    def perform(self, form):
        return services.patent_update(
            patent=self.get_object(), actor=self.request.user, data=form.cleaned_data
        )

    def get_success_url(self, result):
        return self.tenant_url("patent_detail", pk=self.get_object().pk)


class PatentStateView(TenantObjectMixin, PatentAccessMixin, View):
    permission_required = "patents.curate_patents"
    selector = staticmethod(selectors.patents_curatable_by)

    def post(self, request, *args, **kwargs):
        patent = self.get_object()
        form = StateForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose a valid state."))
        else:
            try:
                services.patent_set_state(patent=patent, actor=request.user, state=form.cleaned_data["state"])
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(
                    request,
                    _("The seed is now “%(state)s”.") % {"state": patent.get_publication_state_display()},
                )
        return redirect(self.tenant_url("patent_detail", pk=patent.pk))


class PatentBulkStateView(PatentAccessMixin, View):
    """Publish or withdraw the seeds ticked on the list."""

    permission_required = "patents.curate_patents"

    def post(self, request, *args, **kwargs):
        form = StateForm(request.POST)
        ids = selected_ids(request.POST)
        if not form.is_valid() or not ids:
            messages.error(request, _("Tick at least one seed and choose what to do."))
        else:
            patents = list(self.curatable_patents().filter(pk__in=ids))
            moved, skipped = services.patents_set_state(
                patents=patents, actor=request.user, state=form.cleaned_data["state"]
            )
            messages.success(
                request,
                _("%(moved)s seeds changed, %(skipped)s left as they were.")
                % {"moved": moved, "skipped": skipped},
            )
        # Back to the list as it was filtered: the query string travels in a hidden field, re-encoded
        # through a QueryDict so only parameters (never another address) come back.
        query = QueryDict(request.POST.get("list_query", "")).urlencode()
        return redirect(self.tenant_url("patent_list") + (f"?{query}" if query else ""))


class PatentSheetView(TenantObjectMixin, PatentAccessMixin, View):
    """The technology introduction sheet of one seed (PDF) in the reader's language, cached until
    anything it shows changes."""

    permission_required = "patents.view_patent"
    selector = staticmethod(selectors.patents_visible_to)

    def get(self, request, *args, **kwargs):
        patent = self.get_object()
        language = sheets.sheet_language(get_language())
        path = sheets.sheet_for(patent=patent, language=language)
        with open(path, "rb") as fh:
            response = HttpResponse(fh.read(), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="seed-{patent.pk}-{language}.pdf"'
        response["Content-Language"] = language
        return response


class PatentBookletView(PatentAccessMixin, View):
    """A booklet (cover, contents, one sheet per seed) of the seeds ticked on the list."""

    permission_required = "patents.view_patent"
    template_name = "patents/booklet.html"

    def booklet(self, data):
        ids = selected_ids(data, limit=200)
        patents = list(self.visible_patents().filter(pk__in=ids).order_by("company__name_ja", "number"))
        if not patents:
            return render(self.request, self.template_name, {}, status=200 if not ids else 404)
        pdf = sheets.booklet_pdf(patents=patents, municipality=self.municipality)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = 'attachment; filename="booklet.pdf"'
        return response

    def get(self, request, *args, **kwargs):
        return self.booklet(request.GET)

    def post(self, request, *args, **kwargs):
        return self.booklet(request.POST)


# --- Companies ------------------------------------------------------------------------------------


class CompanyListView(PatentAccessMixin, TemplateView):
    permission_required = "patents.view_company"
    template_name = "patents/largecompany_list.html"

    def get_context_data(self, **kwargs):
        companies = selectors.companies_with_counts(user=self.request.user, municipality=self.municipality)
        return super().get_context_data(
            companies=companies,
            can_manage=self.request.user.has_perm("patents.manage_companies", self.municipality),
            **kwargs,
        )


class CompanyCreateView(ServiceFormMixin, PatentAccessMixin, View):
    permission_required = "patents.manage_companies"
    template_name = "patents/largecompany_form.html"
    form_class = CompanyForm
    success_message = gettext_lazy("The company was registered.")

    def perform(self, form):
        data = form.cleaned_data
        return services.company_create(
            municipality=self.municipality,
            actor=self.request.user,
            name_ja=data["name_ja"],
            name_en=data["name_en"],
            contact_name=data["contact_name"],
            contact_email=data["contact_email"],
            contact_phone=data["contact_phone"],
            aliases=data["aliases"].splitlines(),
        )

    def get_success_url(self, result):
        return self.tenant_url("company_detail", pk=result.pk)


class CompanyDetailView(TenantObjectMixin, PatentAccessMixin, TemplateView):
    permission_required = "patents.view_company"
    template_name = "patents/largecompany_detail.html"
    selector = staticmethod(selectors.companies_visible_to)

    def get_context_data(self, **kwargs):
        company = self.get_object()
        selectors.attach_seed_counts([company], user=self.request.user, municipality=self.municipality)
        return super().get_context_data(
            company=company,
            aliases=company.aliases.all(),
            imports=selectors.imports_visible_to(
                user=self.request.user, municipality=self.municipality
            ).filter(company=company)[:10],
            alias_form=AliasForm(),
            can_manage=self.request.user.has_perm("patents.manage_companies", self.municipality),
            history=timeline_for(
                subject="company",
                user=self.request.user,
                municipality=self.municipality,
                obj=company,
                kinds=kinds_from(self.request),
            ),
            **kwargs,
        )


class CompanyAliasAddView(TenantObjectMixin, PatentAccessMixin, View):
    permission_required = "patents.manage_companies"
    selector = staticmethod(selectors.companies_visible_to)

    def post(self, request, *args, **kwargs):
        company = self.get_object()
        form = AliasForm(request.POST)
        if form.is_valid():
            try:
                services.company_alias_add(
                    company=company, actor=request.user, name=form.cleaned_data["name"]
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("The spelling was added."))
        else:
            messages.error(request, _("Enter a name."))
        return redirect(self.tenant_url("company_detail", pk=company.pk))


# --- Imports --------------------------------------------------------------------------------------


class ImportListView(PatentAccessMixin, View):
    permission_required = "patents.import_portfolio"
    template_name = "patents/portfolioimport_list.html"

    def upload_form(self, data=None, files=None):
        return ImportUploadForm(
            data,
            files,
            companies=self.visible_companies(),
            max_mb=round(max_file_bytes() / (1024 * 1024)),
        )

    def render_page(self, form, status=200):
        imports = selectors.imports_visible_to(user=self.request.user, municipality=self.municipality)[:50]
        return render(self.request, self.template_name, {"form": form, "imports": imports}, status=status)

    def get(self, request, *args, **kwargs):
        return self.render_page(self.upload_form())

    def post(self, request, *args, **kwargs):
        form = self.upload_form(request.POST, request.FILES)
        if form.is_valid():
            company = get_object_or_404(self.visible_companies(), pk=form.cleaned_data["company"])
            try:
                portfolio_import = services.portfolio_import_start(
                    municipality=self.municipality,
                    actor=request.user,
                    company=company,
                    upload=form.cleaned_data["file"],
                    other_applicants=form.cleaned_data["other_applicants"] or OtherApplicants.CONFIRM,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect(self.tenant_url("import_detail", pk=portfolio_import.pk))
        return self.render_page(form, status=400)


class ImportTemplateView(PatentAccessMixin, View):
    """The import template, CSV or (`file_format="xlsx"`) a workbook documenting every column."""

    permission_required = "patents.import_portfolio"
    file_format = "csv"

    def get(self, request, *args, **kwargs):
        language = "en" if request.GET.get("lang") == "en" else "ja"
        if self.file_format == "xlsx":
            content = exports.template_xlsx(language=language)
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        else:
            content = exports.template_csv(language=language)
            content_type = "text/csv; charset=utf-8"
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = (
            f'attachment; filename="portfolio-template-{language}.{self.file_format}"'
        )
        return response


class ImportDetailView(TenantObjectMixin, PatentAccessMixin, TemplateView):
    """The import's report; while the worker runs, the progress part is polled by htmx."""

    permission_required = "patents.import_portfolio"
    template_name = "patents/portfolioimport_detail.html"
    fragment_template = "patents/includes/import_progress.html"
    selector = staticmethod(selectors.imports_visible_to)

    def get_template_names(self):
        return [self.fragment_template] if self.request.headers.get("HX-Request") else [self.template_name]

    def get_context_data(self, **kwargs):
        portfolio_import = self.get_object()
        problems = [ImportProblem.from_dict(p) for p in portfolio_import.errors]
        return super().get_context_data(
            imp=portfolio_import,
            problems=problems,
            hidden_problems=max(0, portfolio_import.error_count - len(problems)),
            states=ImportState,
            **kwargs,
        )


class ImportRetryView(TenantObjectMixin, PatentAccessMixin, View):
    """Queue an interrupted import again (its worker stopped, or the queue was down)."""

    permission_required = "patents.import_portfolio"
    selector = staticmethod(selectors.imports_visible_to)

    def post(self, request, *args, **kwargs):
        portfolio_import = self.get_object()
        try:
            services.portfolio_import_retry(portfolio_import=portfolio_import, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The import was queued again."))
        return redirect(self.tenant_url("import_detail", pk=portfolio_import.pk))


class ImportConfirmView(ImportDetailView):
    """Confirm a checked import. Rows of other applicants need the box ticked: without it the report
    is shown again (400) with the message next to the box, and nothing changes."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        portfolio_import = self.get_object()
        try:
            services.portfolio_import_confirm(
                portfolio_import=portfolio_import,
                actor=request.user,
                accept_other_applicants=request.POST.get("accept_other_applicants") == "on",
            )
        except ValidationError as error:
            if "accept_other_applicants" in getattr(error, "error_dict", {}):
                context = self.get_context_data(confirm_error=" ".join(error.messages))
                return self.render_to_response(context, status=400)
            messages.error(request, " ".join(error.messages))
        return redirect(self.tenant_url("import_detail", pk=portfolio_import.pk))
