"""Recurring schedules and the days a workshop is closed."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from workshops.models.catalogue import BatikClass
from workshops.models.workshop import Workshop


class ScheduleRule(models.Model):
    """A weekly pattern of one class that keeps sessions scheduled for a rolling horizon.

    Weekdays are a bitmask, Monday = 1 << 0 … Sunday = 1 << 6; the start time is
    a wall-clock time in WIB.
    """

    batik_class = models.ForeignKey(BatikClass, on_delete=models.CASCADE, related_name="schedule_rules")
    weekday_mask = models.PositiveSmallIntegerField(_("weekdays"))
    start_time = models.TimeField(_("start time (WIB)"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(15), MaxValueValidator(24 * 60)],
        help_text=_("Empty: the class's duration."),
    )
    capacity = models.PositiveSmallIntegerField(_("capacity"))
    language = models.CharField(_("language"), max_length=8, default="id")
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # The last WIB date sessions were made for; the daily task extends it.
    materialised_until = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("schedule rule")
        verbose_name_plural = _("schedule rules")
        ordering = ["batik_class_id", "start_time", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weekday_mask__gte=1) & Q(weekday_mask__lte=127), name="rule_weekdays_valid"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="rule_capacity_positive"),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="rule_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.batik_class} · {self.start_time:%H:%M}"

    @property
    def weekdays(self) -> list[int]:
        """ISO weekdays (1 = Monday … 7 = Sunday)."""
        return [day for day in range(1, 8) if self.weekday_mask & (1 << (day - 1))]


def weekday_mask(weekdays: list[int]) -> int:
    """ISO weekdays (1 = Monday) → the bitmask ScheduleRule stores."""
    mask = 0
    for day in weekdays:
        mask |= 1 << (day - 1)
    return mask


class ClosedDay(models.Model):
    """Dates a workshop does not teach (Imlek, Cap Go Meh, Idul Fitri, a family event)."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="closed_days")
    date_from = models.DateField(_("from (WIB date)"))
    date_to = models.DateField(_("until (WIB date, inclusive)"))
    reason = models.CharField(_("reason"), max_length=160, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("closed day")
        verbose_name_plural = _("closed days")
        ordering = ["date_from", "id"]
        indexes = [models.Index(fields=["workshop", "date_from"], name="closed_workshop_from_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(date_to__gte=F("date_from")), name="closed_day_range"),
        ]

    def __str__(self) -> str:
        return f"{self.workshop}: {self.date_from}–{self.date_to}"
