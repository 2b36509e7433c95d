from django.urls import path

from bookings import views

urlpatterns = [path("bookings/<str:code>/", views.booking_page, name="booking-page")]
