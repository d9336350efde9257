"""Clinical markers: ICD-10 shape, crisis symptoms and urgency."""

from __future__ import annotations

import re
from collections.abc import Iterable

from shared.patient_vocabulary import CRISIS_SYMPTOMS

# ICD-10(-GM): letter, two digits, optional dot with 1-4 more characters (F32.1, F43.10).
_ICD10 = re.compile(r"^[A-Z][0-9]{2}(\.[0-9A-Z]{1,4})?$")


def is_valid_icd10(code: str) -> bool:
    """True for an ICD-10 code shape such as F32 or F43.10."""
    return bool(_ICD10.match(code))


def crisis_codes(symptoms: Iterable[str], crisis_symptoms: Iterable[str]) -> list[str]:
    """The symptoms that raise the crisis flag."""
    crisis = set(crisis_symptoms)
    return [symptom for symptom in symptoms if symptom in crisis]


def is_urgent(symptoms: Iterable[str], crisis_symptoms: Iterable[str], flagged: bool) -> bool:
    """Urgent when staff flagged it or a crisis symptom is present."""
    return flagged or bool(crisis_codes(symptoms, crisis_symptoms))


def flags(symptoms: list[str], urgent_flagged: bool) -> dict[str, bool]:
    """Crisis marker and urgency from the symptoms and the staff flag."""
    return {
        "crisis": bool(crisis_codes(symptoms, CRISIS_SYMPTOMS)),
        "urgent": is_urgent(symptoms, CRISIS_SYMPTOMS, urgent_flagged),
    }
