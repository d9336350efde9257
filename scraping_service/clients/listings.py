"""The 116117 item parser: one `arztPraxisDatas` item → a validated record or its rejection."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from pydantic import ValidationError

from scraping_service.domain.contacts import clean_postal_code, split_street, valid_coordinates
from scraping_service.domain.listing_fields import (
    barrier_free,
    fachgebiete,
    fold_opening_hours,
    languages_from,
    offers_from,
)
from scraping_service.domain.names import gender_of, parse_person
from scraping_service.domain.text import clean
from scraping_service.domain.verdicts import Verdict
from shared import weekly_windows
from shared.events.scraping import TherapistRecord

_HOST = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$")


def normalise_item(item: Any) -> Verdict:
    """Validate and normalise one `arztPraxisDatas` item; never raises for bad data."""
    if not isinstance(item, dict):
        return Verdict(None, None, ("item is not an object",))
    external_id = clean(item.get("id"))
    warnings: list[str] = []
    fields = {
        "external_id": external_id,
        **_person(item),
        **_address(item, warnings),
        **_contacts(item, warnings),
        **_care(item, warnings),
    }
    reasons = _missing(fields)
    if reasons:
        return Verdict(external_id, None, tuple(reasons), tuple(warnings))
    try:
        record = TherapistRecord.model_validate(fields)
    except ValidationError as exc:
        return Verdict(external_id, None, tuple(_messages(exc)), tuple(warnings))
    return Verdict(external_id, record, (), tuple(warnings))


def _person(item: dict[str, Any]) -> dict[str, Any]:
    name = parse_person(
        item.get("anrede"), item.get("titel"), item.get("vorname"), item.get("name")
    )
    gender = gender_of(item.get("geschlecht"), item.get("anrede"), fachgebiete(item.get("fg")))
    return {
        "salutation": name.salutation,
        "title": name.title,
        "first_name": name.first,
        "last_name": name.last,
        "gender": gender,
    }


def _address(item: dict[str, Any], warnings: list[str]) -> dict[str, Any]:
    street, number = split_street(item.get("strasse"), item.get("hausnummer"))
    point = valid_coordinates(item.get("lat"), item.get("lon"))
    if point is None and (item.get("lat") is not None or item.get("lon") is not None):
        warnings.append(f"lat/lon: outside Germany ({item.get('lat')!r}, {item.get('lon')!r})")
    return {
        "street": street,
        "house_number": number,
        "postal_code": clean_postal_code(item.get("plz")),
        "city": clean(item.get("ort")),
        "latitude": point[0] if point else None,
        "longitude": point[1] if point else None,
    }


def _contacts(item: dict[str, Any], warnings: list[str]) -> dict[str, Any]:
    website, problem = clean_website(item.get("web"))
    if problem:
        warnings.append(problem)
    phone = _phone(item.get("tel"), "tel", warnings) or _phone(item.get("handy"), "handy", warnings)
    return {
        "phone": phone,
        "fax": _phone(item.get("fax"), "fax", warnings),
        "email": _email(item.get("email"), warnings),
        "website": website,
    }


def _care(item: dict[str, Any], warnings: list[str]) -> dict[str, Any]:
    offers, offer_problems = offers_from(item.get("psy"))
    languages, language_problems = languages_from(item.get("fs"))
    hours = fold_opening_hours(item.get("tsz"))
    warnings.extend(offer_problems + language_problems + hours.problems)
    return {
        "offers": [
            {"procedure": procedure, "age_group": age, "setting": setting}
            for procedure, age, setting in offers
        ],
        "languages": languages,
        "statutory_licence": True,
        "barrier_free": barrier_free(item.get("kvg")),
        "phone_hours": weekly_windows.union(hours.phone),
        "consultation_hours": weekly_windows.union(hours.consultation),
    }


def _phone(raw: Any, label: str, warnings: list[str]) -> str | None:
    """E.164 for a valid German (or international) number, else None and a warning."""
    text = clean(raw)
    if text is None:
        return None
    try:
        number = phonenumbers.parse(text, "DE")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        warnings.append(f"{label}: not a valid phone number {text!r}")
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _email(raw: Any, warnings: list[str]) -> str | None:
    """Lower-cased and syntax-checked (no DNS lookup); the first valid one of a list."""
    text = clean(raw)
    if text is None:
        return None
    for candidate in text.replace(",", ";").replace(" ", ";").split(";"):
        try:
            return validate_email(candidate.lower(), check_deliverability=False).normalized
        except EmailNotValidError:
            continue
    warnings.append(f"email: not a valid address {text!r}")
    return None


def _missing(fields: dict[str, Any]) -> list[str]:
    reasons = []
    if not fields["external_id"]:
        reasons.append("id: missing")
    if not fields["last_name"]:
        reasons.append("name: no last name (missing or blank)")
    if not fields["postal_code"]:
        reasons.append("plz: missing or not five digits")
    if fields["latitude"] is None and not fields["street"]:
        reasons.append("address: neither coordinates nor a street to geocode")
    return reasons


def _messages(exc: ValidationError) -> list[str]:
    return [
        f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']}" for error in exc.errors()
    ]


def clean_website(value: Any) -> tuple[str | None, str | None]:
    """(url, problem): `https://` added when no scheme is given, host lower-case."""
    text = clean(value)
    if text is None:
        return None, None
    if "://" not in text:
        text = "https://" + text.lstrip("/")
    parts = urlsplit(text)
    host = (parts.hostname or "").lower()
    if parts.scheme.lower() not in ("http", "https") or not _HOST.match(host) or " " in text:
        return None, f"web: not a website {value!r}"
    netloc = host + (f":{parts.port}" if parts.port else "")
    path = "" if parts.path == "/" else parts.path
    return urlunsplit((parts.scheme.lower(), netloc, path, parts.query, "")), None
