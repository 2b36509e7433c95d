"""Booking codes people can read aloud, and the secret behind a guest's manage link."""

import secrets

from django.utils.crypto import constant_time_compare, salted_hmac

# No 0/O, 1/I/L, U/V: a code read over the phone or typed from paper stays unambiguous.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
CODE_LENGTH = 6
CODE_PREFIX = "BTK-"
_TOKEN_SALT = "canting.bookings.manage-token"


def new_booking_code() -> str:
    return CODE_PREFIX + "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(raw: str) -> str:
    """What a host typed or a QR carried → the stored form ('btk 7qx2m9' → 'BTK-7QX2M9')."""
    cleaned = "".join(ch for ch in raw.upper() if ch.isalnum())
    if cleaned.startswith("BTK"):
        cleaned = cleaned[3:]
    return CODE_PREFIX + cleaned


def new_manage_nonce() -> str:
    return secrets.token_hex(16)


def manage_token(code: str, nonce: str) -> str:
    return salted_hmac(_TOKEN_SALT, f"{code}:{nonce}", algorithm="sha256").hexdigest()[:40]


def manage_token_matches(code: str, nonce: str, presented: str) -> bool:
    return bool(presented) and constant_time_compare(manage_token(code, nonce), presented)


def waitlist_token(entry_id: int, nonce: str) -> str:
    """A guest's secret for one waitlist entry: see it, leave it, accept its offer."""
    return manage_token(f"waitlist:{entry_id}", nonce)


def waitlist_token_matches(entry_id: int, nonce: str, presented: str) -> bool:
    return bool(presented) and constant_time_compare(waitlist_token(entry_id, nonce), presented)
