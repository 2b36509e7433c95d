from modeltranslation.translator import TranslationOptions, register

from workshops.models import BatikClass, PriceTier, Workshop


@register(Workshop)
class WorkshopTranslation(TranslationOptions):
    fields = ("description",)


@register(BatikClass)
class BatikClassTranslation(TranslationOptions):
    fields = ("title", "description", "included", "takes_home", "what_to_bring")


@register(PriceTier)
class PriceTierTranslation(TranslationOptions):
    fields = ("label",)
