"""What the owners' e-mails about a session (go/no-go) and about their whole workshop (daily digest) say."""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils.translation import gettext as _

from bookings import selectors
from bookings.models import MessageKind, OutboxMessage
from core.formatting import wib_datetime, wib_range
from core.timezones import WIB
from workshops.models import ClassSession, SessionDecision

DIGEST_DAYS = 7


def _site(path: str) -> str:
    return f"{settings.CANTING_SITE_URL}{path}"


def host_message_context(message: OutboxMessage) -> dict:
    if message.kind == MessageKind.HOST_DECISION_NEEDED:
        return _decision_context(message)
    return _digest_context(message)


def _decision_context(message: OutboxMessage) -> dict:
    session = (
        ClassSession.objects.select_related("batik_class__workshop")
        .annotate(confirmed=selectors.confirmed_seats_expression())
        .get(pk=message.session_id)
    )
    batik_class = session.batik_class
    when = wib_range(session.starts_at, session.ends_at)
    until = wib_datetime(session.decision_deadline) if session.decision_deadline else ""
    return {
        "session": session,
        "batik_class": batik_class,
        "workshop": batik_class.workshop,
        "when": when,
        "confirmed": session.confirmed,
        "minimum": batik_class.min_participants,
        "decide_until": until,
        "roster_url": _site(f"/api/v1/host/sessions/{session.pk}/roster/"),
        "cancel_url": _site(f"/api/v1/host/sessions/{session.pk}/cancel/"),
        "site_url": settings.CANTING_SITE_URL,
        "subject": {"until": until, "when": when},
    }


def _digest_context(message: OutboxMessage) -> dict:
    workshop = message.workshop
    since = datetime.fromisoformat(message.payload["since"])
    sessions = selectors.workshop_upcoming_sessions(
        workshop_id=workshop.pk, since=since, until=since + timedelta(days=DIGEST_DAYS)
    )
    rows = []
    for session in sessions:
        batik_class = session.batik_class
        cutoff = session.starts_at - timedelta(hours=batik_class.go_no_go_hours)
        below = batik_class.min_participants > 1 and session.confirmed < batik_class.min_participants
        rows.append(
            {
                "title": batik_class.title,
                "when": wib_range(session.starts_at, session.ends_at),
                "taken": session.seats_taken,
                "confirmed": session.confirmed,
                "capacity": session.capacity,
                "fill": round(100 * session.seats_taken / session.capacity),
                "minimum": batik_class.min_participants,
                # A warning only while something can still be done: before the go/no-go cutoff.
                "below_minimum": below and not session.decision and cutoff > since,
                "cutoff": wib_datetime(cutoff),
                "pending": session.decision == SessionDecision.PENDING,
                "waiting": session.waiting,
            }
        )
    return {
        "workshop": workshop,
        "rows": rows,
        "date": since.astimezone(WIB).date(),
        "site_url": settings.CANTING_SITE_URL,
        "subject": {"workshop": workshop.name},
        "empty_text": _("No sessions in the next 7 days."),
    }
