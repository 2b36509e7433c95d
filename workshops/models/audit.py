"""The audit log of host actions."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from workshops.models.workshop import Workshop


class AuditEntry(models.Model):
    """Who changed what in a workshop, and how it looked before and after.

    Written by the services of every host action on a session, a class or a
    booking; owners and coordinators read it.
    """

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="audit_entries")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=64)
    target_type = models.CharField(_("target type"), max_length=32)
    target_id = models.CharField(_("target"), max_length=64)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    created_at = models.DateTimeField(_("when"))

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["workshop", "-created_at"], name="audit_workshop_time_idx")]

    def __str__(self) -> str:
        return f"{self.action} {self.target_type}:{self.target_id}"
