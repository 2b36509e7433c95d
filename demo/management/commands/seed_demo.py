"""`manage.py seed_demo`: load the Singkawang demo (what `make run` calls)."""

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo import catalogue
from demo.bookings import demo_bookings_seed
from demo.loader import demo_seed

LOGIN_URLS = ("http://127.0.0.1:8000/admin/", "http://127.0.0.1:8000/accounts/login/")


class Command(BaseCommand):
    help = "Load the Singkawang demo: villages, workshops, classes, sessions, demo accounts. Safe to re-run."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--weeks", type=int, default=8, help="Weeks of sessions to schedule from today (default 8)."
        )
        parser.add_argument(
            "--without-bookings",
            action="store_true",
            help="Load only the catalogue, without the demo guests' bookings.",
        )

    def handle(self, *args: Any, weeks: int, without_bookings: bool = False, **options: Any) -> None:
        if weeks < 1:
            raise CommandError("--weeks must be at least 1")
        report = demo_seed(weeks=weeks)
        # Printed after the commit, so no line ever reports rows a rollback undid.
        for kind, tally in report.tallies.items():
            self.stdout.write(
                f"{kind}: {tally.created} created, {tally.updated} updated, {tally.unchanged} unchanged"
            )
        self.stdout.write(f"schedule: {report.first_day:%Y-%m-%d} to {report.last_day:%Y-%m-%d} (WIB)")
        if not without_bookings:
            booked = demo_bookings_seed()
            seats, sessions = booked.seats, booked.sessions_filled
            self.stdout.write(f"bookings: {booked.bookings} created ({seats} seats in {sessions} sessions)")
        self.stdout.write(self.style.SUCCESS("Singkawang demo loaded."))
        # A shared, published password must never show up in a production log.
        if settings.DEBUG:
            self._print_logins()

    def _print_logins(self) -> None:
        self.stdout.write(f"Demo accounts, all with the password: {catalogue.DEMO_PASSWORD}")
        self.stdout.write(f"  coordinator (admin): {catalogue.COORDINATOR_EMAIL}")
        example = catalogue.WORKSHOPS[0].slug
        self.stdout.write(
            f"  workshop hosts: host.<workshop-slug>@canting.test, e.g. {catalogue.host_email(example)}"
        )
        self.stdout.write("Log in at " + " or ".join(LOGIN_URLS))
