"""sitemap.xml entries for the village pages."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from tourism.models import Village
from tourism.selectors import village_list


class VillageSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.7

    def items(self):
        return ["village-index", *village_list()]

    def location(self, item) -> str:
        if isinstance(item, Village):
            return reverse("village-page", args=[item.slug])
        return reverse(item)
