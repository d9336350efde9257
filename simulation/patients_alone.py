"""The comparison strategy "patients alone": every patient phones practices without the system.

From arrival, a patient calls the nearest practice their own 116117 search shows
(world.LISTING_CRITERIA: within their radius, a wanted procedure for their age group, their
gender, language and access wishes) that has phone hours on that weekday and may be called
today, one call per working day (Monday to Friday without the public holidays of the patient's
Bundesland). A call gets through with the practice's hidden phone chance and is answered by the
same rule as any other strategy's contact (`Behaviour.answer`):

- not reached: tried again on a later day, up to `patient_call_attempts` times, then the
  practice waits `patient_recall_days`;
- `rejected_no_capacity` / `rejected_other`: called again after `patient_recall_days`;
- `rejected_not_suitable` / `no_show`: that practice is out for this patient;
- `accepted`: placed that day; the search ends.

Paused days are skipped, a cancelled patient stops. Patients call in the order of their index
on each day (so an earlier patient can take the last place of a day). Every call the patient
makes counts in `calls`; a call that got through is a message to the practice. Nobody on staff
calls (`staff_calls` is empty).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from shared.vocabulary import ResponseOutcome
from simulation.behaviour import Behaviour, PracticeState
from simulation.results import PATIENTS_ALONE, PatientOutcome, StrategyResult
from simulation.workdays import WEEKDAY_NAMES, WorkCalendar
from simulation.world import Patient, World

NAME = PATIENTS_ALONE
_AGAIN_LATER = (ResponseOutcome.REJECTED_NO_CAPACITY, ResponseOutcome.REJECTED_OTHER)


@dataclass
class _Search:
    """One patient's phoning: when each practice may be called next, tries, practices out."""

    patient: Patient
    calendar: WorkCalendar
    next_call: dict[int, int] = field(default_factory=dict)
    attempts: dict[int, int] = field(default_factory=dict)
    out: set[int] = field(default_factory=set)
    calls: int = 0
    placed_day: int | None = None


def _choose(world: World, search: _Search, day: int) -> int | None:
    """The nearest practice that may be called today inside its phone hours."""
    weekday = WEEKDAY_NAMES[search.calendar.weekday(day)]
    for practice in world.listing_matches[search.patient.index]:
        if practice in search.out or search.next_call.get(practice, 0) > day:
            continue
        if world.practices[practice].phone_hours.get(weekday):
            return practice
    return None


def _after_call(search: _Search, practice: int, day: int, outcome, scenario) -> None:
    """Update the patient's plan after one call (`outcome` None: not reached)."""
    if outcome is None:
        tries = search.attempts[practice] = search.attempts.get(practice, 0) + 1
        if tries >= scenario.patient_call_attempts:
            search.attempts[practice] = 0
            search.next_call[practice] = day + scenario.patient_recall_days
        else:
            search.next_call[practice] = day + 1
    elif outcome is ResponseOutcome.ACCEPTED:
        search.placed_day = day
    elif outcome in _AGAIN_LATER:
        search.next_call[practice] = day + scenario.patient_recall_days
    else:
        search.out.add(practice)


def simulate_patients_alone(world: World, behaviour: Behaviour) -> StrategyResult:
    """Run the strategy over the horizon on a fresh PracticeState."""
    scenario, state = world.scenario, PracticeState()
    searches = [
        _Search(
            p, WorkCalendar.for_postal_code(scenario.start, scenario.horizon_days, p.postal_code)
        )
        for p in world.patients
    ]
    messages: dict[int, list[int]] = {}
    for day in range(scenario.horizon_days):
        for search in searches:
            plan = search.patient.plan
            if search.placed_day is not None or not plan.searching_on(day):
                continue
            if not search.calendar.is_working_day(day):
                continue
            practice = _choose(world, search, day)
            if practice is None:
                continue
            search.calls += 1
            outcome = None
            if behaviour.reached(practice, search.patient.index, day):
                messages.setdefault(practice, []).append(day)
                outcome = behaviour.answer(state, practice, search.patient, day)
            _after_call(search, practice, day, outcome, scenario)
    outcomes = tuple(
        PatientOutcome(
            s.patient.index,
            s.patient.plan.arrival_day,
            s.patient.plan.urgent,
            s.placed_day,
            emails=0,
            calls=s.calls,
        )
        for s in searches
    )
    return StrategyResult(
        NAME,
        scenario.horizon_days,
        outcomes,
        practice_messages={k: tuple(v) for k, v in sorted(messages.items())},
    )
