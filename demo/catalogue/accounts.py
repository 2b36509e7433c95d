"""Demo accounts: one host per workshop and one programme coordinator. Invented people."""

from demo.catalogue.records import Person

# Every demo account shares this password. It is printed only when DEBUG is on, and
# re-running the seed never resets it, so a password someone changed stays changed.
DEMO_PASSWORD = "batik-singkawang-demo"

COORDINATOR_EMAIL = "koordinator@canting.test"
COORDINATOR = Person("Ratna", "Kusumawati")
COORDINATORS_GROUP = "coordinators"
# The coordinator looks across every village and group but changes nothing.
COORDINATOR_VIEW_APPS = ("tourism", "workshops", "bookings")


def host_email(workshop_slug: str) -> str:
    """The login of a workshop's demo host."""
    return f"host.{workshop_slug}@canting.test"
