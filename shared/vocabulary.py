"""The platform's shared enum vocabulary: one source of truth for models, schemas and events."""

from __future__ import annotations

from enum import StrEnum


class Procedure(StrEnum):
    """Psychotherapy procedures (Richtlinienverfahren)."""

    VT = "VT"  # Verhaltenstherapie
    TP = "TP"  # tiefenpsychologisch fundierte Psychotherapie
    AP = "AP"  # analytische Psychotherapie
    ST = "ST"  # systemische Psychotherapie


class AgeGroup(StrEnum):
    """Age groups a therapist treats."""

    ADULTS = "adults"
    CHILDREN_ADOLESCENTS = "children_adolescents"


class Setting(StrEnum):
    """Treatment settings."""

    INDIVIDUAL = "individual"
    GROUP = "group"


class Capacity(StrEnum):
    """Whether a therapist accepts new patients."""

    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


class Channel(StrEnum):
    """How a therapist is contacted, or how an answer came in (`link`: the signed answer link
    of an outreach e-mail; never a way to contact anyone)."""

    EMAIL = "email"
    PHONE = "phone"
    LINK = "link"


# The channels a therapist can be contacted on (preferred channel, staff-recorded answers).
CONTACT_CHANNELS: tuple[Channel, ...] = (Channel.EMAIL, Channel.PHONE)


class TherapistStatus(StrEnum):
    """Therapist lifecycle: active ⇄ blocked, active → inactive."""

    ACTIVE = "active"
    BLOCKED = "blocked"
    INACTIVE = "inactive"


class ResponseOutcome(StrEnum):
    """A therapist's answer about one patient."""

    ACCEPTED = "accepted"
    REJECTED_NO_CAPACITY = "rejected_no_capacity"
    REJECTED_NOT_SUITABLE = "rejected_not_suitable"
    REJECTED_OTHER = "rejected_other"
    NO_SHOW = "no_show"


class CoolingAfter(StrEnum):
    """Which answers start a practice's cooling period (setting `COOLING_AFTER`): every answer
    (the rule of docs/domain.md), or every answer except one that accepts a patient (the
    alternative the simulation reports beside it: a practice that had a place may have more)."""

    ANY_ANSWER = "any_answer"
    NOT_AFTER_ACCEPTANCE = "not_after_acceptance"


def answer_starts_cooling(outcomes: list[str], after: CoolingAfter) -> bool:
    """Whether an answer with these outcomes (one per patient) starts a cooling period."""
    if after is CoolingAfter.NOT_AFTER_ACCEPTANCE:
        return ResponseOutcome.ACCEPTED not in outcomes
    return True


class CancelReason(StrEnum):
    """Why matching cancelled an open placement request (`placement_request_cancelled.reason`;
    consumers treat a reason they do not know as a plain cancellation)."""

    PATIENT_PAUSED = "patient_paused"
    PATIENT_CANCELLED = "patient_cancelled"
    PATIENT_PLACED = "patient_placed"  # another request of the patient was accepted
    PATIENT_NOT_SEARCHING = "patient_not_searching"
    PATIENT_ERASED = "patient_erased"
    PLACED_ELSEWHERE = "placed_elsewhere"  # accepted after the patient was placed
    THERAPIST_BLOCKED = "therapist_blocked"
    THERAPIST_DEACTIVATED = "therapist_deactivated"
    THERAPIST_OPTED_OUT = "therapist_opted_out"
    CRITERIA_CHANGED = "criteria_changed"  # the pair no longer passes a hard criterion
    STAFF = "staff"


class Gender(StrEnum):
    """Gender of a person (patient or therapist)."""

    FEMALE = "female"
    MALE = "male"
    DIVERSE = "diverse"
    UNSPECIFIED = "unspecified"


class TherapistSource(StrEnum):
    """Where a therapist record came from."""

    ARZTSUCHE_116117 = "arztsuche_116117"
    MANUAL = "manual"


class ImportSource(StrEnum):
    """How an import run got its data."""

    UPLOAD = "upload"
    FOLDER = "folder"
    LIVE = "live"


def values(enum: type[StrEnum]) -> tuple[str, ...]:
    """The stored values of an enum, in declaration order."""
    return tuple(member.value for member in enum)


class AttentionReason(StrEnum):
    """Why a case is on a service's staff attention list (`GET /api/attention`, docs/domain.md
    "Drift is found, not hidden"); each item names its reason, ids, since and a German message."""

    # matching: searching, unplaced, no open request although a candidate passes every criterion
    SEARCHING_WITHOUT_REQUEST = "searching_without_request"
    # matching: searching, unplaced, no open request and no candidate at all (item explains why)
    SEARCHING_WITHOUT_CANDIDATE = "searching_without_candidate"
    # matching: contacted more than CONTACTED_WITHOUT_ANSWER_DAYS ago, no answer and no call
    CONTACTED_WITHOUT_ANSWER = "contacted_without_answer"
    # communication: an acceptance held for staff (the patient is paused / not searching)
    ACCEPTANCE_WHILE_PAUSED = "acceptance_while_paused"
    ACCEPTANCE_WHILE_NOT_SEARCHING = "acceptance_while_not_searching"
    # communication: an e-mail failed for good
    EMAIL_FAILED = "email_failed"
    # patient: a crisis flag staff have not acknowledged yet
    CRISIS_UNACKNOWLEDGED = "crisis_unacknowledged"
    # patient: the consistency check found services disagreeing and could not repair it
    STATUS_MISMATCH = "status_mismatch"


# The German line staff read for each reason (`{days}`: the configured number of days).
ATTENTION_MESSAGES: dict[AttentionReason, str] = {
    AttentionReason.SEARCHING_WITHOUT_REQUEST: (
        "Patient:in sucht, hat aber keine offene Platzanfrage, obwohl passende Praxen da sind."
    ),
    AttentionReason.SEARCHING_WITHOUT_CANDIDATE: (
        "Patient:in sucht, aber keine Praxis erfüllt alle Kriterien."
    ),
    AttentionReason.CONTACTED_WITHOUT_ANSWER: (
        "Praxis seit über {days} Tagen angefragt, weder Antwort noch Anruf."
    ),
    AttentionReason.ACCEPTANCE_WHILE_PAUSED: (
        "Zusage einer Praxis, während die Suche pausiert ist: bitte klären."
    ),
    AttentionReason.ACCEPTANCE_WHILE_NOT_SEARCHING: (
        "Zusage einer Praxis, obwohl die Patient:in nicht mehr sucht: bitte klären."
    ),
    AttentionReason.EMAIL_FAILED: "E-Mail konnte endgültig nicht zugestellt werden.",
    AttentionReason.CRISIS_UNACKNOWLEDGED: (
        "Krisenhinweis (Suizidgedanken/Selbstverletzung) noch nicht bestätigt: bitte anrufen."
    ),
    AttentionReason.STATUS_MISMATCH: (
        "Die Dienste sind sich über den Stand der Patient:in uneinig; automatisch nicht lösbar."
    ),
}
