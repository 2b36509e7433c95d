"""Dated sessions of a class, each with its own capacity and seat counter."""

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workshops.models.catalogue import BatikClass


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")
    COMPLETED = "completed", _("Completed")


class SessionDecision(models.TextChoices):
    """The go/no-go decision on a session of a class with a minimum of participants."""

    GO = "go", _("Going ahead")
    PENDING = "pending", _("Below the minimum: the workshop decides")
    CANCELLED = "cancelled", _("Cancelled: minimum not reached")


class ClassSessionQuerySet(models.QuerySet):
    def bookable_catalogue(self) -> "ClassSessionQuerySet":
        """Sessions a tourist may see: of published classes, in published workshops and villages."""
        return self.filter(
            batik_class__is_published=True,
            batik_class__workshop__is_published=True,
            batik_class__workshop__village__is_published=True,
        )

    def not_ended(self) -> "ClassSessionQuerySet":
        return self.filter(ends_at__gt=timezone.now())

    def open_for_booking(self) -> "ClassSessionQuerySet":
        """Scheduled and not yet started: the sessions a tourist can still book."""
        return self.filter(status=SessionStatus.SCHEDULED, starts_at__gt=timezone.now())

    def with_seats_left(self, seats: int) -> "ClassSessionQuerySet":
        return self.filter(capacity__gte=F("seats_taken") + seats)


class ClassSession(models.Model):
    """One dated occurrence of a class with its own capacity."""

    batik_class = models.ForeignKey(BatikClass, on_delete=models.PROTECT, related_name="sessions")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveSmallIntegerField(_("capacity"))
    # Seats held or confirmed. Only the bookings services change it, with one
    # conditional UPDATE; the CHECK below makes overselling impossible.
    seats_taken = models.PositiveSmallIntegerField(_("seats taken"), default=0)
    status = models.CharField(
        _("status"), max_length=16, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    language = models.CharField(_("language"), max_length=8, default="id")
    note = models.CharField(_("note"), max_length=255, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=255, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    # The go/no-go decision, written once by the bookings app's sweep at the class's cutoff.
    decision = models.CharField(
        _("go/no-go decision"), max_length=16, choices=SessionDecision.choices, blank=True, default=""
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # Below the minimum without auto-cancel: the owners decide until then; silence means it goes ahead.
    decision_deadline = models.DateTimeField(_("owners decide until"), null=True, blank=True)
    # The recurring rule that made this session, if any (kept when the rule goes).
    rule = models.ForeignKey(
        "workshops.ScheduleRule",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name=_("schedule rule"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClassSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("class session")
        verbose_name_plural = _("class sessions")
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["starts_at", "id"], name="session_starts_idx"),
            models.Index(fields=["batik_class", "starts_at"], name="session_class_starts_idx"),
            # The go/no-go sweep: undecided sessions by start, and pending ones by their deadline.
            models.Index(fields=["starts_at"], condition=Q(decision=""), name="session_undecided_idx"),
            models.Index(
                fields=["decision_deadline"], condition=Q(decision="pending"), name="session_pending_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="session_capacity_positive"),
            models.CheckConstraint(
                condition=Q(seats_taken__gte=0) & Q(seats_taken__lte=F("capacity")),
                name="session_seats_within_capacity",
            ),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"),
            # Two materialisations of one rule racing (save and beat) cannot double a session.
            models.UniqueConstraint(
                fields=["rule", "starts_at"],
                condition=Q(rule__isnull=False),
                name="session_unique_rule_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.batik_class} @ {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def seats_left(self) -> int:
        return self.capacity - self.seats_taken
