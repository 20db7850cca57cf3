"""Pages of the smes app, under /m/<municipality>/smes/."""

from django.urls import path

from . import views, views_shared

urlpatterns = [
    path("", views.SMEListView.as_view(), name="sme_list"),
    path("new/", views.SMECreateView.as_view(), name="sme_create"),
    path("mine/", views.SMEMineView.as_view(), name="sme_mine"),
    path("<int:pk>/", views.SMEDetailView.as_view(), name="sme_detail"),
    path("<int:pk>/edit/", views.SMEEditView.as_view(), name="sme_edit"),
    path("<int:pk>/shared/", views_shared.SMESharedView.as_view(), name="sme_shared"),
    path("<int:pk>/visits/new/", views.VisitCreateView.as_view(), name="visit_create"),
    path("<int:pk>/plans/new/", views.PlanCreateView.as_view(), name="plan_create"),
    path("<int:pk>/referrals/new/", views.ReferralCreateView.as_view(), name="referral_create"),
    path("<int:pk>/contacts/new/", views.ContactPersonCreateView.as_view(), name="contactperson_create"),
    path("contacts/<int:pk>/edit/", views.ContactPersonEditView.as_view(), name="contactperson_edit"),
    path("contacts/<int:pk>/delete/", views.ContactPersonDeleteView.as_view(), name="contactperson_delete"),
    path("follow-ups/", views.FollowupListView.as_view(), name="followup_list"),
    path("follow-ups/<int:pk>/done/", views.FollowupDoneView.as_view(), name="followup_done"),
    path("plans/", views.PlanListView.as_view(), name="plan_list"),
    path("plans/<int:pk>/", views.PlanDetailView.as_view(), name="plan_detail"),
    path("plans/<int:pk>/edit/", views.PlanEditView.as_view(), name="plan_edit"),
    path("plans/<int:pk>/new-version/", views.PlanNewVersionView.as_view(), name="plan_new_version"),
    path("plans/<int:pk>/status/", views.PlanStatusView.as_view(), name="plan_status"),
    path("plans/<int:pk>/diff/", views.PlanDiffView.as_view(), name="plan_diff"),
    path("plans/<int:pk>/v<int:number>/", views.PlanVersionDetailView.as_view(), name="planversion_detail"),
    path("plans/<int:pk>/v<int:number>/pdf/", views.PlanVersionPdfView.as_view(), name="planversion_pdf"),
    path(
        "plans/<int:pk>/v<int:number>/pdf/status/",
        views.PlanVersionPdfStatusView.as_view(),
        name="planversion_pdf_status",
    ),
    path(
        "plans/<int:pk>/v<int:number>/comments/",
        views.PlanCommentCreateView.as_view(),
        name="plancomment_create",
    ),
    path("partners/", views.PartnerListView.as_view(), name="partner_list"),
    path("partners/new/", views.PartnerCreateView.as_view(), name="partner_create"),
    path("partners/<int:pk>/", views.PartnerDetailView.as_view(), name="partner_detail"),
    path("partners/<int:pk>/edit/", views.PartnerEditView.as_view(), name="partner_edit"),
    path("referrals/<int:pk>/outcome/", views.ReferralOutcomeView.as_view(), name="referral_outcome"),
    path("seeds/", views.SeedListView.as_view(), name="seed_list"),
    path("seeds/<int:pk>/", views.SeedDetailView.as_view(), name="seed_detail"),
    path("seeds/<int:pk>/interest/", views.SeedInterestCreateView.as_view(), name="seed_interest"),
    path("interests/", views.InterestInboxView.as_view(), name="interest_list"),
    path("interests/mine/", views.InterestMineView.as_view(), name="interest_mine"),
    path("interests/our-seeds/", views.InterestCompanyView.as_view(), name="interest_company"),
    path(
        "interests/<int:pk>/acknowledge/",
        views.InterestAcknowledgeView.as_view(),
        name="interest_acknowledge",
    ),
]
