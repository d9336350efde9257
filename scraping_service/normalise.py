"""One Arztsuche item → a validated `TherapistRecord`, or a rejection with its reasons."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from pydantic import ValidationError

from scraping_service import domain
from shared import weekly_windows
from shared.events.scraping import TherapistRecord


@dataclass(frozen=True)
class Verdict:
    """Accepted (a record) or rejected (reasons); warnings name data that was dropped."""

    external_id: str | None
    record: TherapistRecord | None
    reasons: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def accepted(self) -> bool:
        return self.record is not None


def normalise_item(item: Any) -> Verdict:
    """Validate and normalise one `arztPraxisDatas` item; never raises for bad data."""
    if not isinstance(item, dict):
        return Verdict(None, None, ("item is not an object",))
    external_id = domain.clean(item.get("id"))
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
    name = domain.parse_person(
        item.get("anrede"), item.get("titel"), item.get("vorname"), item.get("name")
    )
    gender = domain.gender_of(
        item.get("geschlecht"), item.get("anrede"), domain.fachgebiete(item.get("fg"))
    )
    return {
        "salutation": name.salutation,
        "title": name.title,
        "first_name": name.first,
        "last_name": name.last,
        "gender": gender,
    }


def _address(item: dict[str, Any], warnings: list[str]) -> dict[str, Any]:
    street, number = domain.split_street(item.get("strasse"), item.get("hausnummer"))
    point = domain.valid_coordinates(item.get("lat"), item.get("lon"))
    if point is None and (item.get("lat") is not None or item.get("lon") is not None):
        warnings.append(f"lat/lon: outside Germany ({item.get('lat')!r}, {item.get('lon')!r})")
    return {
        "street": street,
        "house_number": number,
        "postal_code": domain.clean_postal_code(item.get("plz")),
        "city": domain.clean(item.get("ort")),
        "latitude": point[0] if point else None,
        "longitude": point[1] if point else None,
    }


def _contacts(item: dict[str, Any], warnings: list[str]) -> dict[str, Any]:
    website, problem = domain.clean_website(item.get("web"))
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
    offers, offer_problems = domain.offers_from(item.get("psy"))
    languages, language_problems = domain.languages_from(item.get("fs"))
    hours = domain.fold_opening_hours(item.get("tsz"))
    warnings.extend(offer_problems + language_problems + hours.problems)
    return {
        "offers": [{"procedure": p, "age_group": a, "setting": s} for p, a, s in offers],
        "languages": languages,
        "statutory_licence": True,
        "barrier_free": domain.barrier_free(item.get("kvg")),
        "phone_hours": weekly_windows.union(hours.phone),
        "consultation_hours": weekly_windows.union(hours.consultation),
    }


def _phone(raw: Any, label: str, warnings: list[str]) -> str | None:
    """E.164 for a valid German (or international) number, else None and a warning."""
    text = domain.clean(raw)
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
    text = domain.clean(raw)
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
        reasons.append("name: no usable last name (missing or a placeholder like 'Null')")
    if not fields["postal_code"]:
        reasons.append("plz: missing or not five digits")
    if fields["latitude"] is None and not fields["street"]:
        reasons.append("address: neither coordinates nor a street to geocode")
    return reasons


def _messages(exc: ValidationError) -> list[str]:
    return [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()]


def record_hash(record: TherapistRecord) -> str:
    """A stable fingerprint of a record (sorted JSON, SHA-256)."""
    data = json.dumps(record.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(data.encode()).hexdigest()
