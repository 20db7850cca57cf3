"""Pages of the core: home, dashboard, members, invitations, audit log, API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
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


class LookupFirstMixin(TenantViewMixin):
    """A page of one object: an id that is not the user's answers 404 whatever the method, so a
    method the view does not serve cannot tell (by 405) that the object exists. Views set `lookup()`."""

    def lookup(self):
        raise NotImplementedError

    def http_method_not_allowed(self, request, *args, **kwargs):
        self.lookup()
        return super().http_method_not_allowed(request, *args, **kwargs)


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


class MembershipEditView(TenantViewMixin, View):
    permission_required = "kawasaki.manage_members"
    template_name = "kawasaki/membership_form.html"

    def get_membership(self):
        return get_object_or_404(selectors.members_of(municipality=self.municipality), pk=self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        membership = self.get_membership()
        form = MembershipForm(initial={"role": membership.role, "is_active": membership.is_active})
        return render(request, self.template_name, {"form": form, "membership": membership})

    def post(self, request, *args, **kwargs):
        membership = self.get_membership()
        form = MembershipForm(request.POST)
        if form.is_valid():
            try:
                services.membership_update(
                    membership=membership,
                    actor=request.user,
                    role=form.cleaned_data["role"],
                    is_active=form.cleaned_data["is_active"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The membership was updated."))
                return redirect(self.tenant_url("member_list"))
        return render(request, self.template_name, {"form": form, "membership": membership}, status=400)


class InvitationListView(TenantViewMixin, View):
    permission_required = "kawasaki.manage_members"
    template_name = "kawasaki/invitation_list.html"

    def render_page(self, form, status=200):
        context = {
            "form": form,
            "invitations": selectors.invitations_of(municipality=self.municipality)[:200],
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, *args, **kwargs):
        return self.render_page(InvitationForm())

    def post(self, request, *args, **kwargs):
        form = InvitationForm(request.POST)
        if form.is_valid():
            try:
                invitation, _token = services.invitation_create(
                    municipality=self.municipality,
                    actor=request.user,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, _("An invitation was sent to %(email)s.") % {"email": invitation.email}
                )
                return redirect(self.tenant_url("invitation_list"))
        return self.render_page(form, status=400)


class InvitationRevokeView(TenantViewMixin, View):
    permission_required = "kawasaki.manage_members"

    def post(self, request, *args, **kwargs):
        invitation = get_object_or_404(
            selectors.invitations_open(municipality=self.municipality), pk=kwargs["pk"]
        )
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


class ApiTokenRevokeView(TenantViewMixin, View):
    permission_required = "kawasaki.manage_api_tokens"

    def post(self, request, *args, **kwargs):
        tokens = selectors.api_tokens_of(user=request.user, municipality=self.municipality)
        token = get_object_or_404(tokens, pk=kwargs["pk"], revoked_at__isnull=True)
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
