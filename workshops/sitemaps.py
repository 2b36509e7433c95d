"""sitemap.xml entries for the public catalogue pages."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from workshops import selectors
from workshops.models import BatikClass, Workshop


class HomeSitemap(Sitemap):
    changefreq = "daily"
    priority = 1.0

    def items(self) -> list[str]:
        return ["home"]

    def location(self, item: str) -> str:
        return reverse(item)


class WorkshopSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return selectors.workshop_list()

    def location(self, item: Workshop) -> str:
        return reverse("workshop-page", args=[item.slug])

    def lastmod(self, item: Workshop):
        return item.updated_at


class ClassSitemap(Sitemap):
    # Seats change every day; search engines should come back often.
    changefreq = "daily"
    priority = 0.9

    def items(self):
        return selectors.class_list()

    def location(self, item: BatikClass) -> str:
        return reverse("class-page", args=[item.slug])

    def lastmod(self, item: BatikClass):
        return item.updated_at
