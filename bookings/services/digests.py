"""Each morning (07:00 WIB) the owners of every workshop with sessions ahead get a digest of the next 7 days.

Fill rate per session, warnings for sessions below their minimum while the
go/no-go cutoff is still ahead, decisions waiting for them, and waitlist
lengths. One `WorkshopDigest` row per workshop and WIB date is the sent-marker:
a run that repeats, or a second beat, queues nothing more that day.
"""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from bookings.models import MessageKind, OutboxMessage, WorkshopDigest
from bookings.services.outbox import outbox_queue
from core.timezones import WIB
from workshops.models import ClassSession, MembershipRole, SessionStatus, WorkshopMembership

DIGEST_AT = time(7, 0)
# A run that was late (a worker down) still sends until noon; after that, tomorrow's digest.
DIGEST_UNTIL = time(12, 0)
DIGEST_DAYS = 7


def workshop_digest_send(*, workshop_id: int, since: datetime, now: datetime) -> list[OutboxMessage]:
    """Queue today's digest of one workshop to each owner who wants booking e-mails; once per WIB date."""
    owners = (
        WorkshopMembership.objects.filter(
            workshop_id=workshop_id, role=MembershipRole.OWNER, notify_bookings=True
        )
        .exclude(user__email="")
        .values_list("user__email", "user__preferred_language")
    )
    try:
        with transaction.atomic():
            WorkshopDigest.objects.create(
                workshop_id=workshop_id, date=now.astimezone(WIB).date(), created_at=now
            )
            return outbox_queue(
                messages=[
                    OutboxMessage(
                        kind=MessageKind.HOST_DAILY_DIGEST,
                        workshop_id=workshop_id,
                        recipient_email=email,
                        language=language or settings.LANGUAGE_CODE,
                        payload={"since": since.isoformat()},
                        created_at=now,
                    )
                    for email, language in owners
                ]
            )
    except IntegrityError:
        return []  # already sent today


def digests_send(*, now: datetime | None = None) -> int:
    """Between 07:00 and noon WIB, send today's digest of every workshop with sessions in the next 7 days."""
    now = now or timezone.now()
    local = now.astimezone(WIB)
    if not DIGEST_AT <= local.time() < DIGEST_UNTIL:
        return 0
    # The digest covers 7 days from 07:00 WIB today, whenever this morning's run happens.
    since = datetime.combine(local.date(), DIGEST_AT, tzinfo=WIB)
    workshop_ids = (
        ClassSession.objects.filter(
            status=SessionStatus.SCHEDULED,
            starts_at__gte=since,
            starts_at__lt=since + timedelta(days=DIGEST_DAYS),
        )
        .exclude(
            batik_class__workshop__in=WorkshopDigest.objects.filter(date=now.astimezone(WIB).date()).values(
                "workshop"
            )
        )
        .values_list("batik_class__workshop_id", flat=True)
        .distinct()
        .order_by("batik_class__workshop_id")
    )
    sent = 0
    for workshop_id in list(workshop_ids):
        sent += bool(workshop_digest_send(workshop_id=workshop_id, since=since, now=now))
    return sent
