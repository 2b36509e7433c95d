from django.urls import path

from bookings.api import views

urlpatterns = [
    path("bookings/", views.BookingListCreate.as_view(), name="booking-list"),
    path("bookings/<str:code>/", views.BookingDetail.as_view(), name="booking-detail"),
    path("bookings/<str:code>/confirm/", views.BookingConfirm.as_view(), name="booking-confirm"),
    path("bookings/<str:code>/cancel/", views.BookingCancel.as_view(), name="booking-cancel"),
    path("bookings/<str:code>/calendar.ics", views.BookingCalendar.as_view(), name="booking-calendar"),
    path("bookings/<str:code>/qr.svg", views.BookingQr.as_view(), name="booking-qr"),
]
