"""Who may act for a workshop: its members (owners and staff) and programme coordinators.

A member of workshop A asking for anything of workshop B gets a 404, as if it
did not exist; a signed-in tourist asking for the host API gets a 403.
"""

from django.db.models import QuerySet
from rest_framework.permissions import BasePermission

from core.errors import NotFound
from core.models import User
from workshops.models import MembershipRole, Workshop, WorkshopMembership

COORDINATORS_GROUP = "coordinators"


def is_coordinator(user: User) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    # Cached per request object: permission checks call this several times.
    cached = getattr(user, "_is_coordinator", None)
    if cached is None:
        cached = user.groups.filter(name=COORDINATORS_GROUP).exists()
        user._is_coordinator = cached
    return cached


def member_workshops(user: User, *, roles: tuple[str, ...] | None = None) -> QuerySet[Workshop]:
    """The workshops `user` may manage (`roles` narrows it to, say, owners)."""
    memberships = WorkshopMembership.objects.filter(user=user)
    if roles:
        memberships = memberships.filter(role__in=roles)
    return Workshop.objects.filter(pk__in=memberships.values("workshop_id"))


def workshop_for_member(user: User, workshop_slug: str, *, roles: tuple[str, ...] | None = None) -> Workshop:
    """The workshop if `user` is a member (with one of `roles`), else NotFound; never another's."""
    workshop = member_workshops(user, roles=roles).filter(slug=workshop_slug).first()
    if workshop is None:
        raise NotFound()
    return workshop


def role_in(user: User, workshop: Workshop) -> str | None:
    membership = WorkshopMembership.objects.filter(user=user, workshop=workshop).only("role").first()
    return membership.role if membership else None


OWNER_ONLY = (MembershipRole.OWNER,)


class IsHost(BasePermission):
    """Signed in and a member of at least one workshop; a tourist gets 403 on the host API."""

    message = "Only workshop hosts can use this."

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and WorkshopMembership.objects.filter(user=user).exists())


class IsCoordinator(BasePermission):
    message = "Only programme coordinators can see reports."

    def has_permission(self, request, view) -> bool:
        return is_coordinator(request.user)
