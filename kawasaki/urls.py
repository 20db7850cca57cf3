from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import views
from .lookups import LookupView

# Pages of one municipality live under /m/<municipality>/; the middleware enters its scope.
tenant_patterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("members/", views.MemberListView.as_view(), name="member_list"),
    path("members/<int:pk>/edit/", views.MembershipEditView.as_view(), name="membership_edit"),
    path("invitations/", views.InvitationListView.as_view(), name="invitation_list"),
    path("invitations/<int:pk>/revoke/", views.InvitationRevokeView.as_view(), name="invitation_revoke"),
    path("audit/", views.AuditListView.as_view(), name="audit_list"),
    path("tokens/", views.ApiTokenListView.as_view(), name="apitoken_list"),
    path("tokens/<int:pk>/revoke/", views.ApiTokenRevokeView.as_view(), name="apitoken_revoke"),
    path("lookups/<str:name>/", LookupView.as_view(), name="lookup"),
    # Each domain app's pages, under the same municipality prefix.
    path("patents/", include("patents.urls")),
    path("smes/", include("smes.urls")),
    path("matching/", include("matching.urls")),
    path("negotiations/", include("negotiations.urls")),
    # Meetings belong to matching but keep their paths under negotiations/.
    path("negotiations/", include("matching.meeting_urls")),
    path("subsidies/", include("subsidies.urls")),
    path("reports/", include("reports.urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("about/", views.AboutView.as_view(), name="about"),
    path("m/<slug:municipality>/", include(tenant_patterns)),
    path("invitations/<str:token>/", views.InvitationAcceptView.as_view(), name="invitation_accept"),
    path("accounts/mfa-required/", views.MfaRequiredView.as_view(), name="mfa_required"),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("kawasaki.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
    # Before the admin's own URLs: its password-only login form is replaced by allauth's (MFA, throttles).
    path("admin/login/", views.AdminLoginRedirectView.as_view(), name="admin_login_redirect"),
    path("admin/", admin.site.urls),
]
# Uploaded files are never served from a public /media/ URL, not even in the demo: each app serves
# its files through a view that checks who may see them.
