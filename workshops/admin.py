from django.contrib import admin
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from workshops.models import (
    BatikClass,
    ClassSession,
    ClosedDay,
    Invitation,
    PriceTier,
    ScheduleRule,
    Workshop,
    WorkshopMembership,
)


class MembershipInline(admin.TabularInline):
    model = WorkshopMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Workshop)
class WorkshopAdmin(TranslationAdmin):
    list_display = ["name", "production_group", "village", "languages", "is_published"]
    list_filter = ["is_published", "village"]
    search_fields = ["name", "production_group", "address"]
    prepopulated_fields = {"slug": ("name",)}
    list_select_related = ["village"]
    inlines = [MembershipInline]


@admin.register(WorkshopMembership)
class WorkshopMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "workshop", "role", "created_at"]
    list_filter = ["role", "workshop__village"]
    search_fields = ["user__email", "workshop__name"]
    list_select_related = ["user", "workshop"]
    autocomplete_fields = ["user", "workshop"]


class PriceTierInline(TranslationTabularInline):
    model = PriceTier
    extra = 0


@admin.register(BatikClass)
class BatikClassAdmin(TranslationAdmin):
    list_display = ["title", "workshop", "technique", "level", "duration_minutes", "is_published"]
    list_filter = ["is_published", "technique", "level", "workshop__village"]
    search_fields = ["title", "workshop__name"]
    prepopulated_fields = {"slug": ("title",)}
    list_select_related = ["workshop"]
    inlines = [PriceTierInline]


@admin.register(ClassSession)
class ClassSessionAdmin(admin.ModelAdmin):
    list_display = ["batik_class", "starts_at", "capacity", "seats_taken", "status", "language"]
    list_filter = ["status", "language", "batik_class__technique", "batik_class__workshop"]
    search_fields = ["batik_class__title", "batik_class__workshop__name"]
    date_hierarchy = "starts_at"
    list_select_related = ["batik_class__workshop"]
    # The seat counter belongs to the bookings services; the admin must not move it.
    readonly_fields = ["seats_taken"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Coordinators look; hosts change these through the host API, whose services audit them."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ScheduleRule)
class ScheduleRuleAdmin(ReadOnlyAdmin):
    list_display = ["batik_class", "weekday_mask", "start_time", "capacity", "valid_from", "valid_until"]
    list_filter = ["is_active", "batik_class__workshop"]
    search_fields = ["batik_class__title", "batik_class__workshop__name"]
    list_select_related = ["batik_class"]


@admin.register(ClosedDay)
class ClosedDayAdmin(ReadOnlyAdmin):
    list_display = ["workshop", "date_from", "date_to", "reason"]
    list_filter = ["workshop__village"]
    search_fields = ["workshop__name", "reason"]
    list_select_related = ["workshop"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["email", "workshop", "role", "created_at", "expires_at", "accepted_at"]
    search_fields = ["email", "workshop__name"]
    list_select_related = ["workshop"]
    exclude = ["token_hash"]
