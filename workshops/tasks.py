"""Periodic work of the workshops app."""

from celery import shared_task

from workshops.services.schedule import rule_extend, rules_due


@shared_task(ignore_result=True)
def extend_schedules() -> int:
    """Keep every active rule's sessions 12 weeks ahead; safe to run twice (one effect)."""
    created = 0
    for rule_id in rules_due().values_list("pk", flat=True):
        created += rule_extend(rule_id=rule_id)
    return created
