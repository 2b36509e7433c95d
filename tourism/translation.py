from modeltranslation.translator import TranslationOptions, register

from tourism.models import Village


@register(Village)
class VillageTranslation(TranslationOptions):
    fields = ("description", "highlights")
