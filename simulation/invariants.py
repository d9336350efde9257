"""Invariant checks over what a driver observed of the real stack: each returns the list of
violations found (the count must be 0).

The driver fills an `ObservationLog` from the services' APIs and the SMTP catcher: outreach
e-mails, calls, each patient's status timeline and each practice's cooling windows. Times are
aware datetimes; phone hours are Europe/Berlin wall-clock windows (`{"mon": ["09:00-10:00"]}`).
The numbers come from shared/rules.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from shared import rules
from shared.patient_vocabulary import PatientStatus
from shared.weekly_windows import contains
from simulation.workdays import WEEKDAY_NAMES

BERLIN = ZoneInfo("Europe/Berlin")
Practice = int | str
PatientId = int | str
ERASED = "erased"  # the driver's status for an erased patient (no lifecycle status of its own)


@dataclass(frozen=True)
class SentEmail:
    """An outreach e-mail (or reminder: `outreach=False`, it opens no 7-day window) sent to a
    practice about `patients`."""

    practice: Practice
    sent_at: datetime
    patients: tuple[PatientId, ...]
    outreach: bool = True


@dataclass(frozen=True)
class Call:
    """A call to a practice about `patients` at `at`, with the phone hours in effect for it.
    `first_contact`: a first-contact call (counts for the 7-day limit like an outreach e-mail);
    otherwise a follow-up call of an e-mail."""

    practice: Practice
    at: datetime
    patients: tuple[PatientId, ...]
    phone_hours: Mapping[str, Sequence[str]]
    first_contact: bool = False


@dataclass(frozen=True)
class StatusChange:
    """From `at` on, the patient has `status` (a PatientStatus value, or ERASED)."""

    at: datetime
    status: str


@dataclass(frozen=True)
class CoolingWindow:
    """The practice is in a cooling period after `start` (the answer that began it) until `end`
    (exclusive; the lift time when staff lifted it early)."""

    practice: Practice
    start: datetime
    end: datetime


@dataclass
class ObservationLog:
    """Everything the driver observed; `statuses` per patient in any order."""

    emails: list[SentEmail] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    statuses: dict[PatientId, list[StatusChange]] = field(default_factory=dict)
    cooling: list[CoolingWindow] = field(default_factory=list)


@dataclass(frozen=True)
class Violation:
    """One breach: which check, about what, and why (English, for the report)."""

    check: str
    subject: str
    detail: str


MIN_GAP = timedelta(days=rules.MIN_DAYS_BETWEEN_EMAILS)


def outreach_too_close(log: ObservationLog) -> list[Violation]:
    """Two outreach contacts (e-mails, first-contact calls) of one practice closer than
    MIN_DAYS_BETWEEN_EMAILS days."""
    times: dict[Practice, list[datetime]] = {}
    for email in log.emails:
        if email.outreach:
            times.setdefault(email.practice, []).append(email.sent_at)
    for call in log.calls:
        if call.first_contact:
            times.setdefault(call.practice, []).append(call.at)
    found = []
    for practice, moments in times.items():
        ordered = sorted(moments)
        for before, after in zip(ordered, ordered[1:], strict=False):
            if after - before < MIN_GAP:
                found.append(
                    Violation(
                        "outreach_too_close",
                        f"practice {practice}",
                        f"{before.isoformat()} and {after.isoformat()}: {after - before} apart",
                    )
                )
    return found


def emails_too_large(log: ObservationLog) -> list[Violation]:
    """An e-mail or call about more than MAX_PATIENTS_PER_EMAIL patients."""
    return [
        Violation(
            "too_many_patients",
            f"practice {c.practice}",
            f"{len(c.patients)} patients at {_moment(c).isoformat()}",
        )
        for c in _contacts(log)
        if len(c.patients) > rules.MAX_PATIENTS_PER_EMAIL
    ]


def calls_outside_phone_hours(log: ObservationLog) -> list[Violation]:
    """A call whose local (Europe/Berlin) minute lies outside the phone hours in effect."""
    found = []
    for call in log.calls:
        local = call.at.astimezone(BERLIN)
        minute = local.hour * 60 + local.minute
        if not contains(dict(call.phone_hours), WEEKDAY_NAMES[local.weekday()], minute):
            found.append(
                Violation(
                    "call_outside_phone_hours",
                    f"practice {call.practice}",
                    f"{local.isoformat()} not in {dict(call.phone_hours)}",
                )
            )
    return found


def contacts_during_cooling(log: ObservationLog) -> list[Violation]:
    """An e-mail or call to a practice inside one of its cooling windows."""
    windows: dict[Practice, list[CoolingWindow]] = {}
    for window in log.cooling:
        windows.setdefault(window.practice, []).append(window)
    found = []
    for contact in _contacts(log):
        at = _moment(contact)
        for window in windows.get(contact.practice, []):
            if window.start < at < window.end:  # the answer that started it is no breach
                found.append(
                    Violation(
                        "contact_during_cooling",
                        f"practice {contact.practice}",
                        f"{at.isoformat()} in cooling "
                        f"{window.start.isoformat()}..{window.end.isoformat()}",
                    )
                )
    return found


def status_at(changes: Iterable[StatusChange], at: datetime) -> str | None:
    """The status in effect at `at` (None before the first change)."""
    current = None
    for change in sorted(changes, key=lambda c: c.at):
        if change.at > at:
            break
        current = change.status
    return current


def contacts_while_not_searching(log: ObservationLog) -> list[Violation]:
    """A contact about a patient who is not searching at that moment (paused, cancelled,
    placed, erased or anything but `searching`)."""
    found = []
    for contact in _contacts(log):
        at = _moment(contact)
        for patient in contact.patients:
            status = status_at(log.statuses.get(patient, []), at)
            if status != PatientStatus.SEARCHING.value:
                found.append(
                    Violation(
                        "contact_while_not_searching",
                        f"patient {patient}",
                        f"{type(contact).__name__} to practice {contact.practice} at "
                        f"{at.isoformat()} while {status}",
                    )
                )
    return found


def requests_disagree(
    left: Mapping[int | str, str], right: Mapping[int | str, str]
) -> list[Violation]:
    """After settling, a request open in one service and closed (or unknown) in the other;
    values are "open" or "closed" (a request one side does not know counts as closed)."""
    found = []
    for request in sorted(set(left) | set(right), key=str):
        a, b = left.get(request, "closed"), right.get(request, "closed")
        if (a == "open") != (b == "open"):
            found.append(Violation("request_disagreement", f"request {request}", f"{a} vs {b}"))
    return found


def searching_without_request(
    searching: Iterable[PatientId],
    with_open_request: Iterable[PatientId],
    with_candidate: Iterable[PatientId],
) -> list[Violation]:
    """A searching patient without an open request although a candidate exists."""
    open_ones, candidates = set(with_open_request), set(with_candidate)
    return [
        Violation("searching_without_request", f"patient {p}", "a candidate exists")
        for p in sorted(set(searching), key=str)
        if p not in open_ones and p in candidates
    ]


def acceptance_without_one_placement(
    acceptances: Mapping[PatientId, int], placements: Mapping[PatientId, int]
) -> list[Violation]:
    """A patient with an acceptance but not exactly one placement, or a placement without an
    acceptance (counts per patient)."""
    found = []
    for patient in sorted(set(acceptances) | set(placements), key=str):
        accepted, placed = acceptances.get(patient, 0), placements.get(patient, 0)
        if (accepted > 0 and placed != 1) or (accepted == 0 and placed > 0):
            found.append(
                Violation(
                    "acceptance_placement",
                    f"patient {patient}",
                    f"{accepted} acceptances, {placed} placements",
                )
            )
    return found


LOG_CHECKS = {
    "outreach_too_close": outreach_too_close,
    "too_many_patients": emails_too_large,
    "call_outside_phone_hours": calls_outside_phone_hours,
    "contact_during_cooling": contacts_during_cooling,
    "contact_while_not_searching": contacts_while_not_searching,
}


def check_log(log: ObservationLog) -> dict[str, list[Violation]]:
    """Every check over the log alone, by name."""
    return {name: check(log) for name, check in LOG_CHECKS.items()}


def counts(found: Mapping[str, list[Violation]]) -> dict[str, int]:
    """Violations per check (the report's table)."""
    return {name: len(violations) for name, violations in found.items()}


def _contacts(log: ObservationLog) -> list[SentEmail | Call]:
    return [*log.emails, *log.calls]


def _moment(contact: SentEmail | Call) -> datetime:
    return contact.sent_at if isinstance(contact, SentEmail) else contact.at
