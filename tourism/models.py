"""Tourism villages (kampung / desa wisata): the top of the catalogue."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.fields import latitude_field, longitude_field


class VillageClassification(models.TextChoices):
    # The Ministry of Tourism's four stages of a desa wisata.
    RINTISAN = "rintisan", _("Pioneering (rintisan)")
    BERKEMBANG = "berkembang", _("Developing (berkembang)")
    MAJU = "maju", _("Advanced (maju)")
    MANDIRI = "mandiri", _("Independent (mandiri)")


class VillageQuerySet(models.QuerySet):
    def published(self) -> "VillageQuerySet":
        return self.filter(is_published=True)


class Village(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    city = models.CharField(_("city / regency"), max_length=120)
    province = models.CharField(_("province"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    latitude = latitude_field()
    longitude = longitude_field()
    highlights = models.TextField(_("highlights"), blank=True, help_text=_("One per line."))
    whatsapp = models.CharField(_("WhatsApp number"), max_length=32, blank=True)
    classification = models.CharField(
        _("tourism-village classification"),
        max_length=16,
        choices=VillageClassification.choices,
        blank=True,
    )
    is_published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = VillageQuerySet.as_manager()

    class Meta:
        verbose_name = _("tourism village")
        verbose_name_plural = _("tourism villages")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True) | models.Q(latitude__gte=-90, latitude__lte=90),
                name="village_latitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__isnull=True)
                | models.Q(longitude__gte=-180, longitude__lte=180),
                name="village_longitude_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def highlight_list(self) -> list[str]:
        return [line.strip() for line in (self.highlights or "").splitlines() if line.strip()]
