"""A small host world: workshop A with an owner, a staff member and a schedule; workshop B beside it."""

from dataclasses import dataclass

import pytest

from tests.factories import (
    BatikClassFactory,
    ClassSessionFactory,
    ClosedDayFactory,
    MembershipFactory,
    PriceTierFactory,
    ScheduleRuleFactory,
    UserFactory,
    WorkshopFactory,
)
from workshops.models import MembershipRole


@dataclass
class HostWorld:
    workshop: object
    owner: object
    staff: object
    staff_membership: object
    batik_class: object
    tier: object
    session: object
    rule: object
    closed_day: object
    other_workshop: object
    other_owner: object
    tourist: object


@pytest.fixture
def world(db) -> HostWorld:
    workshop = WorkshopFactory()
    owner = MembershipFactory(workshop=workshop, role=MembershipRole.OWNER).user
    staff_membership = MembershipFactory(workshop=workshop, role=MembershipRole.STAFF)
    batik_class = BatikClassFactory(workshop=workshop)
    other_workshop = WorkshopFactory()
    return HostWorld(
        workshop=workshop,
        owner=owner,
        staff=staff_membership.user,
        staff_membership=staff_membership,
        batik_class=batik_class,
        tier=PriceTierFactory(batik_class=batik_class),
        session=ClassSessionFactory(batik_class=batik_class),
        rule=ScheduleRuleFactory(batik_class=batik_class),
        closed_day=ClosedDayFactory(workshop=workshop),
        other_workshop=other_workshop,
        other_owner=MembershipFactory(workshop=other_workshop, role=MembershipRole.OWNER).user,
        tourist=UserFactory(),
    )


def as_user(api, user):
    api.force_authenticate(user=user)
    return api
