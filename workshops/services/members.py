"""Who runs a workshop: its profile, members and their roles, and invitations by e-mail."""

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import User
from workshops.errors import (
    AlreadyMember,
    InvitationExpired,
    InvitationNotFound,
    InvitationUsed,
    InvitationWrongAccount,
    LastOwner,
)
from workshops.models import Invitation, MembershipRole, Workshop, WorkshopMembership
from workshops.services._common import catalogue_changed_on_commit
from workshops.services.audit import audit_record, snapshot

INVITATION_DAYS = 7
WORKSHOP_FIELDS = [
    "description_ind",
    "description_en",
    "description_zh_hans",
    "description_ms",
    "address",
    "whatsapp",
    "email",
    "languages",
    "hold_minutes",
    "payment_methods",
    "bank_name",
    "bank_account_number",
    "bank_account_holder",
]


def workshop_update(*, workshop: Workshop, actor: User | None, **fields: Any) -> Workshop:
    """Edit the workshop's profile: texts, contact, languages spoken, hold minutes, payment methods."""
    with transaction.atomic():
        before = snapshot(workshop, WORKSHOP_FIELDS)
        for name, value in fields.items():
            setattr(workshop, name, value)
        workshop.save()
        audit_record(
            actor=actor,
            workshop=workshop,
            action="workshop.updated",
            target=workshop,
            before=before,
            after=snapshot(workshop, WORKSHOP_FIELDS),
        )
        catalogue_changed_on_commit()
    return workshop


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _send_invitation(invitation_id: int, token: str) -> None:
    invitation = Invitation.objects.select_related("workshop", "invited_by").get(pk=invitation_id)
    inviter = invitation.invited_by.display_name if invitation.invited_by else "Canting"
    subject = _("Join %(workshop)s on Canting") % {"workshop": invitation.workshop.name}
    body = _(
        "%(inviter)s invites you to help run %(workshop)s on Canting as %(role)s.\n\n"
        "Sign in with this e-mail address and accept with this code (valid until %(expires)s WIB):\n\n"
        "%(token)s\n"
    ) % {
        "inviter": inviter,
        "workshop": invitation.workshop.name,
        "role": invitation.get_role_display(),
        "expires": timezone.localtime(invitation.expires_at).strftime("%d-%m-%Y %H:%M"),
        "token": token,
    }
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email], fail_silently=True)


def invitation_create(
    *, workshop: Workshop, email: str, role: str, invited_by: User | None
) -> tuple[Invitation, str]:
    """Invite `email` as `role`; returns the invitation and its raw token (stored only hashed).

    The e-mail goes out after commit: a rolled-back invitation sends nothing.
    """
    email = email.strip()
    if WorkshopMembership.objects.filter(workshop=workshop, user__email__iexact=email).exists():
        raise AlreadyMember(fields={"email": [_("This person is already a member of the workshop.")]})
    token = secrets.token_urlsafe(24)
    now = timezone.now()
    with transaction.atomic():
        invitation = Invitation.objects.create(
            workshop=workshop,
            email=email,
            role=role,
            token_hash=_token_hash(token),
            invited_by=invited_by,
            created_at=now,
            expires_at=now + timedelta(days=INVITATION_DAYS),
        )
        audit_record(
            actor=invited_by,
            workshop=workshop,
            action="invitation.created",
            target=invitation,
            after={"email": email, "role": role},
        )
        transaction.on_commit(lambda: _send_invitation(invitation.pk, token))
    return invitation, token


def invitation_accept(*, token: str, user: User) -> WorkshopMembership:
    """The signed-in invitee (same e-mail, any case) becomes a member with the invited role."""
    now = timezone.now()
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .select_related("workshop")
            .filter(token_hash=_token_hash(token))
            .first()
        )
        if invitation is None:
            raise InvitationNotFound()
        if invitation.accepted_at is not None:
            raise InvitationUsed()
        if invitation.expires_at <= now:
            raise InvitationExpired()
        if invitation.email.casefold() != (user.email or "").casefold():
            raise InvitationWrongAccount()
        try:
            with transaction.atomic():
                membership = WorkshopMembership.objects.create(
                    user=user, workshop=invitation.workshop, role=invitation.role
                )
        except IntegrityError:
            raise AlreadyMember() from None
        # Conditional: of two accepts racing, one wins (the row lock already serialises them).
        Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(accepted_at=now)
        audit_record(
            actor=user,
            workshop=invitation.workshop,
            action="membership.created",
            target=membership,
            after={"user": user.email, "role": membership.role},
        )
    return membership


def _lock_workshop(workshop: Workshop) -> None:
    # Membership changes of one workshop are serialised on its row, so two
    # owners demoting each other at once cannot leave it without an owner.
    Workshop.objects.select_for_update().filter(pk=workshop.pk).values_list("pk").first()


def _ensure_another_owner(membership: WorkshopMembership) -> None:
    owners = WorkshopMembership.objects.filter(workshop_id=membership.workshop_id, role=MembershipRole.OWNER)
    if membership.role == MembershipRole.OWNER and not owners.exclude(pk=membership.pk).exists():
        raise LastOwner()


def membership_update(*, membership: WorkshopMembership, actor: User | None, role: str) -> WorkshopMembership:
    """Change a member's role; the last owner cannot be demoted (409 `last_owner`)."""
    with transaction.atomic():
        _lock_workshop(membership.workshop)
        membership.refresh_from_db()
        before = snapshot(membership, ["role"])
        if role != MembershipRole.OWNER:
            _ensure_another_owner(membership)
        membership.role = role
        membership.save(update_fields=["role"])
        audit_record(
            actor=actor,
            workshop=membership.workshop,
            action="membership.updated",
            target=membership,
            before=before,
            after=snapshot(membership, ["role"]),
        )
    return membership


def membership_remove(*, membership: WorkshopMembership, actor: User | None) -> None:
    """Remove a member; the last owner cannot be removed (409 `last_owner`)."""
    with transaction.atomic():
        _lock_workshop(membership.workshop)
        membership.refresh_from_db()
        _ensure_another_owner(membership)
        audit_record(
            actor=actor,
            workshop=membership.workshop,
            action="membership.removed",
            target=membership,
            before={"user": membership.user.email, "role": membership.role},
        )
        membership.delete()
