"""Host pages of the workshops app: the week's sessions, new sessions and rules, capacity, closed days,
and the members page for owners.

The same selectors and services as the host API; a service's refusal (a closed
day, a capacity below the booked seats, the last owner) becomes a message.
Rosters, check-in and cancelling need bookings, so they live in bookings.web_host.
"""

from collections import OrderedDict
from datetime import date, timedelta

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError, NotFound
from core.formatting import wib_datetime
from core.timezones import WIB, wib_date, wib_day_start
from workshops import selectors
from workshops.forms import CapacityForm, ClosedDayForm, InviteForm, RoleForm, RuleForm, SessionForm
from workshops.models import BatikClass, MembershipRole, SessionStatus, WorkshopMembership
from workshops.permissions import (
    class_for_member,
    host_page,
    session_for_member,
    workshop_for_owner,
)
from workshops.services.closed_days import closed_day_create
from workshops.services.members import invitation_create, membership_remove, membership_update
from workshops.services.schedule import rule_create
from workshops.services.sessions import session_create, session_update

MAX_WEEKS_AWAY = 52


def _refused(form: forms.Form, refusal: DomainError) -> None:
    """Put a service's refusal on the form: on the fields it names, else on the whole form."""
    placed = False
    for name, problems in refusal.fields.items():
        if name in form.fields:
            for problem in problems:
                form.add_error(name, str(problem))
            placed = True
    if not placed:
        form.add_error(None, str(refusal.message))


def _week_start(offset: int) -> date:
    today = wib_date(timezone.now())
    return today - timedelta(days=today.weekday()) + timedelta(weeks=offset)


def _week_offset(request: HttpRequest) -> int:
    try:
        offset = int(request.GET.get("week", "0"))
    except ValueError:
        return 0
    return max(-MAX_WEEKS_AWAY, min(MAX_WEEKS_AWAY, offset))


def _week(request: HttpRequest, offset: int) -> list[tuple[date, list]]:
    """Each WIB day of the week with its sessions and their fill rates (days without any left out)."""
    monday = _week_start(offset)
    sessions = selectors.host_sessions(request.user).filter(
        starts_at__gte=wib_day_start(monday), starts_at__lt=wib_day_start(monday + timedelta(days=7))
    )
    days: OrderedDict[date, list] = OrderedDict()
    for session in sessions:
        local = session.starts_at.astimezone(WIB)
        fill = round(100 * session.seats_taken / session.capacity) if session.capacity else 0
        days.setdefault(local.date(), []).append(
            {
                "session": session,
                "time": f"{local:%H:%M}–{session.ends_at.astimezone(WIB):%H:%M}",
                "fill": fill,
                "cancelled": session.status == SessionStatus.CANCELLED,
                "changeable": session.status == SessionStatus.SCHEDULED
                and session.starts_at > timezone.now(),
                "capacity_form": CapacityForm(
                    initial={"session": session.pk, "capacity": session.capacity},
                    auto_id=f"cap{session.pk}_%s",
                ),
            }
        )
    return list(days.items())


def _class_choices(workshops) -> list[tuple[int, str]]:
    classes = BatikClass.objects.filter(workshop__in=workshops).select_related("workshop")
    many = len({workshop.pk for workshop in workshops}) > 1
    return [
        (c.pk, f"{c.title} · {c.workshop.name}" if many else c.title)
        for c in classes.order_by("workshop__name", "title", "pk")
    ]


def _create_session(request: HttpRequest, form: SessionForm) -> bool:
    batik_class = _own_class(request, form.cleaned_data["batik_class"])
    try:
        session = session_create(
            batik_class=batik_class,
            starts_at=form.starts_at(),
            capacity=form.cleaned_data["capacity"],
            language=form.cleaned_data["language"],
            actor=request.user,
        )
    except DomainError as refusal:
        _refused(form, refusal)
        return False
    messages.success(
        request,
        _("New session: %(class)s, %(when)s.")
        % {"class": batik_class.title, "when": wib_datetime(session.starts_at)},
    )
    return True


def _own_class(request: HttpRequest, pk: int) -> BatikClass:
    batik_class = BatikClass.objects.filter(pk=pk).only("slug").first()
    if batik_class is None:
        raise NotFound()
    return class_for_member(request.user, batik_class.slug)


def _create_rule(request: HttpRequest, form: RuleForm) -> bool:
    batik_class = _own_class(request, form.cleaned_data["batik_class"])
    data = form.cleaned_data
    try:
        change = rule_create(
            batik_class=batik_class,
            weekdays=data["weekdays"],
            start_time=data["start_time"],
            capacity=data["capacity"],
            valid_from=data["valid_from"],
            valid_until=data["valid_until"],
            language=data["language"],
            actor=request.user,
        )
    except DomainError as refusal:
        _refused(form, refusal)
        return False
    messages.success(
        request,
        _("Weekly schedule saved for %(class)s: %(count)s sessions made for the coming weeks.")
        % {"class": batik_class.title, "count": change.created},
    )
    return True


def _create_closed_day(request: HttpRequest, form: ClosedDayForm, workshops) -> bool:
    workshop = next((w for w in workshops if w.pk == form.cleaned_data["workshop"]), None)
    if workshop is None:
        raise NotFound()
    data = form.cleaned_data
    try:
        change = closed_day_create(
            workshop=workshop,
            date_from=data["date_from"],
            date_to=data["date_to"],
            reason=data["reason"],
            actor=request.user,
        )
    except DomainError as refusal:
        _refused(form, refusal)
        return False
    messages.success(request, _("%(workshop)s is closed on those days.") % {"workshop": workshop.name})
    if change.sessions_affected:
        messages.warning(
            request,
            _(
                "%(count)s sessions on those days still stand; cancel them from their roster "
                "if they will not run."
            )
            % {"count": len(change.sessions_affected)},
        )
    return True


def _change_capacity(request: HttpRequest, form: CapacityForm) -> None:
    session = session_for_member(request.user, form.cleaned_data["session"])
    try:
        session_update(session=session, capacity=form.cleaned_data["capacity"], actor=request.user)
    except DomainError as refusal:
        if refusal.code == "capacity_below_booked":
            messages.error(
                request,
                _("%(taken)s seats are already booked in this session; the capacity cannot be lower.")
                % {"taken": session.seats_taken},
            )
        else:
            messages.error(request, str(refusal.message))
        return
    messages.success(
        request,
        _("%(class)s, %(when)s now has %(capacity)s seats.")
        % {
            "class": session.batik_class.title,
            "when": wib_datetime(session.starts_at),
            "capacity": session.capacity,
        },
    )


@host_page
def dashboard(request: HttpRequest) -> HttpResponse:
    """This week's sessions with their fill rates, and the forms a host needs most often."""
    workshops = list(selectors.host_workshops(request.user))
    classes = _class_choices(workshops)
    workshop_choices = [(w.pk, w.name) for w in workshops]
    post = request.POST if request.method == "POST" else None
    action = post.get("action") if post else None
    session_form = SessionForm(post if action == "session" else None, classes=classes, prefix="session")
    rule_form = RuleForm(post if action == "rule" else None, classes=classes, prefix="rule")
    closed_form = ClosedDayForm(
        post if action == "closed_day" else None, workshops=workshop_choices, prefix="closed"
    )
    if action == "capacity":
        capacity_form = CapacityForm(post)
        if capacity_form.is_valid():
            _change_capacity(request, capacity_form)
        else:
            messages.error(request, _("Give a number of seats of at least 1."))
        return redirect(request.get_full_path())
    done = (
        (action == "session" and session_form.is_valid() and _create_session(request, session_form))
        or (action == "rule" and rule_form.is_valid() and _create_rule(request, rule_form))
        or (
            action == "closed_day"
            and closed_form.is_valid()
            and _create_closed_day(request, closed_form, workshops)
        )
    )
    if done:
        return redirect(request.get_full_path())
    offset = _week_offset(request)
    monday = _week_start(offset)
    today = wib_date(timezone.now())
    closed_days = {
        workshop.pk: list(selectors.workshop_closed_days(workshop).filter(date_to__gte=today)[:10])
        for workshop in workshops
    }
    return render(
        request,
        "workshops/host/dashboard.html",
        {
            "workshops": [(workshop, closed_days[workshop.pk]) for workshop in workshops],
            "days": _week(request, offset),
            "monday": monday,
            "sunday": monday + timedelta(days=6),
            "previous_week": offset - 1,
            "next_week": offset + 1,
            "this_week": offset == 0,
            "today": today,
            "session_form": session_form,
            "rule_form": rule_form,
            "closed_form": closed_form,
            "open_form": action,
        },
        status=400 if action else 200,
    )


@host_page
def members(request: HttpRequest, slug: str) -> HttpResponse:
    """Owners: who helps run the workshop, invitations by e-mail, roles, removal."""
    workshop = workshop_for_owner(request.user, slug)
    post = request.POST if request.method == "POST" else None
    action = post.get("action") if post else None
    invite_form = InviteForm(post if action == "invite" else None)
    if action == "invite" and invite_form.is_valid():
        try:
            invitation_create(
                workshop=workshop,
                email=invite_form.cleaned_data["email"],
                role=invite_form.cleaned_data["role"],
                invited_by=request.user,
            )
        except DomainError as refusal:
            _refused(invite_form, refusal)
        else:
            messages.success(
                request,
                _("Invitation sent to %(email)s. It is valid for 7 days.")
                % {"email": invite_form.cleaned_data["email"]},
            )
            return redirect("host-members", slug=workshop.slug)
    if action in ("role", "remove"):
        _change_member(request, workshop, post, remove=action == "remove")
        return redirect("host-members", slug=workshop.slug)
    rows = [
        (
            membership,
            RoleForm(
                initial={"membership": membership.pk, "role": membership.role}, auto_id=f"m{membership.pk}_%s"
            ),
        )
        for membership in selectors.workshop_members(workshop)
    ]
    return render(
        request,
        "workshops/host/members.html",
        {
            "workshop": workshop,
            "rows": rows,
            "invitations": selectors.pending_invitations(workshop).filter(expires_at__gt=timezone.now()),
            "invite_form": invite_form,
        },
        status=400 if action == "invite" else 200,
    )


def _change_member(request: HttpRequest, workshop, post, *, remove: bool) -> None:
    form = RoleForm(post) if not remove else None
    try:
        membership_id = int(post.get("membership", ""))
    except ValueError:
        raise NotFound() from None
    membership = (
        WorkshopMembership.objects.select_related("user", "workshop")
        .filter(pk=membership_id, workshop=workshop)
        .first()
    )
    if membership is None:
        raise NotFound()
    name = membership.user.display_name
    try:
        if remove:
            membership_remove(membership=membership, actor=request.user)
            messages.success(request, _("%(name)s is no longer a member.") % {"name": name})
        elif form.is_valid():
            membership_update(membership=membership, role=form.cleaned_data["role"], actor=request.user)
            messages.success(
                request,
                _("%(name)s is now %(role)s.")
                % {"name": name, "role": MembershipRole(form.cleaned_data["role"]).label},
            )
    except DomainError as refusal:
        if refusal.code == "last_owner":
            messages.error(request, _("A workshop needs at least one owner: make someone else owner first."))
        else:
            messages.error(request, str(refusal.message))
