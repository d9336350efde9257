"""The parameters of one simulation run, each with its source or its stated assumption.

Days are counted from `start` (day 0, a Monday); the horizon is `weeks * 7` days. The hidden
behaviour parameters (`places_*`, `email_*`, `phone_*`, `*_share`, `*_chance`) are never seen by
the system: the practices act on them (simulation/behaviour.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Scenario:
    """One run's world size, calendar, patient plans and the practices' hidden behaviour."""

    name: str
    seed: int  # every draw derives from it: the same seed gives the same world and results
    practices: int  # scripts/generate_data.practices(count, seed)
    patients: int  # scripts/generate_data.patients(count, seed)
    weeks: int  # horizon in weeks
    start: date  # day 0, a Monday

    # --- arrivals and patient plans ---
    # assumption: a backlog of waiting patients is registered in the first days of operation
    initial_share: float = 0.3
    # assumption: the rest arrive uniformly on the working days of the first weeks
    arrival_weeks: int = 6
    # assumption: staff flag ~1 in 10 as urgent (the patient service's `urgent` flag; crisis
    # symptoms also set it, BPtK 2021 reports a relevant share of severe cases among waiting
    # patients, no exact figure for an urgency quota)
    urgent_share: float = 0.1
    pause_share: float = 0.1  # assumption: some pause their search (holiday, hospital stay)
    pause_days_min: int = 7  # assumption: a pause lasts one to four weeks
    pause_days_max: int = 28
    # assumption: some give up or find help elsewhere; BPtK 2021 Wartezeitenstudie: long waits
    # make patients drop out, no per-quarter rate given
    cancel_share: float = 0.05

    # --- hidden behaviour of the practices ---
    # assumption: a KV seat treats ~40-60 patients in courses of 6-12 months, but fills most
    # freed places from its own Sprechstunde waiting list; BPtK 2021 Wartezeitenstudie: about
    # 20 weeks (142 days) from first consultation to therapy start, i.e. places are scarce.
    # Mean places a practice opens to outside requests per 4 weeks (Poisson-like over horizon).
    places_per_4_weeks: float = 0.25
    places_open_at_start: float = 0.05  # assumption: mean places already open on day 0
    # assumption: practices answer written requests rarely and late (BPtK 2021: patients report
    # many unanswered enquiries); chance to answer an outreach e-mail at all, and its delay
    email_answer_chance: float = 0.4
    email_delay_max_working_days: int = 5  # assumption: answer within 1..5 working days
    # assumption: per call inside the practice's phone hours (the 116117 `tsz` hours), the line
    # is busy or the slot full more often than not
    phone_reach_chance: float = 0.35
    # assumption: some practices listing adults and children take only adults
    adults_only_share: float = 0.3
    # assumption: some practices listing two procedures take new patients for one only
    procedure_subset_share: float = 0.3
    rejected_other_chance: float = 0.05  # assumption: rejection for another reason
    no_show_chance: float = 0.05  # assumption: the patient misses the first appointment

    # --- the patient phoning alone (simulation/patients_alone.py) ---
    # assumption: a patient tries an unreachable practice up to 3 times before waiting
    patient_call_attempts: int = 3
    # assumption: after "no capacity" (or no answer after the attempts) a patient calls again
    # four weeks later
    patient_recall_days: int = 28

    # --- matching_service/config.py defaults the hard criteria use ---
    adult_age: int = 18
    either_age_group_until: int = 20

    @property
    def horizon_days(self) -> int:
        """Days in the horizon: day numbers run 0 .. horizon_days - 1."""
        return self.weeks * 7

    def __post_init__(self) -> None:
        if self.start.weekday() != 0:
            raise ValueError(f"scenario start {self.start} is not a Monday")
        if not 0 < self.arrival_weeks <= self.weeks:
            raise ValueError("arrival_weeks must lie within the horizon")


# A quarter of operation at the size of a mid-sized region's request volume (assumption).
DEFAULT = Scenario(
    name="default",
    seed=7,
    practices=2000,
    patients=1500,
    weeks=12,
    start=date(2027, 1, 11),
)

# Tests and quick runs: a few minutes of driver time.
SMALL = Scenario(
    name="small",
    seed=7,
    practices=60,
    patients=40,
    weeks=4,
    start=date(2027, 1, 11),
    arrival_weeks=2,
    places_per_4_weeks=0.5,  # assumption: a short horizon needs denser openings to show effects
)
