"""Small helpers the host services share."""

from django.db import transaction

from core.cache import catalogue_changed


def catalogue_changed_on_commit() -> None:
    """Refresh cached public lists once the change is visible to everyone."""
    transaction.on_commit(catalogue_changed)
