"""Recurring schedule rules: what they make, where they skip, and what they leave alone."""

from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.timezones import WIB
from tests.factories import ClosedDayFactory, PriceTierFactory
from tests.workshops.conftest import as_user
from workshops.models import AuditEntry, ClassSession, ScheduleRule
from workshops.tasks import extend_schedules

pytestmark = pytest.mark.django_db

# Monday 2 March 2026, 08:00 WIB.
MONDAY_MORNING = datetime(2026, 3, 2, 8, 0, tzinfo=WIB)
TODAY = date(2026, 3, 2)


@pytest.fixture
def clock():
    with time_machine.travel(MONDAY_MORNING, tick=False) as traveller:
        yield traveller


def create_rule(api, world, **body):
    payload = {"weekdays": [1, 3], "start_time": "09:00", "capacity": 8, "valid_from": TODAY.isoformat()}
    payload.update(body)
    return as_user(api, world.owner).post(
        f"/api/v1/host/classes/{world.batik_class.slug}/rules/", payload, format="json"
    )


def rule_sessions(rule_id: int) -> list[ClassSession]:
    return list(ClassSession.objects.filter(rule_id=rule_id).order_by("starts_at"))


def wib(session: ClassSession) -> datetime:
    return session.starts_at.astimezone(WIB)


def test_a_weekly_rule_makes_sessions_on_its_weekdays_for_at_least_12_weeks(api, world, clock):
    response = create_rule(api, world, weekdays=[1, 3], start_time="09:00")

    assert response.status_code == 201, response.content
    body = response.json()
    sessions = rule_sessions(body["rule"]["id"])
    assert body["sessions_created"] == len(sessions)
    assert {wib(s).isoweekday() for s in sessions} == {1, 3}
    assert {wib(s).time() for s in sessions} == {time(9, 0)}
    assert wib(sessions[0]).date() == TODAY  # 09:00 today is still ahead of 08:00
    assert wib(sessions[-1]).date() >= TODAY + timedelta(weeks=12)
    # Mondays 2 Mar – 25 May (13) and Wednesdays 4 Mar – 20 May (12).
    assert len(sessions) == 25
    assert all(s.capacity == 8 and s.ends_at - s.starts_at == timedelta(minutes=120) for s in sessions)


def test_a_weekend_pattern_makes_only_saturdays_and_sundays(api, world, clock):
    body = create_rule(api, world, weekdays=[6, 7], start_time="14:00").json()

    days = [wib(s).date() for s in rule_sessions(body["rule"]["id"])]
    assert {d.isoweekday() for d in days} == {6, 7}
    assert days[0] == date(2026, 3, 7)


def test_a_start_at_2330_wib_stays_on_its_wib_date(api, world, clock):
    body = create_rule(api, world, weekdays=[1], start_time="23:30").json()

    sessions = rule_sessions(body["rule"]["id"])
    first = sessions[0]
    assert wib(first) == datetime(2026, 3, 2, 23, 30, tzinfo=WIB)
    # In UTC that is 16:30 the same day; a UTC-date bug would put it on Tuesday.
    assert first.starts_at.astimezone(WIB).isoweekday() == 1
    assert all(wib(s).isoweekday() == 1 and wib(s).time() == time(23, 30) for s in sessions)


def test_a_start_earlier_today_than_now_is_not_made(api, world, clock):
    body = create_rule(api, world, weekdays=[1], start_time="07:00").json()

    assert wib(rule_sessions(body["rule"]["id"])[0]).date() == TODAY + timedelta(weeks=1)


def test_rules_skip_closed_days_and_ranges(api, world, clock):
    ClosedDayFactory(workshop=world.workshop, date_from=date(2026, 3, 4), date_to=date(2026, 3, 4))
    ClosedDayFactory(workshop=world.workshop, date_from=date(2026, 3, 16), date_to=date(2026, 3, 20))

    body = create_rule(api, world, weekdays=[1, 3]).json()

    days = {wib(s).date() for s in rule_sessions(body["rule"]["id"])}
    assert date(2026, 3, 2) in days
    assert date(2026, 3, 4) not in days
    assert date(2026, 3, 16) not in days and date(2026, 3, 18) not in days
    assert date(2026, 3, 23) in days
    assert body["sessions_created"] == 25 - 3


def test_a_rule_respects_valid_until(api, world, clock):
    body = create_rule(api, world, weekdays=[1], valid_until="2026-03-20").json()

    assert [wib(s).date() for s in rule_sessions(body["rule"]["id"])] == [
        date(2026, 3, 2),
        date(2026, 3, 9),
        date(2026, 3, 16),
    ]


def test_a_rule_does_not_duplicate_a_session_already_at_that_start(api, world, clock):
    existing = ClassSession.objects.create(
        batik_class=world.batik_class,
        starts_at=datetime(2026, 3, 4, 9, 0, tzinfo=WIB),
        ends_at=datetime(2026, 3, 4, 11, 0, tzinfo=WIB),
        capacity=5,
    )

    create_rule(api, world, weekdays=[3])

    assert (
        ClassSession.objects.filter(batik_class=world.batik_class, starts_at=existing.starts_at).count() == 1
    )


def test_the_beat_task_extends_the_horizon_once_however_often_it_runs(api, world, clock):
    body = create_rule(api, world, weekdays=[1, 3]).json()
    before = len(rule_sessions(body["rule"]["id"]))

    clock.move_to(MONDAY_MORNING + timedelta(days=7))
    first_run = extend_schedules()
    second_run = extend_schedules()

    sessions = rule_sessions(body["rule"]["id"])
    assert (first_run, second_run) == (2, 0)
    assert len(sessions) == before + 2
    assert wib(sessions[-1]).date() == date(2026, 6, 1)
    assert ScheduleRule.objects.get(pk=body["rule"]["id"]).materialised_until == date(2026, 6, 1)


def test_the_beat_task_leaves_inactive_rules_alone(api, world, clock):
    body = create_rule(api, world, weekdays=[1], is_active=False).json()

    clock.move_to(MONDAY_MORNING + timedelta(days=7))
    extend_schedules()

    assert rule_sessions(body["rule"]["id"]) == []


def book(api, session, seats: int = 1):
    api.force_authenticate(user=None)
    response = api.post(
        "/api/v1/bookings/",
        {"session": session.pk, "seats": seats, "contact": {"name": "Rina", "email": "rina@example.id"}},
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_editing_a_rule_moves_only_future_sessions_without_bookings_and_reports_the_rest(api, world, clock):
    PriceTierFactory(batik_class=world.batik_class)
    rule_id = create_rule(api, world, weekdays=[1], start_time="09:00").json()["rule"]["id"]
    booked = rule_sessions(rule_id)[2]
    book(api, booked, seats=2)

    response = as_user(api, world.owner).patch(
        f"/api/v1/host/rules/{rule_id}/", {"start_time": "14:00", "capacity": 6}, format="json"
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert [s["id"] for s in body["sessions_kept"]] == [booked.pk]
    assert body["sessions_kept"][0]["seats_taken"] == 2
    booked.refresh_from_db()
    assert wib(booked).time() == time(9, 0) and booked.capacity == 8 and booked.rule_id == rule_id
    others = [s for s in rule_sessions(rule_id) if s.pk != booked.pk]
    assert others and all(wib(s).time() == time(14, 0) and s.capacity == 6 for s in others)
    assert body["sessions_removed"] == 12


def test_a_session_whose_hold_expired_still_counts_as_booked(api, world, clock):
    PriceTierFactory(batik_class=world.batik_class)
    rule_id = create_rule(api, world, weekdays=[1]).json()["rule"]["id"]
    touched = rule_sessions(rule_id)[1]
    book(api, touched)
    ClassSession.objects.filter(pk=touched.pk).update(seats_taken=0)  # as after the hold expired

    body = (
        as_user(api, world.owner)
        .patch(f"/api/v1/host/rules/{rule_id}/", {"capacity": 4}, format="json")
        .json()
    )

    assert [s["id"] for s in body["sessions_kept"]] == [touched.pk]


def test_deleting_a_rule_removes_its_unbooked_future_sessions_and_keeps_booked_ones(api, world, clock):
    PriceTierFactory(batik_class=world.batik_class)
    rule_id = create_rule(api, world, weekdays=[1, 3]).json()["rule"]["id"]
    booked = rule_sessions(rule_id)[0]
    book(api, booked)

    response = as_user(api, world.owner).delete(f"/api/v1/host/rules/{rule_id}/")

    assert response.status_code == 200, response.content
    assert [s["id"] for s in response.json()["sessions_kept"]] == [booked.pk]
    assert response.json()["sessions_removed"] == 24
    assert not ScheduleRule.objects.filter(pk=rule_id).exists()
    remaining = ClassSession.objects.filter(batik_class=world.batik_class).exclude(pk=world.session.pk)
    assert list(remaining) == [booked]
    booked.refresh_from_db()
    assert booked.rule_id is None


def test_deleting_a_closed_day_gives_the_rules_their_sessions_back(api, world, clock):
    closed = ClosedDayFactory(workshop=world.workshop, date_from=date(2026, 3, 9), date_to=date(2026, 3, 9))
    rule_id = create_rule(api, world, weekdays=[1]).json()["rule"]["id"]
    assert date(2026, 3, 9) not in {wib(s).date() for s in rule_sessions(rule_id)}

    response = as_user(api, world.owner).delete(
        f"/api/v1/host/workshops/{world.workshop.slug}/closed-days/{closed.pk}/"
    )

    assert response.status_code == 204
    assert date(2026, 3, 9) in {wib(s).date() for s in rule_sessions(rule_id)}


def test_rule_changes_are_audited(api, world, clock):
    rule_id = create_rule(api, world, weekdays=[1]).json()["rule"]["id"]
    as_user(api, world.owner).patch(f"/api/v1/host/rules/{rule_id}/", {"weekdays": [2]}, format="json")

    entries = AuditEntry.objects.filter(target_type="schedulerule", target_id=str(rule_id)).order_by("id")
    assert [e.action for e in entries] == ["rule.created", "rule.updated"]
    assert entries[1].before["weekday_mask"] == 1 and entries[1].after["weekday_mask"] == 2
    assert entries[1].actor == world.owner


def test_weekdays_must_be_iso_days(api, world, clock):
    response = create_rule(api, world, weekdays=[0, 8])

    assert response.status_code == 400
    assert "weekdays" in response.json()["fields"]


def test_saving_a_rule_takes_a_bounded_number_of_queries(api, world, clock):
    with CaptureQueriesContext(connection) as ctx:
        create_rule(api, world, weekdays=[1, 2, 3, 4, 5, 6, 7])

    assert ClassSession.objects.filter(rule__isnull=False).count() > 80
    assert len(ctx.captured_queries) < 30
