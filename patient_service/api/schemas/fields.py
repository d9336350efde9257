"""Validated field types of the patient API (e-mail, phone, postal code, dates, windows)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator, AwareDatetime, BeforeValidator, Field

from patient_service.domain.symptoms import is_valid_icd10
from shared import weekly_windows
from shared.text import StorableText, storable


def _utc(value: datetime) -> datetime:
    """Store instants in UTC (PostgreSQL refuses offsets beyond ±15:59)."""
    try:
        return value.astimezone(UTC)
    except OverflowError as exc:
        raise ValueError("out of range") from exc


def _require_text(value: Any) -> Any:
    """Dates travel as ISO strings only (no numbers taken for timestamps)."""
    if not isinstance(value, str | date):
        raise ValueError("must be an ISO 8601 string")
    return value


def _email(value: str) -> str:
    storable(value)
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValueError(f"not a valid e-mail address: {exc}") from exc


def _phone(value: str) -> str:
    storable(value)
    try:
        number = phonenumbers.parse(value, "DE")
    except phonenumbers.NumberParseException as exc:
        raise ValueError(f"not a phone number: {exc}") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValueError("not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _icd10(value: str) -> str:
    code = value.strip().upper()
    if not is_valid_icd10(code):
        raise ValueError("must be an ICD-10 code such as F32.1")
    return code


def _windows(value: Any) -> dict[str, list[str]]:
    try:
        return weekly_windows.normalise(value)
    except weekly_windows.WindowError as exc:
        raise ValueError(str(exc)) from exc


def _stripped(value: str) -> str:
    stripped = storable(value).strip()
    if not stripped:
        raise ValueError("must not be blank")
    return stripped


IsoDate = Annotated[date, BeforeValidator(_require_text)]
IsoDateTime = Annotated[AwareDatetime, BeforeValidator(_require_text), AfterValidator(_utc)]
PlainText = StorableText
Text = Annotated[str, Field(min_length=1, max_length=100), AfterValidator(_stripped)]
LongText = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_stripped)]
Email = Annotated[str, Field(max_length=254, description="e-mail address"), AfterValidator(_email)]
Phone = Annotated[
    str,
    Field(
        min_length=3, max_length=40, description="any common notation; stored as E.164 (region DE)"
    ),
    AfterValidator(_phone),
]
PostalCode = Annotated[str, Field(pattern=r"^[0-9]{5}$", description="five digits (PLZ)")]
Icd10 = Annotated[
    str,
    Field(min_length=3, max_length=10, description="ICD-10, e.g. F32.1"),
    AfterValidator(_icd10),
]
LanguageCode = Annotated[str, Field(pattern=r"^[a-z]{2}$", description="ISO 639-1, lower case")]
TherapistId = Annotated[int, Field(ge=1, le=2**63 - 1, strict=True)]
Version = Annotated[int, Field(ge=1, le=2**31 - 1, strict=True)]
WeeklyWindows = Annotated[
    dict[str, list[str]],
    AfterValidator(_windows),
    Field(description='Weekly windows, Europe/Berlin: {"mon": ["09:00-12:00"], ...}'),
]
