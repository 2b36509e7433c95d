from django.utils import timezone

from core.models import Heartbeat


def heartbeat_record(*, name: str) -> Heartbeat:
    """Store that `name` ran now; running it twice only moves the time forward."""
    heartbeat, _ = Heartbeat.objects.update_or_create(name=name, defaults={"last_seen": timezone.now()})
    return heartbeat
