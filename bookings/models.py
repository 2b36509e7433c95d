"""Bookings (seats held or confirmed in one session), idempotency records and the outbox."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from workshops.models import ClassSession, PriceTier, Workshop


class BookingStatus(models.TextChoices):
    HELD = "held", _("Held")
    CONFIRMED = "confirmed", _("Confirmed")
    ATTENDED = "attended", _("Attended")
    NO_SHOW = "no_show", _("No-show")
    EXPIRED = "expired", _("Expired")
    CANCELLED = "cancelled", _("Cancelled")


# Bookings in these states own seats in their session's counter.
SEAT_HOLDING_STATUSES = (BookingStatus.HELD, BookingStatus.CONFIRMED, BookingStatus.ATTENDED)


class Booking(models.Model):
    code = models.CharField(_("code"), max_length=16, unique=True)
    session = models.ForeignKey(ClassSession, on_delete=models.PROTECT, related_name="bookings")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bookings",
    )
    contact_name = models.CharField(_("name"), max_length=120)
    contact_email = models.EmailField(_("e-mail"))
    contact_phone = models.CharField(_("phone (WhatsApp)"), max_length=24, blank=True)
    language = models.CharField(_("language"), max_length=8, default="id")
    seats = models.PositiveSmallIntegerField(_("seats"))
    total = models.PositiveIntegerField(_("total (whole rupiah)"))
    status = models.CharField(
        _("status"), max_length=16, choices=BookingStatus.choices, default=BookingStatus.HELD
    )
    held_at = models.DateTimeField(_("held at"))
    hold_expires_at = models.DateTimeField(_("hold expires at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    expired_at = models.DateTimeField(_("expired at"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked in by"),
    )
    no_show_at = models.DateTimeField(_("marked no-show at"), null=True, blank=True)
    # The host moved the session: the guest may now cancel for free until it starts,
    # whatever the class's cancellation window says.
    free_cancel_until_start = models.BooleanField(_("free cancellation until the start"), default=False)
    # The guest's manage link is HMAC(secret, code + nonce): nothing in the
    # database alone can open a booking.
    manage_nonce = models.CharField(max_length=32)
    # Set when the guest's name, e-mail and phone were erased (account deleted, or the
    # retention period after the session passed); the booking still counts in rosters and reports.
    personal_data_erased_at = models.DateTimeField(_("personal data erased at"), null=True, blank=True)

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["-held_at", "-id"]
        indexes = [
            # The hold sweep: held bookings by expiry.
            models.Index(
                fields=["hold_expires_at"], condition=Q(status="held"), name="booking_hold_expiry_idx"
            ),
            models.Index(fields=["session", "status"], name="booking_session_status_idx"),
            models.Index(fields=["user", "status"], name="booking_user_status_idx"),
            models.Index(fields=["contact_email", "status"], name="booking_email_status_idx"),
            # The retention sweep: bookings whose guest's contact details are still kept.
            models.Index(
                fields=["session"],
                condition=Q(personal_data_erased_at__isnull=True),
                name="booking_not_erased_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(seats__gte=1), name="booking_seats_positive"),
            models.CheckConstraint(
                condition=~Q(status="held") | Q(hold_expires_at__isnull=False),
                name="booking_held_has_expiry",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def guest_name(self) -> str:
        """The name hosts read on rosters: the contact's, or "Deleted guest" once erased."""
        if self.personal_data_erased_at is not None:
            return gettext("Deleted guest")
        return self.contact_name


class BookingLine(models.Model):
    """Seats of one price tier, with the price as it was when booked."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="lines")
    tier = models.ForeignKey(PriceTier, on_delete=models.PROTECT, related_name="+")
    label = models.CharField(_("label"), max_length=80)
    quantity = models.PositiveSmallIntegerField(_("quantity"))
    unit_price = models.PositiveIntegerField(_("unit price (whole rupiah)"))

    class Meta:
        verbose_name = _("booking line")
        verbose_name_plural = _("booking lines")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="booking_line_quantity_positive"),
            models.UniqueConstraint(fields=["booking", "tier"], name="booking_line_unique_tier"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.label}"

    @property
    def amount(self) -> int:
        return self.quantity * self.unit_price


class HolderLock(models.Model):
    """One row per person who holds seats (a user or a guest e-mail).

    Taking its row lock serialises one person's concurrent holds, so the limit
    on active holds cannot be raced past; different people never wait.
    """

    key = models.CharField(max_length=200, unique=True)
    touched_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.key


class IdempotencyState(models.TextChoices):
    IN_FLIGHT = "in_flight", _("In flight")
    DONE = "done", _("Done")


class IdempotencyRecord(models.Model):
    """The first answer to a request with an Idempotency-Key, replayed for its repeats."""

    scope = models.CharField(max_length=200)
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    state = models.CharField(max_length=16, choices=IdempotencyState.choices)
    response_status = models.PositiveSmallIntegerField(null=True)
    response_body = models.JSONField(null=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="idempotency_unique_key"),
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotency_created_idx")]

    def __str__(self) -> str:
        return f"{self.scope} · {self.key}"


class MessageKind(models.TextChoices):
    BOOKING_CONFIRMED = "booking_confirmed", _("Booking confirmed")
    BOOKING_CANCELLED = "booking_cancelled", _("Booking cancelled")
    HOLD_EXPIRED = "hold_expired", _("Hold expired")
    SESSION_CANCELLED = "session_cancelled", _("Session cancelled by the workshop")
    SESSION_RESCHEDULED = "session_rescheduled", _("Session rescheduled by the workshop")
    HOST_NEW_BOOKING = "host_new_booking", _("New booking (to the workshop's owners)")
    HOST_BOOKING_CANCELLED = "host_booking_cancelled", _("Booking cancelled (to the workshop's owners)")
    WAITLIST_OFFERED = "waitlist_offered", _("Seats offered from the waitlist")
    SESSION_GOING_AHEAD = "session_going_ahead", _("Session going ahead (minimum reached)")
    REMINDER_DAY_BEFORE = "reminder_day_before", _("Reminder the day before")
    REMINDER_SOON = "reminder_soon", _("Reminder about 2 hours before")
    HOST_DECISION_NEEDED = "host_decision_needed", _("Below the minimum: decide (to the workshop's owners)")
    HOST_DAILY_DIGEST = "host_daily_digest", _("Daily digest (to the workshop's owners)")
    PAYMENT_INSTRUCTIONS = "payment_instructions", _("How to pay by bank transfer")
    PAYMENT_RECEIVED = "payment_received", _("Payment received")
    PAYMENT_REFUNDED = "payment_refunded", _("Payment refunded")
    PAYMENT_REJECTED = "payment_rejected", _("Bank transfer not received (seats released)")
    PAYMENT_FAILED = "payment_failed", _("Payment failed (seats released)")
    HOST_TRANSFER_AWAITING = "host_transfer_awaiting", _("Bank transfer to check (to the workshop's owners)")
    HOST_PAYMENT_RECEIVED = "host_payment_received", _("Payment received (to the workshop's owners)")
    HOST_REFUND_DUE = "host_refund_due", _("Refund to make (to the workshop's owners)")


# Messages to the workshop's owners rather than to the guest.
HOST_MESSAGE_KINDS = (
    MessageKind.HOST_NEW_BOOKING,
    MessageKind.HOST_BOOKING_CANCELLED,
    MessageKind.HOST_DECISION_NEEDED,
    MessageKind.HOST_DAILY_DIGEST,
    MessageKind.HOST_TRANSFER_AWAITING,
    MessageKind.HOST_PAYMENT_RECEIVED,
    MessageKind.HOST_REFUND_DUE,
)
# Sent at most once per booking: the unique constraint on the outbox row is the sent-marker.
ONCE_PER_BOOKING_KINDS = (
    MessageKind.REMINDER_DAY_BEFORE,
    MessageKind.REMINDER_SOON,
    MessageKind.SESSION_GOING_AHEAD,
    MessageKind.WAITLIST_OFFERED,
)


class OutboxMessage(models.Model):
    """A message a state change causes, written in the same transaction as the change.

    Published to Celery after commit; the sweep republishes what was not sent.
    `claimed_at` lets exactly one worker send it even if the task runs twice.
    """

    kind = models.CharField(max_length=32, choices=MessageKind.choices)
    # A message about one booking; or, for the owners, about one session (decision
    # needed) or a whole workshop (daily digest).
    booking = models.ForeignKey(
        Booking, on_delete=models.CASCADE, related_name="messages", null=True, blank=True
    )
    session = models.ForeignKey(
        ClassSession, on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="+", null=True, blank=True)
    # Set for a message to someone other than the guest (a workshop owner); empty: the booking's contact.
    recipient_email = models.EmailField(null=True, blank=True)
    language = models.CharField(max_length=8, null=True, blank=True)
    # What the message must say that the database will no longer know at delivery
    # (a rescheduled session's old time).
    payload = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["created_at"], condition=Q(sent_at__isnull=True), name="outbox_unsent_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(booking__isnull=False) | Q(session__isnull=False) | Q(workshop__isnull=False),
                name="outbox_has_subject",
            ),
            # Reminders, "going ahead" and offers: two sweeps racing cannot send one twice.
            models.UniqueConstraint(
                fields=["booking", "kind"],
                condition=Q(kind__in=[kind.value for kind in ONCE_PER_BOOKING_KINDS]),
                name="outbox_once_per_booking",
            ),
            # The go/no-go question goes once per session and owner.
            models.UniqueConstraint(
                fields=["session", "kind", "recipient_email"],
                condition=Q(kind="host_decision_needed"),
                name="outbox_once_per_session_owner",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} · {self.booking_id or self.session_id or self.workshop_id}"


class CapacityRepair(models.Model):
    """A difference the capacity audit found between a session's counter and its bookings."""

    session = models.ForeignKey(ClassSession, on_delete=models.CASCADE, related_name="capacity_repairs")
    counter_before = models.IntegerField(_("counter before"))
    counted = models.IntegerField(_("seats counted from bookings"))
    repaired = models.BooleanField(_("repaired"))
    found_at = models.DateTimeField(_("found at"))

    class Meta:
        verbose_name = _("capacity repair")
        verbose_name_plural = _("capacity repairs")
        ordering = ["-found_at", "-id"]

    def __str__(self) -> str:
        return f"session {self.session_id}: {self.counter_before} → {self.counted}"


class WaitlistStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    OFFERED = "offered", _("Seats offered")
    ACCEPTED = "accepted", _("Accepted")
    EXPIRED = "expired", _("Expired")
    LEFT = "left", _("Left the waitlist")


# Entries that still want seats: one per person and session.
ACTIVE_WAITLIST_STATUSES = (WaitlistStatus.WAITING, WaitlistStatus.OFFERED)


class WaitlistEntry(models.Model):
    """A party waiting for seats in a full session, in order of joining.

    An offer is a held Booking reserved for this party (`booking`), whose
    `hold_expires_at` equals `offer_expires_at`; the hold sweep expires it like any hold.
    """

    session = models.ForeignKey(ClassSession, on_delete=models.CASCADE, related_name="waitlist_entries")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="waitlist_entries",
    )
    contact_name = models.CharField(_("name"), max_length=120)
    contact_email = models.EmailField(_("e-mail"))
    contact_phone = models.CharField(_("phone (WhatsApp)"), max_length=24, blank=True)
    language = models.CharField(_("language"), max_length=8, default="id")
    seats = models.PositiveSmallIntegerField(_("seats"))
    status = models.CharField(
        _("status"), max_length=16, choices=WaitlistStatus.choices, default=WaitlistStatus.WAITING
    )
    joined_at = models.DateTimeField(_("joined at"))
    offered_at = models.DateTimeField(_("offered at"), null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("offer expires at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    booking = models.OneToOneField(
        Booking,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="waitlist_entry",
        verbose_name=_("offered booking"),
    )
    manage_nonce = models.CharField(max_length=32)
    personal_data_erased_at = models.DateTimeField(_("personal data erased at"), null=True, blank=True)

    class Meta:
        verbose_name = _("waitlist entry")
        verbose_name_plural = _("waitlist entries")
        ordering = ["joined_at", "id"]
        indexes = [
            # The queue of one session, in joining order.
            models.Index(fields=["session", "status", "joined_at", "id"], name="waitlist_queue_idx"),
            # The waitlist sweep: open offers by expiry.
            models.Index(
                fields=["offer_expires_at"], condition=Q(status="offered"), name="waitlist_offer_expiry_idx"
            ),
            models.Index(
                fields=["session"],
                condition=Q(personal_data_erased_at__isnull=True),
                name="waitlist_not_erased_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(seats__gte=1), name="waitlist_seats_positive"),
            models.CheckConstraint(
                condition=~Q(status="offered") | Q(offer_expires_at__isnull=False, booking__isnull=False),
                name="waitlist_offer_has_booking",
            ),
            models.UniqueConstraint(
                fields=["session", "contact_email"],
                condition=Q(status__in=["waiting", "offered"]),
                name="waitlist_one_active_entry_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pk} · {self.seats} · {self.session_id}"

    @property
    def guest_name(self) -> str:
        if self.personal_data_erased_at is not None:
            return gettext("Deleted guest")
        return self.contact_name


class WorkshopDigest(models.Model):
    """The marker of one workshop's daily digest for one WIB date: sent once, whatever runs twice."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="+")
    date = models.DateField(_("date (WIB)"))
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workshop", "date"], name="digest_once_per_workshop_day"),
        ]

    def __str__(self) -> str:
        return f"{self.workshop_id} · {self.date}"


# Payments belong to bookings; their models live in their own module (Django finds them here).
from bookings.payments.models import Payment, PaymentNotification  # noqa: E402, F401
