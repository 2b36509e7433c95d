from django.urls import path

from bookings import views

urlpatterns = [
    path("sesi/<int:pk>/", views.session_book, name="session-book"),
    path("bookings/<str:code>/", views.booking_page, name="booking-page"),
    path("bookings/<str:code>/hold/", views.booking_hold_page, name="booking-hold-page"),
    path("pemesanan-saya/", views.my_bookings, name="my-bookings"),
]
