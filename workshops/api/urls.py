from django.urls import path

from workshops.api import views

urlpatterns = [
    path("villages/<slug:slug>/", views.VillageDetail.as_view(), name="village-detail"),
    path("workshops/", views.WorkshopList.as_view(), name="workshop-list"),
    path("workshops/<slug:slug>/", views.WorkshopDetail.as_view(), name="workshop-detail"),
    path("classes/", views.ClassList.as_view(), name="class-list"),
    path("classes/<slug:slug>/", views.ClassDetail.as_view(), name="class-detail"),
    path("sessions/", views.SessionList.as_view(), name="session-list"),
    path("sessions/<int:pk>/", views.SessionDetail.as_view(), name="session-detail"),
]
