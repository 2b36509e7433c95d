from django.urls import path

from core.api.views import MeView, PingView

urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    path("ping/", PingView.as_view(), name="ping"),
]
