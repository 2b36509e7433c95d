"""System checks for settings whose values only work together."""

from django.conf import settings
from django.core.checks import Error, register


@register()
def outbox_lease_check(app_configs, **kwargs) -> list[Error]:
    """A slow sender must be stopped before its claim lapses, or a second worker would send too."""
    timeout = settings.EMAIL_TIMEOUT
    limit = settings.CANTING_OUTBOX_SEND_TIME_LIMIT
    lease = settings.CANTING_OUTBOX_CLAIM_LEASE_SECONDS
    if not timeout or not timeout < limit < lease:
        return [
            Error(
                f"Need 0 < EMAIL_TIMEOUT ({timeout}) < CANTING_OUTBOX_SEND_TIME_LIMIT ({limit}) "
                f"< CANTING_OUTBOX_CLAIM_LEASE_SECONDS ({lease}).",
                hint="Otherwise a message whose sending is merely slow could be sent twice.",
                id="bookings.E001",
            )
        ]
    return []
