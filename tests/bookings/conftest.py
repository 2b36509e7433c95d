import pytest

from tests.factories import ClassSessionFactory, PriceTierFactory


@pytest.fixture
def session(db):
    """A bookable session (10 seats) with two price tiers: Dewasa Rp50.000, Pelajar Rp35.000."""
    session = ClassSessionFactory(capacity=10)
    PriceTierFactory(
        batik_class=session.batik_class, label_ind="Dewasa", label_en="Adult", amount=50000, position=0
    )
    PriceTierFactory(
        batik_class=session.batik_class, label_ind="Pelajar", label_en="Student", amount=35000, position=1
    )
    return session


def tiers(session) -> list[int]:
    return list(session.batik_class.price_tiers.order_by("position").values_list("pk", flat=True))


GUEST = {"name": "Rina Wulandari", "email": "rina@example.id", "phone": "0812 3456 7890"}
