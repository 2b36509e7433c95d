"""Host endpoints for the workshop itself: profile, members, invitations and the audit log."""

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import NotFound
from workshops import selectors
from workshops.api.host_base import HostListView, HostView
from workshops.api.host_schedule_serializers import AuditEntrySerializer
from workshops.api.host_serializers import (
    HostWorkshopSerializer,
    InvitationAcceptInput,
    InvitationCreatedSerializer,
    InvitationInput,
    InvitationSerializer,
    MemberRoleInput,
    MemberSerializer,
)
from workshops.models import AuditEntry, Invitation, Workshop, WorkshopMembership
from workshops.permissions import (
    IsHostOrCoordinator,
    workshop_for_member,
    workshop_for_owner,
    workshop_for_reader,
)
from workshops.services.members import (
    invitation_accept,
    invitation_create,
    membership_remove,
    membership_update,
    workshop_update,
)


class HostWorkshopList(HostListView):
    """The workshops you help run, with your role in each."""

    serializer_class = HostWorkshopSerializer

    def get_queryset(self) -> QuerySet[Workshop]:
        if self.fake:
            return Workshop.objects.none()
        return selectors.host_workshops(self.request.user)


class HostWorkshopDetail(HostView):
    """Your workshop's profile; owners edit texts, contact, languages and hold minutes."""

    serializer_class = HostWorkshopSerializer

    def _annotated(self, workshop: Workshop) -> Workshop:
        return selectors.host_workshops(self.request.user).get(pk=workshop.pk)

    def get(self, request: Request, slug: str) -> Response:
        workshop = workshop_for_member(request.user, slug)
        return Response(self.get_serializer(self._annotated(workshop)).data)

    def patch(self, request: Request, slug: str) -> Response:
        workshop = workshop_for_owner(request.user, slug)
        form = self.get_serializer(workshop, data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        workshop_update(workshop=workshop, actor=request.user, **form.validated_data)
        return Response(self.get_serializer(self._annotated(workshop)).data)


class MemberList(HostListView):
    """The workshop's members (owners only)."""

    serializer_class = MemberSerializer

    def get_queryset(self) -> QuerySet[WorkshopMembership]:
        if self.fake:
            return WorkshopMembership.objects.none()
        return selectors.workshop_members(workshop_for_owner(self.request.user, self.kwargs["slug"]))


class MemberDetail(HostView):
    """Change a member's role or remove them (owners only; never the last owner)."""

    serializer_class = MemberSerializer

    def _membership(self, slug: str, pk: int) -> WorkshopMembership:
        workshop = workshop_for_owner(self.request.user, slug)
        membership = selectors.workshop_members(workshop).filter(pk=pk).first()
        if membership is None:
            raise NotFound()
        return membership

    @extend_schema(request=MemberRoleInput, responses=MemberSerializer)
    def patch(self, request: Request, slug: str, pk: int) -> Response:
        membership = self._membership(slug, pk)
        form = MemberRoleInput(data=request.data)
        form.is_valid(raise_exception=True)
        membership = membership_update(membership=membership, actor=request.user, **form.validated_data)
        return Response(MemberSerializer(membership).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, slug: str, pk: int) -> Response:
        membership_remove(membership=self._membership(slug, pk), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationListCreate(HostListView):
    """Open invitations (GET) and a new one by e-mail (POST); owners only."""

    serializer_class = InvitationSerializer

    def get_queryset(self) -> QuerySet[Invitation]:
        if self.fake:
            return Invitation.objects.none()
        return selectors.pending_invitations(workshop_for_owner(self.request.user, self.kwargs["slug"]))

    @extend_schema(request=InvitationInput, responses={201: InvitationCreatedSerializer})
    def post(self, request: Request, slug: str) -> Response:
        workshop = workshop_for_owner(request.user, slug)
        form = InvitationInput(data=request.data)
        form.is_valid(raise_exception=True)
        invitation, token = invitation_create(
            workshop=workshop, invited_by=request.user, **form.validated_data
        )
        invitation.token = token
        return Response(InvitationCreatedSerializer(invitation).data, status=status.HTTP_201_CREATED)


class InvitationAccept(APIView):
    """Accept an invitation: any signed-in account with the invited e-mail address."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=InvitationAcceptInput, responses={201: MemberSerializer})
    def post(self, request: Request) -> Response:
        form = InvitationAcceptInput(data=request.data)
        form.is_valid(raise_exception=True)
        membership = invitation_accept(token=form.validated_data["token"], user=request.user)
        return Response(MemberSerializer(membership).data, status=status.HTTP_201_CREATED)


class AuditList(HostListView):
    """Who changed what and when (owners of the workshop and programme coordinators)."""

    permission_classes = [IsHostOrCoordinator]
    serializer_class = AuditEntrySerializer

    def get_queryset(self) -> QuerySet[AuditEntry]:
        if self.fake:
            return AuditEntry.objects.none()
        workshop = workshop_for_reader(self.request.user, self.kwargs["slug"], owners_only=True)
        return selectors.workshop_audit(workshop)
