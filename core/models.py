"""What every app shares: the user account and the scheduler's heartbeat."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person with an account: tourist, workshop host or programme coordinator.

    People sign in with their e-mail address; `username` stays only because
    Django's admin and auth forms expect it.
    """

    email = models.EmailField(_("e-mail address"), unique=True)
    phone = models.CharField(_("phone (WhatsApp)"), max_length=32, blank=True)
    preferred_language = models.CharField(_("preferred language"), max_length=8, blank=True)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.email


class Heartbeat(models.Model):
    """The last time a periodic process proved it is alive (beat → broker → worker)."""

    name = models.CharField(max_length=64, unique=True)
    last_seen = models.DateTimeField()

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self) -> str:
        return f"{self.name} @ {self.last_seen:%Y-%m-%d %H:%M:%S}"
