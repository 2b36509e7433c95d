"""The shapes of the demo catalogue: plain frozen records, no database access."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Text:
    """Visitor-facing text in the site locales. Indonesian and English are always written.

    Chinese and Malay may stay empty: modeltranslation then falls back to Indonesian.
    May contain `{motif}` and `{workshop}`, filled in per workshop.
    """

    id: str
    en: str
    zh_hans: str = ""
    ms: str = ""

    def by_locale(self) -> dict[str, str]:
        """Locale code (as in settings.LANGUAGES) → text, without the empty ones."""
        texts = {"id": self.id, "en": self.en, "zh-hans": self.zh_hans, "ms": self.ms}
        return {locale: text for locale, text in texts.items() if text}


@dataclass(frozen=True)
class VillageSpec:
    slug: str
    name: str
    classification: str
    latitude: str  # strings, so the six decimals land in the DecimalField unrounded
    longitude: str
    address: str
    whatsapp: str
    description: Text
    highlights: Text  # one per line


@dataclass(frozen=True)
class Person:
    first_name: str
    last_name: str


@dataclass(frozen=True)
class Offer:
    """A class template as one workshop teaches it."""

    template: str
    is_published: bool = True


@dataclass(frozen=True)
class WorkshopSpec:
    slug: str
    name: str
    village: str  # VillageSpec.slug
    production_group: str
    motif: Text  # the group's signature motif, used in class titles
    languages: str  # comma-separated codes from core.fields.SPOKEN_LANGUAGES
    address: str
    whatsapp: str
    closed_weekdays: tuple[int, ...]  # Monday = 0
    host: Person
    description: Text
    offers: tuple[Offer, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class TierSpec:
    label: Text
    percent: int  # of the class's base price


@dataclass(frozen=True)
class ClassTemplate:
    """A kind of class several workshops teach; price and size vary a little per workshop."""

    key: str  # slug stem; the class slug is "<key>-<workshop slug>"
    technique: str
    level: str
    duration_minutes: int
    price: int  # whole rupiah, the first tier
    tiers: str  # key of classes.TIER_SCHEMES
    min_participants: int
    max_participants: int
    min_age: int
    cancellation_hours: int
    title: Text
    description: Text
    included: Text
    takes_home: Text
    what_to_bring: Text
