"""Normalising contact data typed by staff: phone numbers to E.164, e-mail case, websites."""

from __future__ import annotations

import re

import phonenumbers

DEFAULT_REGION = "DE"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def to_e164(raw: str, region: str = DEFAULT_REGION) -> str:
    """`"0241 1234567"` → `"+492411234567"`; raise ValueError if it is not a valid number."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(f"'{raw}' is not a phone number") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValueError(f"'{raw}' is not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_email(raw: str) -> str:
    """Trimmed and lower-cased; raise ValueError if it does not look like an address."""
    email = raw.strip().lower()
    if not _EMAIL.match(email) or len(email) > 254:
        raise ValueError(f"'{raw}' is not an e-mail address")
    return email


def normalise_website(raw: str) -> str:
    """`www.x.example` → `https://www.x.example`; raise ValueError for non-web addresses."""
    url = raw.strip()
    if not re.match(r"^https?://", url, re.IGNORECASE):
        url = f"https://{url}"
    if not re.match(r"^https?://[^\s/$.?#][^\s]*\.[^\s]+$", url, re.IGNORECASE):
        raise ValueError(f"'{raw}' is not a web address")
    return url
