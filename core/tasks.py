from celery import shared_task

from core.services import heartbeat_record


@shared_task(ignore_result=True)
def scheduler_heartbeat() -> None:
    """Beat sends this every 30 s; a worker running it proves the whole chain works."""
    heartbeat_record(name="scheduler")
