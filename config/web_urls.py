"""The pages people open in a browser (the API lives under /api/v1/)."""

from django.contrib.sitemaps.views import sitemap
from django.urls import path
from django.views.generic import TemplateView

from tourism import views as tourism_views
from tourism.sitemaps import VillageSitemap
from workshops import views as workshop_views
from workshops import web_host as workshop_host
from workshops.sitemaps import ClassSitemap, HomeSitemap, WorkshopSitemap

SITEMAPS = {
    "home": HomeSitemap,
    "villages": VillageSitemap,
    "workshops": WorkshopSitemap,
    "classes": ClassSitemap,
}

urlpatterns = [
    path("", workshop_views.home, name="home"),
    path("desa/", tourism_views.village_index, name="village-index"),
    path("desa/<slug:slug>/", workshop_views.village_page, name="village-page"),
    path("sanggar/<slug:slug>/", workshop_views.workshop_page, name="workshop-page"),
    path("kelas/<slug:slug>/", workshop_views.class_page, name="class-page"),
    # Hosts: the week, new sessions and rules, capacity, closed days; members for owners.
    path("host/", workshop_host.dashboard, name="host-dashboard"),
    path("host/sanggar/<slug:slug>/anggota/", workshop_host.members, name="host-members"),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": SITEMAPS, "template_name": "sitemap.xml"},
        name="sitemap",
    ),
    path("robots.txt", TemplateView.as_view(template_name="robots.txt", content_type="text/plain")),
]
