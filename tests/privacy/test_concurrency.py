"""Two owners of a workshop deleting their accounts at the same moment cannot leave it without an owner."""

import pytest

from bookings.services.privacy import account_delete
from core.errors import DomainError
from core.models import User
from tests.concurrency import run_together
from tests.factories import MembershipFactory, WorkshopFactory
from tests.privacy.conftest import PASSWORD
from workshops.models import MembershipRole, WorkshopMembership

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_of_two_owners_deleting_at_once_exactly_one_goes_and_the_other_is_refused():
    workshop = WorkshopFactory()
    owners = [
        MembershipFactory(
            workshop=workshop, role=MembershipRole.OWNER, user__email=f"pemilik{n}@sanggar.id"
        ).user
        for n in range(2)
    ]

    def attempt(index: int) -> str:
        try:
            account_delete(user=User.objects.get(pk=owners[index].pk), password=PASSWORD)
        except DomainError as refusal:
            return refusal.code
        return "deleted"

    outcomes = run_together(2, attempt)

    assert sorted(outcomes) == ["deleted", "last_owner_of_workshop"]
    assert WorkshopMembership.objects.filter(workshop=workshop, role=MembershipRole.OWNER).count() == 1
    assert User.objects.filter(pk__in=[owner.pk for owner in owners]).count() == 1
