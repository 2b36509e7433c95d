"""Minimum participants: at each class's cutoff, a session is decided once: go, cancel, or ask the owners.

Only classes with a minimum above one person are decided. The cutoff is
`starts_at - go_no_go_hours`: the sweep finds undecided sessions by a range
query on `starts_at` (partial index on undecided sessions) and decides those
whose cutoff has passed. The decision is written under the session's row lock
with the change it causes (messages, the cancellation), so it is taken once
however often the sweep runs.

- confirmed seats ≥ minimum → `go`, and every confirmed guest hears it is going ahead;
- below, with `auto_cancel_below_minimum` → `cancelled`: the session and its bookings
  are cancelled (`session_cancel_with_bookings`) and each guest is offered the next sessions;
- below, otherwise → `pending`: each owner is asked to decide by `decision_deadline`
  (halfway from the cutoff to the start). An owner who cancels uses the host API; at
  the deadline a session still scheduled goes ahead and its guests are told so.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bookings.models import Booking, BookingStatus, MessageKind, OutboxMessage
from bookings.services.outbox import outbox_add, outbox_queue
from bookings.services.sessions import session_cancel_with_bookings
from core.cache import catalogue_changed
from workshops.models import (
    BatikClass,
    ClassSession,
    MembershipRole,
    SessionDecision,
    SessionStatus,
    WorkshopMembership,
)

COUNTED = (BookingStatus.CONFIRMED, BookingStatus.ATTENDED)


def go_no_go_cutoff(session: ClassSession) -> datetime:
    return session.starts_at - timedelta(hours=session.batik_class.go_no_go_hours)


def _confirmed_seats(session_id: int) -> int:
    return (
        Booking.objects.filter(session_id=session_id, status__in=COUNTED).aggregate(n=Sum("seats"))["n"] or 0
    )


def _go(session: ClassSession, now: datetime) -> None:
    # A lapsed owners' deadline stays recorded: the session went ahead because nobody cancelled.
    ClassSession.objects.filter(pk=session.pk).update(decision=SessionDecision.GO, decided_at=now)
    confirmed = Booking.objects.filter(session_id=session.pk, status=BookingStatus.CONFIRMED).order_by("pk")
    outbox_add(bookings=list(confirmed), kind=MessageKind.SESSION_GOING_AHEAD, now=now)


def _ask_owners(session: ClassSession, deadline: datetime, now: datetime) -> None:
    ClassSession.objects.filter(pk=session.pk).update(
        decision=SessionDecision.PENDING, decided_at=now, decision_deadline=deadline
    )
    owners = (
        WorkshopMembership.objects.filter(
            workshop_id=session.batik_class.workshop_id, role=MembershipRole.OWNER
        )
        .exclude(user__email="")
        .values_list("user__email", "user__preferred_language")
    )
    outbox_queue(
        messages=[
            OutboxMessage(
                kind=MessageKind.HOST_DECISION_NEEDED,
                session=session,
                recipient_email=email,
                language=language or settings.LANGUAGE_CODE,
                created_at=now,
            )
            for email, language in owners
        ]
    )


def session_decide(*, session_id: int, now: datetime | None = None) -> ClassSession:
    """Take the go/no-go decision of one session if its cutoff has passed; a decided session is left alone."""
    now = now or timezone.now()
    with transaction.atomic():
        session = ClassSession.objects.select_for_update().get(pk=session_id)
        batik_class = BatikClass.objects.get(pk=session.batik_class_id)
        session.batik_class = batik_class
        due = go_no_go_cutoff(session) <= now < session.starts_at
        if session.decision or session.status != SessionStatus.SCHEDULED or not due:
            return session
        if _confirmed_seats(session.pk) >= batik_class.min_participants:
            _go(session, now)
        elif batik_class.auto_cancel_below_minimum:
            ClassSession.objects.filter(pk=session.pk).update(
                decision=SessionDecision.CANCELLED, decided_at=now
            )
            with translation.override(settings.LANGUAGE_CODE):
                reason = _("The minimum number of participants was not reached.")
            # In this transaction: the decision and the cancellation commit together or not at all.
            session_cancel_with_bookings(session=session, reason=reason, actor=None)
        else:
            _ask_owners(session, deadline=now + (session.starts_at - now) / 2, now=now)
        transaction.on_commit(catalogue_changed)
    session.refresh_from_db()
    return session


def session_decision_lapse(*, session_id: int, now: datetime | None = None) -> ClassSession:
    """The owners' deadline passed: a session they did not cancel goes ahead (and its guests hear so)."""
    now = now or timezone.now()
    with transaction.atomic():
        session = ClassSession.objects.select_for_update().get(pk=session_id)
        lapsed = session.decision_deadline is not None and session.decision_deadline <= now
        if session.decision != SessionDecision.PENDING or not lapsed:
            return session
        if session.status == SessionStatus.SCHEDULED:
            _go(session, now)
        else:
            ClassSession.objects.filter(pk=session.pk).update(decision=SessionDecision.CANCELLED)
        transaction.on_commit(catalogue_changed)
    session.refresh_from_db()
    return session


def sessions_decide(*, now: datetime | None = None) -> int:
    """Decide every session past its cutoff and close lapsed owner decisions; returns how many changed."""
    now = now or timezone.now()
    longest = BatikClass.objects.filter(min_participants__gt=1).aggregate(h=Max("go_no_go_hours"))["h"]
    changed = 0
    if longest is not None:
        candidates = (
            ClassSession.objects.filter(
                decision="",
                status=SessionStatus.SCHEDULED,
                starts_at__gt=now,
                starts_at__lte=now + timedelta(hours=longest),
                batik_class__min_participants__gt=1,
            )
            .select_related("batik_class")
            .order_by("starts_at", "pk")
        )
        for session in candidates:
            if go_no_go_cutoff(session) <= now:
                changed += bool(session_decide(session_id=session.pk, now=now).decision)
    lapsed = ClassSession.objects.filter(decision=SessionDecision.PENDING, decision_deadline__lte=now)
    for session_id in lapsed.order_by("pk").values_list("pk", flat=True):
        session_decision_lapse(session_id=session_id, now=now)
        changed += 1
    return changed
