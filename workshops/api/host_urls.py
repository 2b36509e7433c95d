"""The host API, mounted under /api/v1/host/."""

from django.urls import path

from workshops.api import host_class_views as classes
from workshops.api import host_schedule_views as schedule
from workshops.api import host_workshop_views as workshops

urlpatterns = [
    path("workshops/", workshops.HostWorkshopList.as_view(), name="host-workshop-list"),
    path("workshops/<slug:slug>/", workshops.HostWorkshopDetail.as_view(), name="host-workshop-detail"),
    path("workshops/<slug:slug>/members/", workshops.MemberList.as_view(), name="host-member-list"),
    path(
        "workshops/<slug:slug>/members/<int:pk>/", workshops.MemberDetail.as_view(), name="host-member-detail"
    ),
    path(
        "workshops/<slug:slug>/invitations/",
        workshops.InvitationListCreate.as_view(),
        name="host-invitation-list",
    ),
    path("invitations/accept/", workshops.InvitationAccept.as_view(), name="host-invitation-accept"),
    path("workshops/<slug:slug>/audit/", workshops.AuditList.as_view(), name="host-audit-list"),
    path("workshops/<slug:slug>/classes/", classes.HostClassListCreate.as_view(), name="host-class-list"),
    path("classes/<slug:class_slug>/", classes.HostClassDetail.as_view(), name="host-class-detail"),
    path("classes/<slug:class_slug>/tiers/", classes.HostTierListCreate.as_view(), name="host-tier-list"),
    path(
        "classes/<slug:class_slug>/tiers/<int:pk>/", classes.HostTierDetail.as_view(), name="host-tier-detail"
    ),
    path(
        "classes/<slug:class_slug>/sessions/",
        schedule.HostSessionCreate.as_view(),
        name="host-session-create",
    ),
    path("classes/<slug:class_slug>/rules/", schedule.RuleListCreate.as_view(), name="host-rule-list"),
    path("rules/<int:pk>/", schedule.RuleDetail.as_view(), name="host-rule-detail"),
    path("sessions/", schedule.HostSessionList.as_view(), name="host-session-list"),
    # sessions/<pk>/ (GET, PATCH) is served by bookings.api.host: a raised capacity moves the waitlist.
    path(
        "workshops/<slug:slug>/closed-days/",
        schedule.ClosedDayListCreate.as_view(),
        name="host-closed-day-list",
    ),
    path(
        "workshops/<slug:slug>/closed-days/<int:pk>/",
        schedule.ClosedDayDetail.as_view(),
        name="host-closed-day-detail",
    ),
]
