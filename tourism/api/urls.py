from django.urls import path

from tourism.api.views import VillageList

urlpatterns = [path("villages/", VillageList.as_view(), name="village-list")]
