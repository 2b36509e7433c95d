"""`manage.py erase_account <e-mail>`: delete an account on a request that reached the team another way."""

from django.core.management.base import BaseCommand, CommandError

from bookings.services.privacy import account_erase
from core.errors import DomainError
from core.models import User


class Command(BaseCommand):
    help = (
        "Delete an account as its owner could (UU PDP): cancel its held and upcoming bookings, "
        "anonymise every booking and waitlist entry, delete the user."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("email")

    def handle(self, *args, email: str, **options) -> None:
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No account with the e-mail address {email!r}.")
        try:
            deletion = account_erase(user=user)
        except DomainError as refusal:
            raise CommandError(f"{refusal.code}: {refusal.message} {refusal.fields or ''}".strip()) from None
        self.stdout.write(
            f"Deleted. Bookings cancelled: {deletion.bookings_cancelled}; "
            f"anonymised: {deletion.bookings_anonymised}; "
            f"waitlist entries anonymised: {deletion.waitlist_entries_anonymised}."
        )
