"""Pages of the subsidies app: programmes, eligibility, applications, the deadline calendar and its feed.

Views parse input, fetch objects through the selectors (so another tenant's or another SME's id is a
404) and call the services.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView
from django_scopes import scope

from kawasaki.models.users import STAFF_ROLES
from kawasaki.views import FilterSetMixin, ServiceFormMixin, TenantObjectMixin, TenantViewMixin
from negotiations.selectors import negotiations_visible_to
from smes.rules import own_sme_id
from smes.selectors import plans_visible_to, smes_visible_to

from . import ics, selectors, services
from .filters import ApplicationFilterSet, ProgrammeFilterSet
from .forms import (
    AdoptForm,
    ApplicationForm,
    DocumentForm,
    NoteForm,
    ProgrammeForm,
    StatusForm,
    WindowForm,
    WithdrawForm,
)
from .models import ApplicationStatus, Level

# --- Programmes -----------------------------------------------------------------------------------


class ProgrammeListView(FilterSetMixin, TenantViewMixin, ListView):
    permission_required = "subsidies.view_programme"
    template_name = "subsidies/programme_list.html"
    context_object_name = "programmes"
    filterset_class = ProgrammeFilterSet

    def get_base_queryset(self):
        return selectors.programmes_of(municipality=self.municipality)

    def get_context_data(self, **kwargs):
        return super().get_context_data(today=timezone.localdate(), **kwargs)


class ProgrammeObjectMixin(TenantObjectMixin):
    def get_queryset(self):
        return selectors.programmes_of(municipality=self.municipality)


class ProgrammeDetailView(ProgrammeObjectMixin, View):
    permission_required = "subsidies.view_programme"
    template_name = "subsidies/programme_detail.html"

    def get(self, request, *args, **kwargs):
        programme = self.get_object()
        applications = selectors.application_list(
            user=request.user, municipality=self.municipality, programme_id=programme.pk
        )
        context = {
            "programme": programme,
            "windows": list(selectors.windows_of_programme(programme=programme)),
            "applications": applications,
            "today": timezone.localdate(),
            "window_form": WindowForm(),
        }
        return render(request, self.template_name, context)


class ProgrammeCreateView(ServiceFormMixin, TenantViewMixin, View):
    permission_required = "subsidies.manage_programme"
    template_name = "subsidies/programme_form.html"
    form_class = ProgrammeForm
    success_message = gettext_lazy("The programme was added.")

    def get_initial(self):
        return {"level": Level.CITY}

    def get_context_data(self, **kwargs):
        return super().get_context_data(programme=None, **kwargs)

    def perform(self, form):
        return services.programme_create(
            municipality=self.municipality, actor=self.request.user, data=form.cleaned_data
        )

    def get_success_url(self, result):
        return self.tenant_url("programme_detail", pk=result.pk)


class ProgrammeEditView(ServiceFormMixin, ProgrammeObjectMixin, View):
    permission_required = "subsidies.manage_programme"
    template_name = "subsidies/programme_form.html"
    form_class = ProgrammeForm
    success_message = gettext_lazy("The programme was saved.")

    def get_form_kwargs(self):
        # A bound form validates a copy, so the service still sees the old values it logs as "old".
        return {"instance": self.get_object_copy() if self.request.method == "POST" else self.get_object()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(programme=self.get_object(), **kwargs)

    def perform(self, form):
        return services.programme_update(
            programme=self.get_object(), actor=self.request.user, data=form.cleaned_data
        )

    def get_success_url(self, result):
        return self.tenant_url("programme_detail", pk=self.get_object().pk)


class WindowCreateView(ServiceFormMixin, ProgrammeObjectMixin, View):
    permission_required = "subsidies.manage_programme"
    template_name = "subsidies/window_form.html"
    form_class = WindowForm
    success_message = gettext_lazy("The window was added.")

    def get_context_data(self, **kwargs):
        return super().get_context_data(programme=self.get_object(), **kwargs)

    def post(self, request, *args, **kwargs):
        self.get_object()  # 404 before the form is read
        return super().post(request, *args, **kwargs)

    def perform(self, form):
        return services.window_create(
            programme=self.get_object(), actor=self.request.user, **form.cleaned_data
        )

    def get_success_url(self, result):
        return self.tenant_url("programme_detail", pk=self.get_object().pk)


class WindowObjectMixin(TenantObjectMixin):
    def get_queryset(self):
        return selectors.windows_of(municipality=self.municipality)


class WindowEditView(ServiceFormMixin, WindowObjectMixin, View):
    permission_required = "subsidies.manage_programme"
    template_name = "subsidies/window_form.html"
    form_class = WindowForm
    success_message = gettext_lazy("The window was saved.")

    def get_initial(self):
        window = self.get_object()
        return {"label": window.label, "opens_on": window.opens_on, "closes_on": window.closes_on}

    def get_context_data(self, **kwargs):
        window = self.get_object()
        return super().get_context_data(programme=window.programme, window=window, **kwargs)

    def post(self, request, *args, **kwargs):
        self.get_object()  # 404 before the form is read
        return super().post(request, *args, **kwargs)

    def perform(self, form):
        return services.window_update(window=self.get_object(), actor=self.request.user, **form.cleaned_data)

    def get_success_url(self, result):
        return self.tenant_url("programme_detail", pk=self.get_object().programme_id)


class WindowDeleteView(WindowObjectMixin, View):
    """GET asks for confirmation (or says how many applications keep the window); POST deletes."""

    permission_required = "subsidies.manage_programme"
    template_name = "subsidies/window_confirm_delete.html"

    def render_page(self, window, *, error=None, status=200):
        context = {
            "window": window,
            "programme": window.programme,
            "usage": services.window_usage(window=window),
            "error": error,
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, *args, **kwargs):
        return self.render_page(self.get_object())

    def post(self, request, *args, **kwargs):
        window = self.get_object()
        programme_id = window.programme_id
        try:
            services.window_delete(window=window, actor=request.user)
        except ValidationError as error:
            return self.render_page(window, error=" ".join(error.messages), status=400)
        messages.success(request, _("The window “{label}” was deleted.").format(label=window.label))
        return redirect(self.tenant_url("programme_detail", pk=programme_id))


class TemplateListView(ServiceFormMixin, TenantViewMixin, View):
    """The shared catalogue of national and prefectural programmes; POST adopts one."""

    permission_required = "subsidies.manage_programme"
    template_name = "subsidies/programmetemplate_list.html"
    form_class = AdoptForm
    success_message = gettext_lazy("The programme was adopted; check its facts and windows.")

    def get_context_data(self, **kwargs):
        templates = selectors.templates_available(municipality=self.municipality)
        return super().get_context_data(templates=templates, **kwargs)

    def perform(self, form):
        return services.programme_adopt(
            municipality=self.municipality, actor=self.request.user, template=form.cleaned_data["template"]
        )

    def get_success_url(self, result):
        return self.tenant_url("programme_detail", pk=result.pk)


# --- Eligibility ----------------------------------------------------------------------------------


class EligibilityPickView(TenantViewMixin, View):
    """Which SME to check: an SME member goes straight to its own, a coordinator picks from the list."""

    permission_required = "subsidies.pick_eligibility"
    template_name = "subsidies/eligibility_pick.html"

    def get(self, request, *args, **kwargs):
        smes = smes_visible_to(user=request.user, municipality=self.municipality)
        chosen = request.GET.get("sme", "")
        if chosen.isdigit():
            sme = get_object_or_404(smes, pk=int(chosen))
            return redirect(self.tenant_url("subsidy_eligibility", pk=sme.pk))
        if not request.user.has_perm("subsidies.decide_application", self.municipality):
            sme_id = own_sme_id(request.user, self.municipality)
            if sme_id is None:
                return render(request, "subsidies/unlinked.html")
            return redirect(self.tenant_url("subsidy_eligibility", pk=sme_id))
        return render(request, self.template_name, {"smes": smes.order_by("name_ja")})


class EligibilityView(TenantObjectMixin, View):
    permission_required = "subsidies.view_eligibility"
    template_name = "subsidies/eligibility.html"
    selector = staticmethod(smes_visible_to)

    def get(self, request, *args, **kwargs):
        sme = self.get_object()
        results = selectors.eligibility_of(sme=sme)
        context = {
            "sme": sme,
            "results": results,
            "can_apply": request.user.has_perm("subsidies.add_application", sme),
            "is_staff": request.membership.role in STAFF_ROLES,
        }
        return render(request, self.template_name, context)


# --- Applications ---------------------------------------------------------------------------------


class ApplicationListView(FilterSetMixin, TenantViewMixin, ListView):
    permission_required = "subsidies.view_application_list"
    template_name = "subsidies/application_list.html"
    context_object_name = "applications"
    paginate_by = 50
    filterset_class = ApplicationFilterSet

    def programme_id(self) -> int | None:
        value = self.request.GET.get("programme", "")
        return int(value) if value.isdigit() else None

    def get_base_queryset(self):
        return selectors.applications_visible_to(user=self.request.user, municipality=self.municipality)

    def get_context_data(self, **kwargs):
        is_staff = self.request.membership.role in STAFF_ROLES
        return super().get_context_data(
            statuses=ApplicationStatus.choices,
            status=self.request.GET.get("status", ""),
            programmes=selectors.programmes_of(municipality=self.municipality) if is_staff else [],
            programme_id=self.programme_id(),
            own_sme_id=own_sme_id(self.request.user, self.municipality),
            is_staff=self.request.membership.role in STAFF_ROLES,
            **kwargs,
        )


def _coordinators(municipality):
    return selectors.coordinators_of(municipality=municipality)


class ApplicationFormMixin:
    def form_kwargs(self, *, creating: bool):
        user, municipality = self.request.user, self.municipality
        is_staff = user.has_perm("subsidies.decide_application", municipality)
        return {
            "smes": smes_visible_to(user=user, municipality=municipality),
            "programmes": selectors.programmes_of(municipality=municipality, active_only=True),
            "windows": selectors.windows_of(municipality=municipality)
            .filter(programme__is_active=True, closes_on__gte=timezone.localdate())
            .order_by("programme__name", "opens_on"),
            "plans": plans_visible_to(user=user, municipality=municipality),
            "negotiations": negotiations_visible_to(user=user, municipality=municipality),
            "coordinators": _coordinators(municipality) if is_staff else None,
            "creating": creating,
        }


class ApplicationCreateView(ServiceFormMixin, ApplicationFormMixin, TenantViewMixin, View):
    permission_required = "subsidies.view_application_list"
    template_name = "subsidies/application_form.html"
    form_class = ApplicationForm
    success_message = gettext_lazy("The application was started as a draft.")
    denied_message = gettext_lazy("You cannot apply for this SME.")
    denied_field = "sme"

    def unlinked(self):
        return not self.request.user.has_perm("subsidies.decide_application", self.municipality) and (
            own_sme_id(self.request.user, self.municipality) is None
        )

    def get_initial(self):
        get = self.request.GET
        initial = {k: get[k] for k in ("sme", "programme", "window") if get.get(k, "").isdigit()}
        initial.setdefault("sme", own_sme_id(self.request.user, self.municipality))
        return initial

    def get_form_kwargs(self):
        return self.form_kwargs(creating=True)

    def get_context_data(self, **kwargs):
        form = kwargs.get("form")
        duplicate = None
        if form is not None and form.is_bound and "allow_duplicate" in form.errors and form.cleaned_data:
            # The warning links to the existing application (found among those the user may see).
            data = form.cleaned_data
            first = services.application_duplicate_of(sme=data["sme"], window=data["window"])
            if first is not None:
                duplicate = (
                    selectors.applications_visible_to(user=self.request.user, municipality=self.municipality)
                    .filter(pk=first.pk)
                    .first()
                )
        return super().get_context_data(application=None, duplicate_of=duplicate, **kwargs)

    def get(self, request, *args, **kwargs):
        if self.unlinked():
            return render(request, "subsidies/unlinked.html")
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.unlinked():
            return render(request, "subsidies/unlinked.html", status=400)
        return super().post(request, *args, **kwargs)

    def perform(self, form):
        data = form.cleaned_data
        return services.application_create(
            sme=data["sme"],
            programme=data["programme"],
            actor=self.request.user,
            window=data["window"],
            title=data["title"],
            amount_requested_jpy=data["amount_requested_jpy"],
            business_plan=data["business_plan"],
            negotiation=data["negotiation"],
            coordinator=data.get("coordinator"),
            allow_duplicate=data.get("allow_duplicate", False),
        )

    def get_success_url(self, result):
        return self.tenant_url("subsidy_application_detail", pk=result.pk)


class ApplicationObjectMixin(TenantObjectMixin):
    selector = staticmethod(selectors.applications_visible_to)


class ApplicationDetailView(ApplicationObjectMixin, View):
    permission_required = "subsidies.view_application"
    template_name = "subsidies/application_detail.html"

    def get(self, request, *args, **kwargs):
        return render(request, self.template_name, self.context(self.get_object()))

    def context(self, application, **extra):
        user = self.request.user
        can_notes = user.has_perm("subsidies.view_notes", self.municipality)
        allowed = services.transitions_for(application=application, user=user)
        # Withdrawal has its own form (it needs a reason); a step back to draft is offered last, so
        # that the pre-selected choice is always a step forward.
        moves = sorted(
            (s for s in allowed if s != ApplicationStatus.WITHDRAWN),
            key=lambda s: s == ApplicationStatus.DRAFT,
        )
        context = {
            "application": application,
            "transitions": [(s, ApplicationStatus(s).label) for s in moves],
            "can_grant": ApplicationStatus.GRANTED in moves,
            "can_withdraw": ApplicationStatus.WITHDRAWN in allowed,
            "status_form": StatusForm(),
            "withdraw_form": WithdrawForm(prefix="withdraw"),
            "notes": selectors.notes_visible_to(user=user, application=application) if can_notes else [],
            "can_notes": can_notes,
            "note_form": NoteForm(),
            "documents": selectors.documents_of(application=application),
            "document_form": DocumentForm(),
            "can_edit": application.status == ApplicationStatus.DRAFT
            and user.has_perm("subsidies.change_application", application),
            "can_upload": user.has_perm("subsidies.change_application", application),
        }
        context.update(extra)
        return context


class ApplicationEditView(ServiceFormMixin, ApplicationFormMixin, ApplicationObjectMixin, View):
    permission_required = "subsidies.view_application"
    template_name = "subsidies/application_form.html"
    form_class = ApplicationForm
    success_message = gettext_lazy("The application was saved.")
    denied_message = gettext_lazy("You cannot change this application.")

    def get_initial(self):
        application = self.get_object()
        return {
            "title": application.title,
            "window": application.window_id,
            "amount_requested_jpy": application.amount_requested_jpy,
            "business_plan": application.business_plan_id,
            "negotiation": application.negotiation_id,
            "coordinator": application.coordinator_id,
        }

    def get_form_kwargs(self):
        kwargs = self.form_kwargs(creating=False)
        # Editing: the SME is fixed, so only its own plans and deals are offered.
        sme_id = self.get_object().sme_id
        kwargs["plans"] = kwargs["plans"].filter(sme_id=sme_id)
        kwargs["negotiations"] = kwargs["negotiations"].filter(sme_id=sme_id)
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(application=self.get_object(), **kwargs)

    def post(self, request, *args, **kwargs):
        self.get_object()  # 404 before the form is read
        return super().post(request, *args, **kwargs)

    def perform(self, form):
        return services.application_update(
            application=self.get_object(), actor=self.request.user, data=form.cleaned_data
        )

    def get_success_url(self, result):
        return self.tenant_url("subsidy_application_detail", pk=self.get_object().pk)


class ApplicationDetailFormView(ServiceFormMixin, ApplicationDetailView):
    """POST only: one of the forms on the application's page; errors re-render the page, with the
    form under `context_name`."""

    http_method_names = ["post"]
    context_name = "form"

    def post(self, request, *args, **kwargs):
        self.get_object()  # 404 before the form is read
        return super().post(request, *args, **kwargs)

    def render_form(self, form, status=200):
        context = self.context(self.get_object(), **{self.context_name: form})
        return render(self.request, self.template_name, context, status=status)

    def get_success_url(self, result):
        return self.tenant_url("subsidy_application_detail", pk=self.get_object().pk)


class ApplicationStatusView(ApplicationDetailFormView):
    """POST only: move the application to another status."""

    form_class = StatusForm
    context_name = "status_form"
    denied_message = gettext_lazy("You cannot make this change.")

    def perform(self, form):
        data = form.cleaned_data
        self.new_status = ApplicationStatus(data["new_status"])
        return services.application_set_status(
            application=self.get_object(),
            new_status=data["new_status"],
            actor=self.request.user,
            on=data["on"],
            amount_granted_jpy=data["amount_granted_jpy"],
        )

    def get_success_message(self, result):
        return _("The application is now “{status}”.").format(status=self.new_status.label)

    def form_invalid(self, form):
        # A refused move may have changed the instance in memory: show what is stored.
        self.get_object().refresh_from_db()
        return super().form_invalid(form)


class ApplicationWithdrawView(ApplicationDetailFormView):
    """POST only: withdraw the application, with a reason."""

    form_class = WithdrawForm
    context_name = "withdraw_form"
    success_message = gettext_lazy("The application was withdrawn.")
    denied_message = gettext_lazy("You cannot withdraw this application.")

    def get_form_kwargs(self):
        return {"prefix": "withdraw"}

    def perform(self, form):
        return services.application_set_status(
            application=self.get_object(),
            new_status=ApplicationStatus.WITHDRAWN,
            actor=self.request.user,
            on=form.cleaned_data["on"],
            reason=form.cleaned_data["reason"],
        )

    def form_invalid(self, form):
        self.get_object().refresh_from_db()
        return super().form_invalid(form)


class ApplicationNoteView(ApplicationDetailFormView):
    """POST only: add a coordinator note."""

    permission_required = "subsidies.add_note"
    form_class = NoteForm
    context_name = "note_form"
    success_message = gettext_lazy("The note was added.")

    def perform(self, form):
        return services.application_note_add(
            application=self.get_object(), actor=self.request.user, body=form.cleaned_data["body"]
        )


class DocumentUploadView(ApplicationDetailFormView):
    """POST only: attach a document."""

    form_class = DocumentForm
    context_name = "document_form"
    success_message = gettext_lazy("The document was uploaded.")
    denied_message = gettext_lazy("You cannot add documents to this application.")

    def perform(self, form):
        return services.application_document_add(
            application=self.get_object(),
            actor=self.request.user,
            title=form.cleaned_data["title"],
            file=form.cleaned_data["file"],
        )


class DocumentDownloadView(TenantObjectMixin, View):
    permission_required = "subsidies.view_application_list"
    selector = staticmethod(selectors.documents_visible_to)

    def get(self, request, *args, **kwargs):
        document = self.get_object()
        name = document.file.name.rsplit("/", 1)[-1]
        with document.file.open("rb") as handle:
            body = handle.read()
        response = HttpResponse(body, content_type="application/octet-stream")
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
        return response


# --- Calendar and feed ----------------------------------------------------------------------------


class CalendarView(TenantViewMixin, View):
    permission_required = "subsidies.view_calendar"
    template_name = "subsidies/calendar.html"

    def get(self, request, *args, **kwargs):
        today = timezone.localdate()
        windows = list(selectors.windows_in_calendar(municipality=self.municipality, today=today))
        context = {
            "months": selectors.calendar_months(windows=windows),
            "today": today,
            "open_count": sum(1 for w in windows if w.is_open_on(today)),
        }
        return render(request, self.template_name, context)


class CalendarFeedView(TenantViewMixin, View):
    """The coordinator's own .ics address: issue (or replace) it, or revoke it."""

    permission_required = "subsidies.manage_feed"
    template_name = "subsidies/calendar_feed.html"

    def render_page(self, feed_url=None, status=200):
        feeds = selectors.feeds_of(user=self.request.user, municipality=self.municipality)
        context = {"live": feeds.filter(revoked_at__isnull=True).first(), "feed_url": feed_url}
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, *args, **kwargs):
        return self.render_page()

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        if action == "issue":
            _feed, token = services.calendar_feed_issue(municipality=self.municipality, user=request.user)
            # The address is shown once, in this response; only the token's digest is stored.
            url = request.build_absolute_uri(reverse("api_subsidy_calendar_ics", kwargs={"token": token}))
            return self.render_page(feed_url=url)
        if action == "revoke":
            live = selectors.feeds_of(user=request.user, municipality=self.municipality).filter(
                revoked_at__isnull=True
            )
            for feed in live:
                services.calendar_feed_revoke(feed=feed, actor=request.user)
            messages.success(request, _("The calendar address was revoked."))
            return redirect(self.tenant_url("subsidy_calendar_feed"))
        return self.render_page(status=400)


def window_events(*, windows, base_url: str):
    """Two all-day events per window: its opening and its deadline."""
    for window in windows:
        programme = window.programme
        url = base_url + reverse(
            "programme_detail", kwargs={"municipality": window.municipality.slug, "pk": programme.pk}
        )
        period = _("Window {opens} to {closes}").format(
            opens=window.opens_on.isoformat(), closes=window.closes_on.isoformat()
        )
        description = "\n".join(t for t in (period, programme.agency, programme.official_url) if t)
        yield ics.AllDayEvent(
            uid=f"subsidy-window-{window.pk}-opens@kawasaki-ip",
            start=window.opens_on,
            end=window.opens_on,
            summary=_("Opens: {programme} ({window})").format(programme=programme.name, window=window.label),
            description=description,
            url=url,
        )
        yield ics.AllDayEvent(
            uid=f"subsidy-window-{window.pk}-deadline@kawasaki-ip",
            start=window.closes_on,
            end=window.closes_on,
            summary=_("Deadline: {programme} ({window})").format(
                programme=programme.name, window=window.label
            ),
            description=description,
            url=url,
        )


def calendar_ics(request, token: str):
    """The .ics feed of one coordinator. The unguessable token in the address is the credential (calendar
    programs send no session); it is revocable, and dies with the holder's coordinator role."""
    feed = selectors.calendar_feed_by_token(token=token)
    if feed is None:
        raise Http404
    with scope(municipality=feed.municipality):
        if not feed.user.has_perm("subsidies.view_calendar", feed.municipality):
            raise Http404
        today = timezone.localdate()
        windows = selectors.windows_in_calendar(municipality=feed.municipality, today=today, days_back=90)
        with translation.override(feed.user.preferred_language or "ja"):
            name = _("Subsidy deadlines: {name}").format(name=feed.municipality.name)
            body = ics.calendar(
                name=name,
                events=list(
                    window_events(windows=windows, base_url=request.build_absolute_uri("/").rstrip("/"))
                ),
                stamp=timezone.now(),
            )
        type(feed).objects.filter(pk=feed.pk).update(last_used_at=timezone.now())
    response = HttpResponse(body.encode("utf-8"), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="subsidy-deadlines.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response
