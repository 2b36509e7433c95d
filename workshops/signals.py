"""The catalogue edited outside the services (the admin, a shell): tell every cache after commit.

The services announce their own changes (workshops/services/_common.py); an edit
in the admin goes through `Model.save()` alone, and without this the cached
lists and what web processes remember of a session (bookings/services/
session_memory.py) would hold the old catalogue until they expire by time.
"""

from django.db.models.signals import post_delete, post_save

from tourism.models import Village
from workshops.models import BatikClass, ClassSession, PriceTier, Workshop
from workshops.services._common import catalogue_changed_on_commit

CATALOGUE_MODELS = (Village, Workshop, BatikClass, ClassSession, PriceTier)


def _catalogue_row_changed(sender, **kwargs) -> None:
    if not kwargs.get("raw"):  # loading fixtures: nothing is cached yet
        catalogue_changed_on_commit()


def connect() -> None:
    for model in CATALOGUE_MODELS:
        for signal in (post_save, post_delete):
            signal.connect(_catalogue_row_changed, sender=model, dispatch_uid=f"catalogue-{model.__name__}")
