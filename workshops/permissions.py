"""Who may act for a workshop: its members (owners and staff) and programme coordinators.

A member of workshop A asking for anything of workshop B gets a 404, as if it
did not exist; a signed-in tourist asking for the host API gets a 403.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from core.errors import NotFound
from core.models import User
from workshops.errors import OwnerRequired
from workshops.models import BatikClass, ClassSession, MembershipRole, Workshop, WorkshopMembership

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
    """The workshops `user` may manage (`roles` narrows it to, say, owners).

    A coordinator reading (see IsHost) sees every workshop; writes and owner-only
    reads stay with the members.
    """
    if roles is None and getattr(user, "_coordinator_reading", False):
        return Workshop.objects.all()
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

    message = _("Only workshop hosts can use this.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        # Programme coordinators read everything on the host API, and change nothing.
        # The mark lives on this request's user object, so member_workshops() (which
        # every host lookup goes through) widens reads for this request only.
        reading = request.method in SAFE_METHODS
        user._coordinator_reading = reading and (
            user.is_superuser or user.groups.filter(name=COORDINATORS_GROUP).exists()
        )
        return user._coordinator_reading or WorkshopMembership.objects.filter(user=user).exists()


class IsCoordinator(BasePermission):
    message = _("Only programme coordinators can see reports.")

    def has_permission(self, request, view) -> bool:
        return is_coordinator(request.user)


class IsHostOrCoordinator(BasePermission):
    """Hosts, and coordinators who read every workshop (the audit log)."""

    message = _("Only workshop hosts and programme coordinators can use this.")

    def has_permission(self, request, view) -> bool:
        return IsHost().has_permission(request, view) or is_coordinator(request.user)


def require_owner(user: User, workshop: Workshop) -> None:
    """A staff member of `workshop` asking for an owner's action gets a 403 `owner_required`."""
    if role_in(user, workshop) != MembershipRole.OWNER:
        raise OwnerRequired()


def workshop_for_owner(user: User, workshop_slug: str) -> Workshop:
    """The workshop if `user` owns it; 404 for strangers, 403 for its staff."""
    workshop = workshop_for_member(user, workshop_slug)
    require_owner(user, workshop)
    return workshop


def workshop_for_reader(user: User, workshop_slug: str, *, owners_only: bool = False) -> Workshop:
    """Like workshop_for_member, but coordinators may read any workshop."""
    if is_coordinator(user):
        workshop = Workshop.objects.filter(slug=workshop_slug).first()
        if workshop is None:
            raise NotFound()
        return workshop
    return (
        workshop_for_owner(user, workshop_slug) if owners_only else workshop_for_member(user, workshop_slug)
    )


def class_for_member(user: User, class_slug: str) -> BatikClass:
    """A class of one of the caller's workshops, else NotFound."""
    batik_class = (
        BatikClass.objects.select_related("workshop")
        .filter(slug=class_slug, workshop__in=member_workshops(user))
        .first()
    )
    if batik_class is None:
        raise NotFound()
    return batik_class


def session_for_member(user: User, session_id: int) -> ClassSession:
    """A session of one of the caller's workshops, else NotFound."""
    session = (
        ClassSession.objects.select_related("batik_class__workshop")
        .filter(pk=session_id, batik_class__workshop__in=member_workshops(user))
        .first()
    )
    if session is None:
        raise NotFound()
    return session


# --- Pages (server-rendered): the same rules as the API, in a browser's terms ---


def _page_guard(allowed: Callable[[User], bool]) -> Callable:
    """Signed out → the login page; signed in without the role → 403; as the API does."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        @login_required
        def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not allowed(request.user):
                raise PermissionDenied
            try:
                return view(request, *args, **kwargs)
            except NotFound:
                # Another workshop's session or member: it does not exist for this caller.
                raise Http404 from None
            except OwnerRequired:
                raise PermissionDenied from None

        return guarded

    return decorator


def is_host(user: User) -> bool:
    return user.is_authenticated and WorkshopMembership.objects.filter(user=user).exists()


host_page = _page_guard(is_host)
host_or_coordinator_page = _page_guard(lambda user: is_host(user) or is_coordinator(user))
coordinator_page = _page_guard(is_coordinator)
