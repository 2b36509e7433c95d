"""An edit of the catalogue outside the services (as the admin makes one) reaches the caches."""

import pytest

from core.cache import CATALOGUE_VERSION_KEY, cache_get
from tests.factories import ClassSessionFactory

pytestmark = pytest.mark.django_db


def _version() -> int:
    return int(cache_get(CATALOGUE_VERSION_KEY) or 0)


@pytest.mark.parametrize("edit", ["class", "session", "village", "delete tier"])
def test_saving_or_deleting_a_catalogue_row_moves_the_version_after_commit(
    edit, django_capture_on_commit_callbacks
):
    session = ClassSessionFactory()
    tier = session.batik_class.price_tiers.create(label="Dewasa", amount=50000)
    before = _version()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        if edit == "class":
            session.batik_class.is_published = False
            session.batik_class.save()
        elif edit == "session":
            session.capacity += 5
            session.save(update_fields=["capacity"])
        elif edit == "village":
            session.batik_class.workshop.village.save()
        else:
            tier.delete()
        assert _version() == before  # nothing before the commit

    assert callbacks
    assert _version() > before
