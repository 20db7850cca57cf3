"""Pages of the core: home, dashboard, members, invitations, audit log, API tokens."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, login
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView, TemplateView
from django_scopes import scope
from rules.contrib.views import PermissionRequiredMixin

from . import selectors, services
from .dashboard import panels_for
from .forms import AcceptInvitationForm, ApiTokenForm, InvitationForm, MembershipForm, add_service_errors
from .middleware import SESSION_LAST_MUNICIPALITY


class TenantViewMixin(PermissionRequiredMixin):
    """A page inside one municipality: the middleware has set request.municipality and the scope;
    permissions are checked against the municipality unless a view names another object."""

    raise_exception = True  # anonymous users never get here (the middleware sends them to login)

    def get_permission_object(self):
        return self.request.municipality

    @property
    def municipality(self):
        return self.request.municipality

    def tenant_url(self, name: str, **kwargs) -> str:
        return reverse(name, kwargs={"municipality": self.municipality.slug, **kwargs})


class TenantObjectMixin(TenantViewMixin):
    """A page of one object, found among the rows this user may see in this municipality.

    The one way for a view to get its object (no `lookup()` or `get_<model>()` of its own):

        class SMEEditView(TenantObjectMixin, View):
            selector = staticmethod(selectors.smes_visible_to)  # called with user= and municipality=

            def get(self, request, *args, **kwargs):
                sme = self.get_object()

    - `selector` is a selector taking `user=` and `municipality=`; a view whose rows come otherwise
      (a municipality-only selector, an annotated queryset) overrides `get_queryset()` instead.
    - `get_object()` is `get_object_or_404(get_queryset(), pk=<the URL's pk_url_kwarg>)`, cached for the
      request, so another tenant's (or an invisible) id is a 404. Further lookups go in
      `get_object_lookup()`; a view that must refuse more (e.g. a per-object rule) overrides
      `get_object()`, calls super() and raises Http404.
    - It is fetched before any method is refused, so a method the view does not serve cannot tell
      (by 405 instead of 404) that the object exists.
    - Permissions are still checked against the municipality (TenantViewMixin); for a rule on the
      object itself, call `self.request.user.has_perm(perm, self.get_object())` or return
      `self.get_object()` from `get_permission_object()`.
    - `get_object_copy()` is an uncached copy: a ModelForm validates (and so changes) the copy, and
      the service still sees the old values it logs.
    """

    selector = None
    pk_url_kwarg = "pk"

    def get_queryset(self):
        if self.selector is None:
            raise NotImplementedError(f"{type(self).__name__} sets `selector` or overrides get_queryset().")
        return self.selector(user=self.request.user, municipality=self.municipality)

    def get_object_lookup(self) -> dict:
        return {"pk": self.kwargs[self.pk_url_kwarg]}

    def get_object(self):
        if not hasattr(self, "_object"):
            self._object = get_object_or_404(self.get_queryset(), **self.get_object_lookup())
        return self._object

    def get_object_copy(self):
        return self.get_queryset().get(pk=self.get_object().pk)

    def http_method_not_allowed(self, request, *args, **kwargs):
        self.get_object()
        return super().http_method_not_allowed(request, *args, **kwargs)


class ServiceFormMixin:
    """A form whose valid data goes to one service: form → service → errors on the form → message and
    redirect. Mix in after TenantViewMixin / TenantObjectMixin, with django's `View`:

        class SMECreateView(ServiceFormMixin, TenantViewMixin, View):
            form_class = SMEForm
            template_name = "smes/sme_form.html"
            success_message = _("The SME was registered.")

            def perform(self, form):
                return services.sme_create(municipality=self.municipality, actor=self.request.user,
                                           data=form.cleaned_data)

            def get_success_url(self, result):
                return self.tenant_url("sme_detail", pk=result.pk)

    - GET renders `template_name` with `get_context_data(form=...)` (default: just the form).
    - POST builds the form from the request (`get_form_kwargs()` for extra arguments, `get_initial()`
      for the unbound form); when valid, `perform(form)` calls the service and its return value goes
      to `get_success_message(result)` and `get_success_url(result)`.
    - A Django ValidationError from the service is shown on the form (field errors on their fields,
      see kawasaki.forms.add_service_errors); a PermissionDenied from the service becomes
      `denied_message` on `denied_field` (the form) when a view sets `denied_message`, else it
      propagates (403). An invalid form re-renders with status 400 (`form_invalid()` to change that).
    """

    form_class: type | None = None
    template_name: str  # set by the view (or a view it extends)
    success_message = ""
    denied_message = ""
    denied_field: str | None = None

    def get_initial(self) -> dict:
        return {}

    def get_form_kwargs(self) -> dict:
        return {}

    def get_form(self, data=None, files=None):
        kwargs = self.get_form_kwargs()
        if data is None:
            kwargs.setdefault("initial", self.get_initial())
            return self.form_class(**kwargs)
        return self.form_class(data, files, **kwargs)

    def get_context_data(self, **kwargs) -> dict:
        return kwargs

    def render_form(self, form, status: int = 200):
        return render(self.request, self.template_name, self.get_context_data(form=form), status=status)

    def perform(self, form):
        raise NotImplementedError

    def get_success_message(self, result) -> str:
        return str(self.success_message)

    def get_success_url(self, result) -> str:
        raise NotImplementedError

    def form_invalid(self, form):
        return self.render_form(form, status=400)

    def get(self, request, *args, **kwargs):
        return self.render_form(self.get_form())

    def post(self, request, *args, **kwargs):
        form = self.get_form(request.POST, request.FILES)
        if form.is_valid():
            try:
                result = self.perform(form)
            except ValidationError as error:
                add_service_errors(form, error)
            except PermissionDenied:
                if not self.denied_message:
                    raise
                form.add_error(self.denied_field, str(self.denied_message))
            else:
                message = self.get_success_message(result)
                if message:
                    messages.success(request, message)
                return redirect(self.get_success_url(result))
        return self.form_invalid(form)


class FilterSetMixin:
    """A list page filtered by its `<Model>FilterSet` (kawasaki/filters.py), the one its API endpoint uses.

    Set `filterset_class` and `get_base_queryset()` (the selector's queryset, the rows this user may
    see); `ListView.get_queryset()` then returns the filtered rows. The context gets `filterset` and
    `filter_form`: a value that does not validate is ignored and shown as a form error.
    """

    filterset_class: type | None = None

    def get_base_queryset(self):
        raise NotImplementedError

    def get_filterset(self):
        if not hasattr(self, "_filterset"):
            self._filterset = self.filterset_class(
                self.request.GET or None, queryset=self.get_base_queryset(), request=self.request
            )
        return self._filterset

    def get_queryset(self):
        return self.get_filterset().qs

    def get_context_data(self, **kwargs):
        filterset = self.get_filterset()
        return super().get_context_data(filterset=filterset, filter_form=filterset.form, **kwargs)


class AboutView(TemplateView):
    """What the service is and whose data it uses, with the notices their licences ask for (JMdict's
    EDRDG licence asks for one on an About page). Public: nothing here belongs to a municipality."""

    template_name = "kawasaki/about.html"


def home(request):
    """Send a signed-in user to the municipality they used last, else their first one."""
    if not request.user.is_authenticated:
        return redirect("account_login")
    memberships = list(selectors.memberships_of(user=request.user))
    if not memberships:
        return render(request, "kawasaki/no_membership.html", status=200)
    slugs = {m.municipality.slug for m in memberships}
    last = request.session.get(SESSION_LAST_MUNICIPALITY)
    slug = last if last in slugs else memberships[0].municipality.slug
    return redirect("dashboard", municipality=slug)


class DashboardView(TenantViewMixin, TemplateView):
    permission_required = "kawasaki.view_dashboard"
    template_name = "kawasaki/dashboard.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(panels=panels_for(self.request), **kwargs)


class MemberListView(TenantViewMixin, ListView):
    permission_required = "kawasaki.view_members"
    template_name = "kawasaki/membership_list.html"
    context_object_name = "memberships"

    def get_queryset(self):
        return selectors.members_of(municipality=self.municipality)


class MembershipEditView(ServiceFormMixin, TenantObjectMixin, View):
    permission_required = "kawasaki.manage_members"
    template_name = "kawasaki/membership_form.html"
    form_class = MembershipForm
    success_message = gettext_lazy("The membership was updated.")

    def get_queryset(self):
        return selectors.members_of(municipality=self.municipality)

    def get_initial(self):
        membership = self.get_object()
        return {"role": membership.role, "is_active": membership.is_active}

    def get_context_data(self, **kwargs):
        return super().get_context_data(membership=self.get_object(), **kwargs)

    def perform(self, form):
        return services.membership_update(
            membership=self.get_object(),
            actor=self.request.user,
            role=form.cleaned_data["role"],
            is_active=form.cleaned_data["is_active"],
        )

    def get_success_url(self, result):
        return self.tenant_url("member_list")


class InvitationListView(ServiceFormMixin, TenantViewMixin, View):
    permission_required = "kawasaki.manage_members"
    template_name = "kawasaki/invitation_list.html"
    form_class = InvitationForm

    def get_context_data(self, **kwargs):
        invitations = selectors.invitations_of(municipality=self.municipality)[:200]
        return super().get_context_data(invitations=invitations, **kwargs)

    def perform(self, form):
        invitation, _token = services.invitation_create(
            municipality=self.municipality,
            actor=self.request.user,
            email=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
        )
        return invitation

    def get_success_message(self, result):
        return _("An invitation was sent to %(email)s.") % {"email": result.email}

    def get_success_url(self, result):
        return self.tenant_url("invitation_list")


class InvitationRevokeView(TenantObjectMixin, View):
    permission_required = "kawasaki.manage_members"

    def get_queryset(self):
        return selectors.invitations_open(municipality=self.municipality)

    def post(self, request, *args, **kwargs):
        invitation = self.get_object()
        services.invitation_revoke(invitation=invitation, actor=request.user)
        messages.success(request, _("The invitation was withdrawn."))
        return redirect(self.tenant_url("invitation_list"))


class AuditListView(TenantViewMixin, ListView):
    permission_required = "kawasaki.view_audit"
    template_name = "kawasaki/auditentry_list.html"
    context_object_name = "entries"
    paginate_by = 50

    def get_queryset(self):
        return selectors.audit_entries_of(municipality=self.municipality)


class ApiTokenListView(TenantViewMixin, View):
    permission_required = "kawasaki.manage_api_tokens"
    template_name = "kawasaki/apitoken_list.html"

    def render_page(self, form, new_key=None, status=200):
        tokens = selectors.api_tokens_of(user=self.request.user, municipality=self.municipality)
        context = {"form": form, "tokens": tokens, "new_key": new_key}
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, *args, **kwargs):
        return self.render_page(ApiTokenForm())

    def post(self, request, *args, **kwargs):
        form = ApiTokenForm(request.POST)
        if not form.is_valid():
            return self.render_page(form, status=400)
        _token, key = services.api_token_issue(
            user=request.user,
            municipality=self.municipality,
            name=form.cleaned_data["name"],
            read_only=form.cleaned_data["read_only"],
        )
        # The key is shown once, in this response, and never stored in clear.
        return self.render_page(ApiTokenForm(), new_key=key)


class ApiTokenRevokeView(TenantObjectMixin, View):
    permission_required = "kawasaki.manage_api_tokens"
    selector = staticmethod(selectors.api_tokens_of)

    def get_object_lookup(self):
        return {**super().get_object_lookup(), "revoked_at__isnull": True}

    def post(self, request, *args, **kwargs):
        token = self.get_object()
        services.api_token_revoke(token=token, actor=request.user)
        messages.success(request, _("The API token was revoked."))
        return redirect(self.tenant_url("apitoken_list"))


class InvitationAcceptView(View):
    """The link in an invitation e-mail: set a password (new address) or join (signed-in invitee)."""

    template_name = "kawasaki/invitation_accept.html"

    def get_invitation(self):
        invitation = selectors.invitation_by_token(token=self.kwargs["token"])
        if invitation is None:
            raise Http404
        return invitation

    def render_page(self, invitation, form, status=200):
        context = {"invitation": invitation, "form": form, "usable": invitation.is_open}
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, *args, **kwargs):
        invitation = self.get_invitation()
        form = None if request.user.is_authenticated else AcceptInvitationForm(email=invitation.email)
        return self.render_page(invitation, form, status=200 if invitation.is_open else 410)

    def post(self, request, *args, **kwargs):
        invitation = self.get_invitation()
        if not invitation.is_open:
            return self.render_page(invitation, None, status=410)
        form = None
        with scope(municipality=invitation.municipality):
            try:
                if request.user.is_authenticated:
                    membership = services.invitation_accept(invitation=invitation, user=request.user)
                else:
                    form = AcceptInvitationForm(request.POST, email=invitation.email)
                    if not form.is_valid():
                        return self.render_page(invitation, form, status=400)
                    membership = services.invitation_accept(
                        invitation=invitation, user=None, password=form.cleaned_data["password1"]
                    )
                    login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return self.render_page(invitation, form, status=400)
        messages.success(request, _("Welcome to %(name)s.") % {"name": membership.municipality.name})
        return HttpResponseRedirect(
            reverse("dashboard", kwargs={"municipality": membership.municipality.slug})
        )


class MfaRequiredView(LoginRequiredMixin, TemplateView):
    """Explains why the user must enrol an authenticator app, with the link to do it."""

    template_name = "kawasaki/mfa_required.html"


class AdminLoginRedirectView(View):
    """/admin/login/: the Django admin signs in through allauth's login, with its MFA step and throttles.

    The admin's own form checks the password alone and has no rate limit, so it is never shown; the
    admin's "next" page is carried over.
    """

    def dispatch(self, request, *args, **kwargs):
        target = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = reverse("admin:index")
        return HttpResponseRedirect(f"{reverse('account_login')}?{urlencode({REDIRECT_FIELD_NAME: target})}")
