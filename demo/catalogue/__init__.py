"""The Singkawang demo as plain data: villages, workshops, class templates and accounts.

Nothing here touches the database; `demo.loader` turns it into rows.
"""

from demo.catalogue.accounts import (
    COORDINATOR,
    COORDINATOR_EMAIL,
    COORDINATOR_VIEW_APPS,
    COORDINATORS_GROUP,
    DEMO_PASSWORD,
    host_email,
)
from demo.catalogue.classes import TEMPLATES, TIER_SCHEMES
from demo.catalogue.records import ClassTemplate, Offer, Person, Text, TierSpec, VillageSpec, WorkshopSpec
from demo.catalogue.villages import CITY, PROVINCE, VILLAGES
from demo.catalogue.workshops import WORKSHOPS

__all__ = [
    "CITY",
    "COORDINATOR",
    "COORDINATORS_GROUP",
    "COORDINATOR_EMAIL",
    "COORDINATOR_VIEW_APPS",
    "DEMO_PASSWORD",
    "PROVINCE",
    "TEMPLATES",
    "TIER_SCHEMES",
    "VILLAGES",
    "WORKSHOPS",
    "ClassTemplate",
    "Offer",
    "Person",
    "Text",
    "TierSpec",
    "VillageSpec",
    "WorkshopSpec",
    "host_email",
]
