from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from bookings.models import Booking, BookingLine, CapacityRepair, OutboxMessage, WaitlistEntry
from bookings.payments.models import Payment, PaymentNotification

# UU PDP's data minimisation: coordinators (staff with view permissions) need codes, seats,
# sessions and statuses, not who the guests are. Only superusers see and search contacts.
CONTACT_FIELDS = ("user", "contact_name", "contact_email", "contact_phone")


class ContactsForSuperusersMixin:
    """Leaves guests' contact details out of the admin for everyone but superusers."""

    model_fields: list[str]
    superuser_search_fields = ("contact_email", "contact_name")

    def get_fields(self, request, obj=None):
        if request.user.is_superuser:
            return self.model_fields
        return [name for name in self.model_fields if name not in CONTACT_FIELDS]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    def get_search_fields(self, request):
        fields = list(super().get_search_fields(request))
        if request.user.is_superuser:
            fields += self.superuser_search_fields
        return fields


class BookingLineInline(admin.TabularInline):
    model = BookingLine
    extra = 0
    can_delete = False
    readonly_fields = ["tier", "label", "quantity", "unit_price"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class PaymentInline(admin.TabularInline):
    model = Payment
    extra = 0
    can_delete = False
    fields = ["order_id", "method", "status", "amount", "paid_at", "refund_due", "refunded_amount", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Booking)
class BookingAdmin(ContactsForSuperusersMixin, admin.ModelAdmin):
    """Read-only: every change of a booking goes through the services, which keep the seat counter true."""

    list_display = ["code", "session", "seats", "total", "status", "held_at", "personal_data_erased_at"]
    list_filter = [
        "status",
        "language",
        "session__batik_class__workshop__village",
        "session__batik_class__workshop",
        ("personal_data_erased_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["code"]
    date_hierarchy = "held_at"
    list_select_related = ["session__batik_class"]
    inlines = [BookingLineInline, PaymentInline]
    model_fields = [field.name for field in Booking._meta.fields if field.name not in ("id", "manage_nonce")]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["kind", "booking", "recipient", "created_at", "sent_at", "attempts", "last_error"]
    list_filter = ["kind", ("sent_at", admin.EmptyFieldListFilter)]
    search_fields = ["booking__code"]
    list_select_related = ["booking"]
    model_fields = [
        "kind",
        "booking",
        "session",
        "workshop",
        "recipient_email",
        "language",
        "payload",
        "created_at",
        "claimed_at",
        "sent_at",
        "attempts",
        "last_error",
    ]

    @admin.display(description=_("to"))
    def recipient(self, message: OutboxMessage) -> str:
        """Whom a message went to, without their address: the guest, or a workshop owner."""
        return _("workshop owner") if message.recipient_email else _("guest")

    def get_fields(self, request, obj=None):
        if request.user.is_superuser:
            return self.model_fields
        return [name for name in self.model_fields if name != "recipient_email"]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    def get_search_fields(self, request):
        return [*self.search_fields, "recipient_email"] if request.user.is_superuser else self.search_fields

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(CapacityRepair)
class CapacityRepairAdmin(admin.ModelAdmin):
    list_display = ["session", "counter_before", "counted", "repaired", "found_at"]
    list_filter = ["repaired"]
    list_select_related = ["session__batik_class"]
    readonly_fields = ["session", "counter_before", "counted", "repaired", "found_at"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(ContactsForSuperusersMixin, admin.ModelAdmin):
    """Read-only: the queue moves only through the waitlist services (offers take seats)."""

    list_display = ["id", "session", "seats", "status", "joined_at", "offer_expires_at"]
    list_filter = ["status", "session__batik_class__workshop"]
    search_fields = ["booking__code"]
    list_select_related = ["session__batik_class"]
    model_fields = [
        field.name for field in WaitlistEntry._meta.fields if field.name not in ("id", "manage_nonce")
    ]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyPaymentsAdmin(admin.ModelAdmin):
    """Payments change only through the services (gateway answers, the host's actions)."""

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Payment)
class PaymentAdmin(ReadOnlyPaymentsAdmin):
    list_display = ["order_id", "method", "status", "amount", "created_at", "paid_at", "refund_due"]
    list_filter = ["method", "status", "booking__session__batik_class__workshop"]
    search_fields = ["order_id", "booking__code", "provider_reference", "booking__contact_email"]
    list_select_related = ["booking"]
    date_hierarchy = "created_at"


@admin.register(PaymentNotification)
class PaymentNotificationAdmin(ReadOnlyPaymentsAdmin):
    list_display = ["method", "order_id", "received_at", "verified", "outcome"]
    list_filter = ["method", "verified"]
    search_fields = ["order_id", "outcome"]
    date_hierarchy = "received_at"
