from django.contrib import admin

from bookings.models import Booking, BookingLine, CapacityRepair, OutboxMessage, WaitlistEntry


class BookingLineInline(admin.TabularInline):
    model = BookingLine
    extra = 0
    can_delete = False
    readonly_fields = ["tier", "label", "quantity", "unit_price"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    """Read-only: every change of a booking goes through the services, which keep the seat counter true."""

    list_display = ["code", "session", "contact_name", "seats", "total", "status", "held_at"]
    list_filter = [
        "status",
        "language",
        "session__batik_class__workshop__village",
        "session__batik_class__workshop",
    ]
    search_fields = ["code", "contact_name", "contact_email"]
    date_hierarchy = "held_at"
    list_select_related = ["session__batik_class"]
    inlines = [BookingLineInline]
    exclude = ["manage_nonce"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Booking._meta.fields if field.name != "manage_nonce"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["kind", "booking", "recipient_email", "created_at", "sent_at", "attempts", "last_error"]
    list_filter = ["kind", ("sent_at", admin.EmptyFieldListFilter)]
    search_fields = ["booking__code", "recipient_email"]
    list_select_related = ["booking"]
    readonly_fields = [
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
class WaitlistEntryAdmin(admin.ModelAdmin):
    """Read-only: the queue moves only through the waitlist services (offers take seats)."""

    list_display = ["session", "contact_name", "seats", "status", "joined_at", "offer_expires_at"]
    list_filter = ["status", "session__batik_class__workshop"]
    search_fields = ["contact_name", "contact_email"]
    list_select_related = ["session__batik_class"]
    exclude = ["manage_nonce"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in WaitlistEntry._meta.fields if field.name != "manage_nonce"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
