"""What a workshop teaches: classes with their techniques, policies and price tiers."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.fields import LanguagesField, rupiah, split_languages
from workshops.models.payments import PaymentMethod, payment_methods_field
from workshops.models.workshop import Workshop


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
    # Empty: the workshop's methods.
    payment_methods = payment_methods_field(null=True)
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
    def accepted_payment_methods(self) -> list[str]:
        """The methods a tourist may pay this class with, in a stable order.

        A bank transfer needs the workshop's account: without one it is not offered.
        """
        chosen = self.payment_methods or self.workshop.payment_methods or []
        methods = [method for method in PaymentMethod.values if method in chosen]
        if PaymentMethod.BANK_TRANSFER in methods and not self.workshop.has_bank_account:
            methods.remove(PaymentMethod.BANK_TRANSFER)
        return methods

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
