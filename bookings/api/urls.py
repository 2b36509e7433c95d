from django.urls import path

from bookings.api import host, me, payments, reports, views, waitlist
from bookings.payments.webhooks import webhook_urlpatterns

urlpatterns = [
    path(
        "host/sessions/<int:pk>/",
        host.HostSessionDetailWithWaitlist.as_view(),
        name="host-session-detail",
    ),
    path("me/export/", me.MeExport.as_view(), name="me-export"),
    path("me/delete/", me.MeDelete.as_view(), name="me-delete"),
    path("bookings/", views.BookingListCreate.as_view(), name="booking-list"),
    path("bookings/<str:code>/", views.BookingDetail.as_view(), name="booking-detail"),
    path("bookings/<str:code>/confirm/", views.BookingConfirm.as_view(), name="booking-confirm"),
    path("bookings/<str:code>/cancel/", views.BookingCancel.as_view(), name="booking-cancel"),
    path("bookings/<str:code>/pay/", payments.BookingPay.as_view(), name="booking-pay"),
    path("bookings/<str:code>/calendar.ics", views.BookingCalendar.as_view(), name="booking-calendar"),
    path("bookings/<str:code>/qr.svg", views.BookingQr.as_view(), name="booking-qr"),
    path("sessions/<int:pk>/waitlist/", waitlist.SessionWaitlistJoin.as_view(), name="session-waitlist"),
    path("waitlist/<int:pk>/", waitlist.WaitlistEntryDetail.as_view(), name="waitlist-detail"),
    path("waitlist/<int:pk>/accept/", waitlist.WaitlistOfferAccept.as_view(), name="waitlist-accept"),
    path("host/sessions/<int:pk>/cancel/", host.SessionCancel.as_view(), name="host-session-cancel"),
    path(
        "host/sessions/<int:pk>/reschedule/", host.SessionReschedule.as_view(), name="host-session-reschedule"
    ),
    path("host/sessions/<int:pk>/roster/", host.SessionRoster.as_view(), name="host-session-roster"),
    path("host/sessions/<int:pk>/no-shows/", host.SessionNoShows.as_view(), name="host-session-no-shows"),
    path("host/check-in/", host.CheckIn.as_view(), name="host-check-in"),
    path("host/check-in/undo/", host.CheckInUndo.as_view(), name="host-check-in-undo"),
    path("host/notifications/", host.Notifications.as_view(), name="host-notifications"),
    path(
        "host/bookings/<str:code>/payment/paid/", payments.HostPaymentPaid.as_view(), name="host-payment-paid"
    ),
    path(
        "host/bookings/<str:code>/payment/reject/",
        payments.HostPaymentReject.as_view(),
        name="host-payment-reject",
    ),
    path(
        "host/bookings/<str:code>/payment/refunded/",
        payments.HostPaymentRefunded.as_view(),
        name="host-payment-refunded",
    ),
    path("reports/monthly/", reports.MonthlyReport.as_view(), name="report-monthly"),
    *webhook_urlpatterns,
]
