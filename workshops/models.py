"""Workshops (sanggar) of the production groups, their classes, price tiers and sessions."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.fields import LanguagesField, rupiah, split_languages
from tourism.models import Village


class WorkshopQuerySet(models.QuerySet):
    def published(self) -> "WorkshopQuerySet":
        return self.filter(is_published=True, village__is_published=True)


class Workshop(models.Model):
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="workshops", verbose_name=_("village")
    )
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    production_group = models.CharField(_("production group (kelompok produksi)"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    languages = LanguagesField(_("languages spoken"))
    whatsapp = models.CharField(_("WhatsApp number"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    hold_minutes = models.PositiveSmallIntegerField(
        _("hold minutes"),
        default=15,
        validators=[MinValueValidator(5), MaxValueValidator(120)],
        help_text=_("How long unconfirmed seats stay held for a tourist."),
    )
    is_published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WorkshopQuerySet.as_manager()

    class Meta:
        verbose_name = _("workshop (sanggar)")
        verbose_name_plural = _("workshops (sanggar)")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def language_list(self) -> list[str]:
        return split_languages(self.languages)


class MembershipRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    STAFF = "staff", _("Staff")


class WorkshopMembership(models.Model):
    """A member of a production group who helps run its workshop."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="workshop_memberships"
    )
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=8, choices=MembershipRole.choices)
    # Owners get an e-mail for each new booking and cancellation unless they turn it off.
    notify_bookings = models.BooleanField(_("e-mail me new bookings and cancellations"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("workshop membership")
        verbose_name_plural = _("workshop memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "workshop"], name="membership_unique_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.workshop} ({self.role})"


class Technique(models.TextChoices):
    TULIS = "tulis", _("Batik tulis (hand-drawn with a canting)")
    CAP = "cap", _("Batik cap (copper stamp)")
    ECOPRINT = "ecoprint", _("Ecoprint (leaf prints)")
    JUMPUTAN = "jumputan", _("Jumputan (tie-dye)")
    COMBINED = "combined", _("Combined techniques")


class Level(models.TextChoices):
    BEGINNER = "beginner", _("Beginner")
    INTERMEDIATE = "intermediate", _("Intermediate")
    ADVANCED = "advanced", _("Advanced")


class BatikClassQuerySet(models.QuerySet):
    def published(self) -> "BatikClassQuerySet":
        return self.filter(
            is_published=True,
            workshop__is_published=True,
            workshop__village__is_published=True,
        )


class BatikClass(models.Model):
    """What a workshop teaches: technique, duration, what is included, prices, limits."""

    workshop = models.ForeignKey(Workshop, on_delete=models.PROTECT, related_name="classes")
    title = models.CharField(_("title"), max_length=160)
    slug = models.SlugField(_("slug"), max_length=180, unique=True)
    technique = models.CharField(_("technique"), max_length=16, choices=Technique.choices)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices, default=Level.BEGINNER)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(15), MaxValueValidator(24 * 60)]
    )
    description = models.TextField(_("description"), blank=True)
    included = models.TextField(_("what is included"), blank=True)
    takes_home = models.TextField(_("what the visitor takes home"), blank=True)
    what_to_bring = models.TextField(_("what to bring"), blank=True)
    min_participants = models.PositiveSmallIntegerField(_("minimum participants"), default=1)
    max_participants = models.PositiveSmallIntegerField(_("maximum participants"), default=20)
    min_age = models.PositiveSmallIntegerField(_("minimum age"), default=0)
    languages = LanguagesField(_("languages"))
    cancellation_hours = models.PositiveSmallIntegerField(
        _("free cancellation until (hours before start)"), default=24
    )
    go_no_go_hours = models.PositiveSmallIntegerField(
        _("go/no-go decision (hours before start)"),
        default=24,
        help_text=_("When the minimum number of participants is checked."),
    )
    auto_cancel_below_minimum = models.BooleanField(
        _("cancel automatically below the minimum"),
        default=False,
        help_text=_(
            "At the go/no-go time, cancel a session below the minimum and tell its guests; "
            "otherwise the owners are asked to decide."
        ),
    )
    max_seats_per_booking = models.PositiveSmallIntegerField(
        _("maximum seats per booking"),
        null=True,
        blank=True,
        help_text=_("Empty: up to the maximum participants."),
    )
    is_published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BatikClassQuerySet.as_manager()

    class Meta:
        verbose_name = _("batik class")
        verbose_name_plural = _("batik classes")
        ordering = ["title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_participants__gte=1), name="class_min_participants_positive"
            ),
            models.CheckConstraint(
                condition=Q(max_participants__gte=F("min_participants")),
                name="class_max_not_below_min",
            ),
            models.CheckConstraint(condition=Q(duration_minutes__gte=15), name="class_duration_at_least_15"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def language_list(self) -> list[str]:
        return split_languages(self.languages)

    @property
    def seats_per_booking_limit(self) -> int:
        return min(self.max_seats_per_booking or self.max_participants, self.max_participants)


class PriceTier(models.Model):
    """One price of a class, such as Dewasa, Pelajar or Wisatawan mancanegara."""

    batik_class = models.ForeignKey(BatikClass, on_delete=models.CASCADE, related_name="price_tiers")
    label = models.CharField(_("label"), max_length=80)
    amount = models.PositiveIntegerField(_("price (whole rupiah)"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("price tier")
        verbose_name_plural = _("price tiers")
        ordering = ["batik_class_id", "position", "id"]

    def __str__(self) -> str:
        return f"{self.label}: {rupiah(self.amount)}"


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


class AuditEntry(models.Model):
    """Who changed what in a workshop, and how it looked before and after.

    Written by the services of every host action on a session, a class or a
    booking; owners and coordinators read it.
    """

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="audit_entries")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=64)
    target_type = models.CharField(_("target type"), max_length=32)
    target_id = models.CharField(_("target"), max_length=64)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    created_at = models.DateTimeField(_("when"))

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["workshop", "-created_at"], name="audit_workshop_time_idx")]

    def __str__(self) -> str:
        return f"{self.action} {self.target_type}:{self.target_id}"


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


class Invitation(models.Model):
    """An owner's invitation to join a workshop, accepted by the account with that e-mail.

    Only a hash of the token is stored: a copy of the database cannot accept it.
    """

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail"))
    role = models.CharField(_("role"), max_length=8, choices=MembershipRole.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.email} → {self.workshop} ({self.role})"
