"""Small field helpers shared by the catalogue models."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

# Languages a host can teach in. The four site locales plus Hakka and Mandarin,
# which many people in Singkawang speak.
SPOKEN_LANGUAGES = [
    ("id", _("Indonesian")),
    ("en", _("English")),
    ("zh", _("Mandarin")),
    ("hak", _("Hakka")),
    ("ms", _("Malay")),
]
SPOKEN_LANGUAGE_CODES = [code for code, _label in SPOKEN_LANGUAGES]


def validate_language_list(value: str) -> None:
    unknown = [code for code in split_languages(value) if code not in SPOKEN_LANGUAGE_CODES]
    if unknown:
        raise ValidationError(_("Unknown language code(s): %(codes)s"), params={"codes": ", ".join(unknown)})


def split_languages(value: str) -> list[str]:
    return [code for code in (value or "").split(",") if code]


def language_filter_regex(code: str) -> str:
    """A regex that matches `code` as one whole item of a comma-separated list."""
    return rf"(^|,){code}(,|$)"


class LanguagesField(models.CharField):
    """Languages as a comma-separated list of codes (`id,en,hak`).

    A plain string keeps filtering portable between PostgreSQL and SQLite.
    """

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("default", "id")
        kwargs.setdefault("validators", [validate_language_list])
        # Lazy all the way: a plain % here would freeze whichever language is active at import.
        codes = ", ".join(SPOKEN_LANGUAGE_CODES)
        kwargs.setdefault("help_text", format_lazy(_("Comma-separated codes: {}"), codes))
        super().__init__(*args, **kwargs)


def rupiah(amount: int) -> str:
    """Whole rupiah the Indonesian way: 75000 → 'Rp75.000'."""
    return "Rp" + f"{int(amount):,}".replace(",", ".")


def latitude_field() -> models.DecimalField:
    """An optional latitude in degrees (six decimals: about 10 cm)."""
    return models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )


def longitude_field() -> models.DecimalField:
    """An optional longitude in degrees."""
    return models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
