"""Meeting pages of the matching app. Mounted by kawasaki/urls.py under /m/<municipality>/negotiations/,
where meetings have always been, so that paths and names stay as they were. (A meeting's task form,
`meeting_task_create`, belongs to the negotiations app.)"""

from django.urls import path

from .views import meetings

urlpatterns = [
    path("meetings/", meetings.MeetingListView.as_view(), name="meeting_list"),
    path("meetings/new/", meetings.MeetingCreateView.as_view(), name="meeting_create"),
    path("meetings/<int:pk>/", meetings.MeetingDetailView.as_view(), name="meeting_detail"),
    path("meetings/<int:pk>/meeting.ics", meetings.MeetingIcsView.as_view(), name="meeting_ics"),
    path("meetings/<int:pk>/booklet.pdf", meetings.MeetingBookletView.as_view(), name="meeting_booklet"),
    path("meetings/<int:pk>/invite/", meetings.MeetingInviteView.as_view(), name="meeting_invite"),
    path("meetings/<int:pk>/reply/", meetings.MeetingReplyView.as_view(), name="meeting_reply"),
    path("meetings/<int:pk>/listing/", meetings.MeetingListingView.as_view(), name="meeting_listing"),
    path("meetings/<int:pk>/hold/", meetings.MeetingHoldView.as_view(), name="meeting_hold"),
    path("meetings/<int:pk>/edit/", meetings.MeetingEditView.as_view(), name="meeting_edit"),
    path("meetings/<int:pk>/cancel/", meetings.MeetingCancelView.as_view(), name="meeting_cancel"),
    path("symposiums/", meetings.SymposiumListView.as_view(), name="symposium_list"),
    path(
        "symposiums/<int:pk>/register/",
        meetings.SymposiumRegistrationView.as_view(action="register"),
        name="symposium_register",
    ),
    path(
        "symposiums/<int:pk>/unregister/",
        meetings.SymposiumRegistrationView.as_view(action="unregister"),
        name="symposium_unregister",
    ),
    path("meetings/<int:pk>/requests/", meetings.MeetingRequestView.as_view(), name="meeting_request"),
    path(
        "proposals/<int:pk>/schedule/",
        meetings.ScheduleView.as_view(),
        {"kind": "proposal"},
        name="proposal_schedule",
    ),
    path(
        "requests/<int:pk>/schedule/",
        meetings.ScheduleView.as_view(),
        {"kind": "request"},
        name="request_schedule",
    ),
]
