"""bench/mixed.py and its wrk scenario (bench/wrk/mixed.lua), driven against the live test server.

The real benchmark (`make bench-load`) runs gunicorn and a Celery worker on 200,000
bookings for a minute; here wrk drives the same Lua scenario for a few seconds against
pytest-django's live server on the test database, with Celery eager (the real task,
in-process) and e-mails written as files, and the benchmark's own checks judge it.
"""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.mail import EmailMultiAlternatives

from bench.load import run_wrk
from bench.mixed import (
    ACTIONS,
    SCRIPT,
    answers_agree,
    check_mail,
    parse_actions,
    read_mailbox,
    settle,
)
from bench.run import _booking_outcome
from bookings.models import Booking, BookingStatus
from config.celery import app as celery_app
from tests.conftest import _unavailable
from tests.factories import BatikClassFactory, ClassSessionFactory, PriceTierFactory

pytestmark = [pytest.mark.postgres]

CONNECTIONS = 4


def _wrk_or_skip() -> None:
    if shutil.which("wrk") is None:
        _unavailable("needs wrk, the benchmark's load generator: apt-get install -y wrk")


class LiveServer:
    """What run_wrk needs of a server: where it listens, and whose CPU to count (this process)."""

    def __init__(self, url: str) -> None:
        self.base_url = url
        self.process = SimpleNamespace(pid=os.getpid())

    def cpu_seconds(self) -> float:
        return 0.0

    def worker_pids(self) -> list[int]:
        return []


@pytest.fixture
def eager_celery() -> Iterator[None]:
    saved = {key: celery_app.conf[key] for key in ("task_always_eager", "task_eager_propagates")}
    celery_app.conf.update(task_always_eager=True, task_eager_propagates=True)
    try:
        yield
    finally:
        celery_app.conf.update(saved)


@pytest.fixture
def mail_dir(settings, tmp_path: Path) -> Path:
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    return tmp_path / "mail"


def test_the_mixed_scenario_books_confirms_cancels_and_meets_a_full_session_without_overselling(
    live_server, transactional_db, eager_celery, mail_dir
):
    _wrk_or_skip()
    batik_class = BatikClassFactory(max_participants=20)
    PriceTierFactory(batik_class=batik_class)
    roomy = [ClassSessionFactory(batik_class=batik_class, capacity=200).pk for _ in range(3)]
    filling = [ClassSessionFactory(batik_class=batik_class, capacity=2).pk]
    server = LiveServer(live_server.url)

    result = run_wrk(
        server,
        mode="mixed",
        path="/",
        seconds=3,
        tag="t",
        script=SCRIPT,
        connections=CONNECTIONS,
        threads=CONNECTIONS,
        extra={
            "tag": "test",
            "roomy": ",".join(map(str, roomy)),
            "filling": ",".join(map(str, filling)),
            "browse": ",".join(map(str, roomy + filling)),
            "classes": batik_class.slug,
            "mix": "40,30,20,10",
            "filling_share": "0.5",
            "pages": "1",  # four sessions make one page; page 2 would be a 404
        },
    )
    actions = parse_actions(result.output)
    # The live server finishes the requests wrk left on the wire; then they are counted too.
    unsent, _waited = settle(roomy + filling, timeout=30, quiet=3)
    assert unsent == 0

    assert result.socket_errors == 0, result.output
    for name in ACTIONS:
        action = actions[name]
        assert action.ok > 0, f"no {name} succeeded:\n{result.output}"
        assert action.unexpected == 0, f"{name}: {action.describe()}"
        assert 0 < action.p50_us <= action.p95_us <= action.p99_us
        assert action.answered <= action.sent <= action.answered + CONNECTIONS
    assert actions["hold"].refused > 0 and actions["hold"].codes == {"session_full": actions["hold"].refused}
    assert sum(a.answered for a in actions.values()) == result.responses
    assert 0 < result.latency_p50 <= result.latency_p95 <= result.latency_p99

    # What wrk saw is what the database holds, and no session is oversold.
    ours = Booking.objects.filter(session_id__in=roomy + filling)
    confirmed = set(ours.filter(confirmed_at__isnull=False).values_list("code", flat=True))
    stored = {
        "hold": ours.count(),
        "confirm": len(confirmed),
        "cancel": ours.filter(status=BookingStatus.CANCELLED).count(),
    }
    for name, rows in stored.items():
        action = actions[name]
        assert answers_agree(ok=action.ok, stored=rows, unanswered=action.sent - action.answered), (
            name,
            action,
            rows,
        )
    outcome = _booking_outcome(roomy + filling)
    assert outcome["oversold"] == 0 and outcome["counter_drift_sessions"] == 0, outcome
    assert outcome["seats_taken"] == outcome["booked_seats"] > 0

    # Every confirmed booking got its confirmation e-mail, once.
    check = check_mail(read_mailbox(mail_dir), confirmed)
    assert check.passed, check.describe()
    assert check.confirmations == len(confirmed) >= actions["confirm"].ok


def test_bench_lua_prints_the_latency_percentiles_of_wrk(live_server, transactional_db):
    _wrk_or_skip()
    result = run_wrk(LiveServer(live_server.url), mode="get", path="/api/v1/ping/", seconds=1, tag="p")

    assert result.statuses == {200: result.responses} and result.responses > 0
    assert 0 < result.latency_p50 <= result.latency_p95 <= result.latency_p99


def _email(code: str, *, confirmation: bool) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=f"About {code}", body="…", to=["tamu@example.com"], headers={"X-Canting-Booking": code}
    )
    if confirmation:
        message.attach(f"{code}.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")
    return message


def test_the_mail_check_finds_missing_duplicated_and_unconfirmed_confirmations(mail_dir):
    from django.core.mail import get_connection

    with get_connection() as connection:  # one file, several messages: as a worker's batch would be
        connection.send_messages(
            [
                _email("BTK-AAAAAA", confirmation=True),
                _email("BTK-AAAAAA", confirmation=False),  # its cancellation: not a confirmation
                _email("BTK-BBBBBB", confirmation=True),
                _email("BTK-BBBBBB", confirmation=True),
                _email("BTK-DDDDDD", confirmation=True),
            ]
        )
    _email("BTK-EEEEEE", confirmation=True).send()  # a file of its own

    mailbox = read_mailbox(mail_dir)
    assert mailbox["BTK-AAAAAA"] == {"confirmation": 1, "other": 1}
    check = check_mail(mailbox, {"BTK-AAAAAA", "BTK-BBBBBB", "BTK-CCCCCC", "BTK-EEEEEE"})

    assert not check.passed
    assert check.missing == ["BTK-CCCCCC"]
    assert check.duplicated == ["BTK-BBBBBB"]
    assert check.unexpected == ["BTK-DDDDDD"]
    assert check.confirmations == 5
    assert check_mail(mailbox, {"BTK-AAAAAA", "BTK-EEEEEE", "BTK-DDDDDD"}).duplicated == ["BTK-BBBBBB"]


def test_the_report_gives_each_figure_as_a_ratio_to_the_floor_and_fails_when_a_check_fails(capsys):
    from bench.mixed import Cpu, Row, report

    floor = Row("floor", 1000, 10.0, 100.0, 10.0, 20.0, 40.0, failures=0, statuses="200×1000")
    hold = Row("  hold", 50, 10.0, 5.0, 50.0, 100.0, 400.0, failures=1, statuses="201×49 500×1")
    hold.relative_to(floor)
    cpu = Cpu(server=150, postgres=30, worker=10, wrk=5, other=5, others="")
    measured = {
        "rows": [floor, hold],
        "cpu": {"mixed": cpu},
        "checks": {"oversold": (True, "0 seats oversold"), "e-mails": (False, "1 missing")},
    }

    assert (hold.rate_ratio, hold.p50_ratio, hold.p95_ratio, hold.p99_ratio) == (0.05, 5.0, 5.0, 10.0)
    assert hold.failure_rate == 0.02
    assert report(measured) is False
    printed = capsys.readouterr().out
    assert "  hold" in printed and "0.050" in printed and "10.00" in printed and "2.00%" in printed
    assert "e-mails    FAIL  1 missing" in printed

    measured["checks"]["e-mails"] = (True, "1 confirmation e-mail for 1 confirmed booking")
    assert report(measured) is True
