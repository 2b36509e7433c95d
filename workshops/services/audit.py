"""The audit log: one row per host action that changes a session, a class or a booking."""

from typing import Any

from django.db import models
from django.utils import timezone

from core.models import User
from workshops.models import AuditEntry, Workshop


def audit_record(
    *,
    actor: User | None,
    workshop: Workshop,
    action: str,
    target: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Record `action` on `target`; call inside the transaction that makes the change."""
    return AuditEntry.objects.create(
        workshop=workshop,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        target_type=target._meta.model_name,
        target_id=str(getattr(target, "code", None) or target.pk),
        before=before,
        after=after,
        created_at=timezone.now(),
    )


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    """The listed fields as JSON-friendly values, for `before` / `after`."""
    values = {}
    for name in fields:
        value = getattr(instance, name)
        values[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return values
