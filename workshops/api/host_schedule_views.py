"""Host endpoints for the schedule: sessions, recurring rules and closed days (members)."""

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from core.errors import NotFound
from workshops import selectors
from workshops.api.host_base import HostListView, HostView
from workshops.api.host_filters import HostSessionFilter
from workshops.api.host_schedule_serializers import (
    ClosedDayChangeSerializer,
    ClosedDaySerializer,
    HostSessionSerializer,
    RuleChangeSerializer,
    RuleSerializer,
    SessionCreateInput,
    SessionUpdateInput,
)
from workshops.models import ClassSession, ClosedDay, ScheduleRule
from workshops.permissions import class_for_member, session_for_member, workshop_for_member
from workshops.services.closed_days import closed_day_create, closed_day_delete, closed_day_update
from workshops.services.schedule import rule_create, rule_delete, rule_update
from workshops.services.sessions import session_create, session_update


class HostSessionList(HostListView):
    """Sessions of your workshops for the calendar, with fill rates (filter by WIB dates)."""

    serializer_class = HostSessionSerializer
    filterset_class = HostSessionFilter

    def get_queryset(self) -> QuerySet[ClassSession]:
        if self.fake:
            return ClassSession.objects.none()
        return selectors.host_sessions(self.request.user)


class HostSessionCreate(HostView):
    """A single session of the class; it ends after the class's duration."""

    serializer_class = HostSessionSerializer

    @extend_schema(request=SessionCreateInput, responses={201: HostSessionSerializer})
    def post(self, request: Request, class_slug: str) -> Response:
        batik_class = class_for_member(request.user, class_slug)
        form = SessionCreateInput(data=request.data)
        form.is_valid(raise_exception=True)
        session = session_create(batik_class=batik_class, actor=request.user, **form.validated_data)
        return Response(self.get_serializer(session).data, status=status.HTTP_201_CREATED)


class HostSessionDetail(HostView):
    """One session (GET); change its time, capacity, language or note (PATCH)."""

    serializer_class = HostSessionSerializer

    def get(self, request: Request, pk: int) -> Response:
        return Response(self.get_serializer(session_for_member(request.user, pk)).data)

    @extend_schema(request=SessionUpdateInput, responses=HostSessionSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        session = session_for_member(request.user, pk)
        form = SessionUpdateInput(data=request.data)
        form.is_valid(raise_exception=True)
        session = session_update(session=session, actor=request.user, **form.validated_data)
        return Response(self.get_serializer(session).data)


class RuleListCreate(HostListView):
    """A class's weekly rules (GET); a new rule, its sessions made at once (POST)."""

    serializer_class = RuleSerializer

    def get_queryset(self) -> QuerySet[ScheduleRule]:
        if self.fake:
            return ScheduleRule.objects.none()
        return selectors.host_rules(class_for_member(self.request.user, self.kwargs["class_slug"]))

    @extend_schema(request=RuleSerializer, responses={201: RuleChangeSerializer})
    def post(self, request: Request, class_slug: str) -> Response:
        batik_class = class_for_member(request.user, class_slug)
        form = self.get_serializer(data=request.data)
        form.is_valid(raise_exception=True)
        change = rule_create(batik_class=batik_class, actor=request.user, **form.validated_data)
        return Response(RuleChangeSerializer(change).data, status=status.HTTP_201_CREATED)


class RuleDetail(HostView):
    """A rule (GET); change it (PATCH) or delete it (DELETE). Booked sessions are left alone."""

    serializer_class = RuleSerializer

    def _rule(self, pk: int) -> ScheduleRule:
        rule = selectors.host_rule(self.request.user, pk)
        if rule is None:
            raise NotFound()
        return rule

    def get(self, request: Request, pk: int) -> Response:
        return Response(self.get_serializer(self._rule(pk)).data)

    @extend_schema(request=RuleSerializer, responses=RuleChangeSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        rule = self._rule(pk)
        form = self.get_serializer(rule, data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        change = rule_update(rule=rule, actor=request.user, **form.validated_data)
        return Response(RuleChangeSerializer(change).data)

    @extend_schema(request=None, responses={200: RuleChangeSerializer})
    def delete(self, request: Request, pk: int) -> Response:
        change = rule_delete(rule=self._rule(pk), actor=request.user)
        return Response(RuleChangeSerializer(change).data)


class ClosedDayListCreate(HostListView):
    """The workshop's closed days (GET); close dates (POST), reporting sessions already on them."""

    serializer_class = ClosedDaySerializer

    def get_queryset(self) -> QuerySet[ClosedDay]:
        if self.fake:
            return ClosedDay.objects.none()
        return selectors.workshop_closed_days(workshop_for_member(self.request.user, self.kwargs["slug"]))

    @extend_schema(responses={201: ClosedDayChangeSerializer})
    def post(self, request: Request, slug: str) -> Response:
        workshop = workshop_for_member(request.user, slug)
        form = self.get_serializer(data=request.data)
        form.is_valid(raise_exception=True)
        change = closed_day_create(workshop=workshop, actor=request.user, **form.validated_data)
        return Response(ClosedDayChangeSerializer(change).data, status=status.HTTP_201_CREATED)


class ClosedDayDetail(HostView):
    """One closed period: read, change or delete it (dates opened again get their rules' sessions)."""

    serializer_class = ClosedDaySerializer

    def _closed_day(self, slug: str, pk: int) -> ClosedDay:
        workshop = workshop_for_member(self.request.user, slug)
        closed_day = selectors.workshop_closed_days(workshop).filter(pk=pk).first()
        if closed_day is None:
            raise NotFound()
        closed_day.workshop = workshop
        return closed_day

    def get(self, request: Request, slug: str, pk: int) -> Response:
        return Response(self.get_serializer(self._closed_day(slug, pk)).data)

    @extend_schema(responses=ClosedDayChangeSerializer)
    def patch(self, request: Request, slug: str, pk: int) -> Response:
        closed_day = self._closed_day(slug, pk)
        form = self.get_serializer(closed_day, data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        change = closed_day_update(closed_day=closed_day, actor=request.user, **form.validated_data)
        return Response(ClosedDayChangeSerializer(change).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, slug: str, pk: int) -> Response:
        closed_day_delete(closed_day=self._closed_day(slug, pk), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
