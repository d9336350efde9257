"""Consent: the form version a patient agreed to, and what a withdrawal changes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from patient_service.domain.errors import CaseIncomplete
from shared.patient_vocabulary import PatientStatus


@dataclass(frozen=True)
class Consent:
    """A consent to record: form version and when the patient gave it."""

    version: str
    given_at: datetime


def consent_columns(consent: Consent | None) -> dict[str, Any]:
    """The patient columns mirroring the current consent (nothing without one)."""
    if consent is None:
        return {}
    return {
        "consent_version": consent.version,
        "consent_given_at": consent.given_at,
        "consent_withdrawn_at": None,
    }


def withdrawal_values(
    row: Mapping[str, Any], withdrawn_at: datetime, now: datetime
) -> dict[str, Any]:
    """A withdrawal needs a current consent; a searching patient is paused at once."""
    if row["consent_given_at"] is None or row["consent_withdrawn_at"] is not None:
        raise CaseIncomplete({"consent": "there is no current consent to withdraw"})
    values: dict[str, Any] = {"consent_withdrawn_at": withdrawn_at, "updated_at": now}
    if row["status"] == PatientStatus.SEARCHING:
        values["status"] = PatientStatus.PAUSED.value
    return values
