from django.urls import path

from bookings import views, web_account, web_host, web_reports

urlpatterns = [
    path("sesi/<int:pk>/", views.session_book, name="session-book"),
    path("bookings/<str:code>/", views.booking_page, name="booking-page"),
    path("bookings/<str:code>/hold/", views.booking_hold_page, name="booking-hold-page"),
    path("pemesanan-saya/", views.my_bookings, name="my-bookings"),
    path("akun/", web_account.account_page, name="account-page"),
    path("daftar-tunggu/<int:pk>/", views.waitlist_page, name="waitlist-page"),
    path("daftar-tunggu/<int:pk>/terima/", views.waitlist_offer_page, name="waitlist-offer-page"),
    # Hosts and coordinators: pages that need the bookings of a session.
    path("host/sessions/<int:pk>/", web_host.roster, name="host-roster"),
    path("host/sessions/<int:pk>/roster.csv", web_host.roster_csv, name="host-roster-csv"),
    path("host/sessions/<int:pk>/check-in/", web_host.check_in, name="host-check-in"),
    path("host/sessions/<int:pk>/no-shows/", web_host.no_shows, name="host-no-shows"),
    path("host/sessions/<int:pk>/payment/", web_host.payment, name="host-payment"),
    path("host/sessions/<int:pk>/cancel/", web_host.cancel, name="host-session-cancel"),
    path("koordinator/", web_reports.dashboard, name="coordinator-dashboard"),
    path("koordinator/laporan.csv", web_reports.report_csv, name="coordinator-csv"),
]
