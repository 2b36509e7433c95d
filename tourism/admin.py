from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from tourism.models import Village


@admin.register(Village)
class VillageAdmin(TranslationAdmin):
    list_display = ["name", "city", "province", "classification", "is_published"]
    list_filter = ["is_published", "classification", "province", "city"]
    search_fields = ["name", "city", "province", "address"]
    prepopulated_fields = {"slug": ("name",)}
