"""Patient vocabulary: statuses, insurance, travel, wishes and the symptom catalogue."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class PatientStatus(StrEnum):
    """Patient lifecycle (docs/domain.md "States")."""

    REGISTERED = "registered"
    SEARCHING = "searching"
    PAUSED = "paused"
    PLACED = "placed"
    IN_THERAPY = "in_therapy"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class InsuranceType(StrEnum):
    """Statutory (GKV), private (PKV) or paying themselves."""

    STATUTORY = "statutory"
    PRIVATE = "private"
    SELF_PAY = "self_pay"


class TravelMode(StrEnum):
    """How a patient gets to the practice."""

    CAR = "car"
    PUBLIC_TRANSPORT = "public_transport"
    BICYCLE = "bicycle"
    WALK = "walk"


class TherapistGenderWish(StrEnum):
    """The therapist gender a patient asks for."""

    ANY = "any"
    FEMALE = "female"
    MALE = "male"


class LocationStatus(StrEnum):
    """Whether a patient's coordinates are known (only `resolved` is ever matched)."""

    PENDING = "pending"
    RESOLVED = "resolved"
    FAILED = "failed"


class LocationPrecision(StrEnum):
    """How exact resolved coordinates are."""

    STREET = "street"
    POSTAL_CODE = "postal_code"


class ComplaintGroup(StrEnum):
    """Coarse complaint groups: what therapists (and events) may see instead of symptoms."""

    MOOD = "mood"
    ANXIETY = "anxiety"
    TRAUMA = "trauma"
    OBSESSIVE_COMPULSIVE = "obsessive_compulsive"
    EATING = "eating"
    ADDICTION = "addiction"
    PSYCHOSIS = "psychosis"
    PERSONALITY = "personality"
    SOMATIC = "somatic"
    SLEEP = "sleep"
    STRESS = "stress"
    CRISIS = "crisis"


class Symptom(StrEnum):
    """Symptom codes of the fixed catalogue (labels and groups in SYMPTOMS)."""

    DEPRESSED_MOOD = "depressed_mood"
    LOSS_OF_INTEREST = "loss_of_interest"
    EXHAUSTION = "exhaustion"
    MOOD_SWINGS = "mood_swings"
    ANXIETY = "anxiety"
    PANIC_ATTACKS = "panic_attacks"
    SOCIAL_ANXIETY = "social_anxiety"
    PHOBIA = "phobia"
    TRAUMA = "trauma"
    FLASHBACKS = "flashbacks"
    OBSESSIVE_THOUGHTS = "obsessive_thoughts"
    COMPULSIONS = "compulsions"
    EATING_PROBLEMS = "eating_problems"
    ALCOHOL_OR_DRUGS = "alcohol_or_drugs"
    GAMBLING_OR_MEDIA = "gambling_or_media"
    HALLUCINATIONS = "hallucinations"
    UNSTABLE_RELATIONSHIPS = "unstable_relationships"
    PHYSICAL_COMPLAINTS = "physical_complaints"
    SLEEP_PROBLEMS = "sleep_problems"
    STRESS_OR_BURNOUT = "stress_or_burnout"
    GRIEF = "grief"
    CONCENTRATION_PROBLEMS = "concentration_problems"
    SUICIDAL_THOUGHTS = "suicidal_thoughts"
    SELF_HARM = "self_harm"


@dataclass(frozen=True)
class SymptomInfo:
    """One catalogue entry: code, German label, complaint group, whether it is a crisis sign."""

    code: Symptom
    label_de: str
    group: ComplaintGroup
    crisis: bool = False


_S, _G = Symptom, ComplaintGroup
SYMPTOMS: dict[Symptom, SymptomInfo] = {
    info.code: info
    for info in (
        SymptomInfo(_S.DEPRESSED_MOOD, "Niedergeschlagenheit, gedrückte Stimmung", _G.MOOD),
        SymptomInfo(_S.LOSS_OF_INTEREST, "Interessen- und Freudlosigkeit", _G.MOOD),
        SymptomInfo(_S.EXHAUSTION, "Antriebslosigkeit, Erschöpfung", _G.MOOD),
        SymptomInfo(_S.MOOD_SWINGS, "Starke Stimmungsschwankungen", _G.MOOD),
        SymptomInfo(_S.ANXIETY, "Ängste, Sorgen", _G.ANXIETY),
        SymptomInfo(_S.PANIC_ATTACKS, "Panikattacken", _G.ANXIETY),
        SymptomInfo(_S.SOCIAL_ANXIETY, "Soziale Ängste", _G.ANXIETY),
        SymptomInfo(_S.PHOBIA, "Phobien (z. B. Höhe, Tiere, Enge)", _G.ANXIETY),
        SymptomInfo(_S.TRAUMA, "Belastende oder traumatische Erlebnisse", _G.TRAUMA),
        SymptomInfo(_S.FLASHBACKS, "Flashbacks, Albträume", _G.TRAUMA),
        SymptomInfo(_S.OBSESSIVE_THOUGHTS, "Zwangsgedanken", _G.OBSESSIVE_COMPULSIVE),
        SymptomInfo(_S.COMPULSIONS, "Zwangshandlungen", _G.OBSESSIVE_COMPULSIVE),
        SymptomInfo(_S.EATING_PROBLEMS, "Essstörungen", _G.EATING),
        SymptomInfo(_S.ALCOHOL_OR_DRUGS, "Alkohol- oder Drogenkonsum", _G.ADDICTION),
        SymptomInfo(_S.GAMBLING_OR_MEDIA, "Glücksspiel, Medien- oder Kaufsucht", _G.ADDICTION),
        SymptomInfo(_S.HALLUCINATIONS, "Wahrnehmungsstörungen, Halluzinationen", _G.PSYCHOSIS),
        SymptomInfo(_S.UNSTABLE_RELATIONSHIPS, "Instabile Beziehungen", _G.PERSONALITY),
        SymptomInfo(_S.PHYSICAL_COMPLAINTS, "Körperliche Beschwerden ohne Befund", _G.SOMATIC),
        SymptomInfo(_S.SLEEP_PROBLEMS, "Schlafstörungen", _G.SLEEP),
        SymptomInfo(_S.STRESS_OR_BURNOUT, "Stress, Überlastung, Burnout", _G.STRESS),
        SymptomInfo(_S.GRIEF, "Trauer, Verlust", _G.STRESS),
        SymptomInfo(_S.CONCENTRATION_PROBLEMS, "Konzentrationsprobleme", _G.STRESS),
        SymptomInfo(_S.SUICIDAL_THOUGHTS, "Suizidgedanken", _G.CRISIS, crisis=True),
        SymptomInfo(_S.SELF_HARM, "Selbstverletzendes Verhalten", _G.CRISIS, crisis=True),
    )
}
SYMPTOM_CODES: frozenset[str] = frozenset(s.value for s in Symptom)
CRISIS_SYMPTOMS: frozenset[str] = frozenset(s.value for s, i in SYMPTOMS.items() if i.crisis)


def complaint_groups(codes: Iterable[str]) -> list[str]:
    """The coarse complaint groups of some symptom codes, in catalogue order, unknown skipped."""
    wanted = {SYMPTOMS[Symptom(c)].group for c in codes if c in SYMPTOM_CODES}
    return [g.value for g in ComplaintGroup if g in wanted]


def crisis_symptoms(codes: Iterable[str]) -> list[str]:
    """The codes among `codes` that raise the crisis flag."""
    return [c for c in codes if c in CRISIS_SYMPTOMS]


def catalogue() -> list[dict[str, object]]:
    """The catalogue as JSON-ready rows (API, e-mail templates)."""
    return [
        {"code": i.code.value, "label_de": i.label_de, "group": i.group.value, "crisis": i.crisis}
        for i in SYMPTOMS.values()
    ]
