"""Workshops (sanggar) of the production groups, their members and invitations."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.fields import LanguagesField, latitude_field, longitude_field, split_languages
from tourism.models import Village
from workshops.models.payments import payment_methods_field


class WorkshopQuerySet(models.QuerySet):
    def published(self) -> "WorkshopQuerySet":
        return self.filter(is_published=True, village__is_published=True)


class Workshop(models.Model):
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="workshops", verbose_name=_("village")
    )
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    production_group = models.CharField(_("production group (kelompok produksi)"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    latitude = latitude_field()
    longitude = longitude_field()
    languages = LanguagesField(_("languages spoken"))
    whatsapp = models.CharField(_("WhatsApp number"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    hold_minutes = models.PositiveSmallIntegerField(
        _("hold minutes"),
        default=15,
        validators=[MinValueValidator(5), MaxValueValidator(120)],
        help_text=_("How long unconfirmed seats stay held for a tourist."),
    )
    # How tourists may pay, and the account a bank transfer goes to.
    payment_methods = payment_methods_field()
    bank_name = models.CharField(_("bank"), max_length=80, blank=True)
    bank_account_number = models.CharField(_("bank account number"), max_length=40, blank=True)
    bank_account_holder = models.CharField(_("bank account holder"), max_length=120, blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WorkshopQuerySet.as_manager()

    class Meta:
        verbose_name = _("workshop (sanggar)")
        verbose_name_plural = _("workshops (sanggar)")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def language_list(self) -> list[str]:
        return split_languages(self.languages)

    @property
    def has_bank_account(self) -> bool:
        return bool(self.bank_name and self.bank_account_number and self.bank_account_holder)


class MembershipRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    STAFF = "staff", _("Staff")


class WorkshopMembership(models.Model):
    """A member of a production group who helps run its workshop."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="workshop_memberships"
    )
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=8, choices=MembershipRole.choices)
    # Owners get an e-mail for each new booking and cancellation unless they turn it off.
    notify_bookings = models.BooleanField(_("e-mail me new bookings and cancellations"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("workshop membership")
        verbose_name_plural = _("workshop memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "workshop"], name="membership_unique_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.workshop} ({self.role})"


class Invitation(models.Model):
    """An owner's invitation to join a workshop, accepted by the account with that e-mail.

    Only a hash of the token is stored: a copy of the database cannot accept it.
    """

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail"))
    role = models.CharField(_("role"), max_length=8, choices=MembershipRole.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.email} → {self.workshop} ({self.role})"
