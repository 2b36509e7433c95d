import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def normalise_phone(raw: str) -> str:
    """A phone/WhatsApp number in E.164 (`0812-3456-7890` → `+6281234567890`); Indonesia is the default."""
    try:
        number = phonenumbers.parse(raw, "ID")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(_("Enter a valid phone number, for example 0812 3456 7890 or +60 12-345 6789."))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
