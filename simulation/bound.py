"""An upper bound: the offline maximum matching of patients to the places that open.

Knowing every place in advance (the practices' hidden `opening_days`) and every patient's
plan, the bound assigns each place to at most one patient so that as many patients as possible
are placed, and among those assignments the total days from arrival to placement is least
(`scipy.optimize.linear_sum_assignment`; an infeasible pair costs more than any feasible
assignment in total, and is dropped afterwards).

A pair is feasible when the practice passes every hard criterion of
matching_service/domain/criteria.py (world.HARD_CRITERIA, the module's own pure functions:
straight-line distance within the patient's radius, procedure overlap, age group, setting,
therapist gender, languages, barrier-free access, insurance, the therapist's wishes,
availability overlap) and the patient fits the practice's hidden wishes (no strategy can place
a patient the practice does not take). A place opening on day o is usable by patient p from the
first day >= max(arrival, o) on which p searches (after a pause; never on or after the cancel
day, never after the horizon). Answer noise (`rejected_other`, `no_show`), reachability and the
contact rules are ignored: no strategy can do better.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment

from simulation.behaviour import Behaviour
from simulation.results import UPPER_BOUND, PatientOutcome, StrategyResult
from simulation.world import World

NAME = UPPER_BOUND

Place = tuple[int, int]  # (practice, opening day)


def places(behaviour: Behaviour) -> list[Place]:
    """Every place of the horizon: one per opening day of each practice."""
    return [(b.practice, day) for b in behaviour.practices for day in b.opening_days]


def usable_from(world: World, patient: int, opening_day: int) -> int | None:
    """The first day patient `patient` could take a place opening on `opening_day`."""
    plan = world.patients[patient].plan
    day = plan.first_searching_day(opening_day)
    return day if day is not None and day < world.horizon_days else None


def cost_matrix(world: World, behaviour: Behaviour, all_places: list[Place]) -> np.ndarray:
    """Days to placement per (patient, place); NaN where the pair is infeasible."""
    by_practice: dict[int, list[int]] = {}
    for column, (practice, _) in enumerate(all_places):
        by_practice.setdefault(practice, []).append(column)
    costs = np.full((len(world.patients), len(all_places)), np.nan)
    for patient in world.patients:
        for practice in world.hard_matches[patient.index]:
            columns = by_practice.get(practice)
            if not columns or not behaviour.fits(practice, patient):
                continue
            for column in columns:
                day = usable_from(world, patient.index, all_places[column][1])
                if day is not None:
                    costs[patient.index, column] = day - patient.plan.arrival_day
    return costs


def assign(costs: np.ndarray) -> dict[int, int]:
    """Row → column of a maximum-cardinality assignment with the least total cost (NaN =
    infeasible)."""
    feasible = ~np.isnan(costs)
    rows = np.flatnonzero(feasible.any(axis=1))
    columns = np.flatnonzero(feasible.any(axis=0))
    if len(rows) == 0:
        return {}
    sub = costs[np.ix_(rows, columns)]
    finite = np.nan_to_num(sub, nan=0.0)
    big = (min(sub.shape) + 1) * (float(finite.max()) + 1) + 1
    chosen_rows, chosen_columns = linear_sum_assignment(np.where(np.isnan(sub), big, sub))
    return {
        int(rows[r]): int(columns[c])
        for r, c in zip(chosen_rows, chosen_columns, strict=True)
        if not np.isnan(sub[r, c])
    }


def upper_bound(world: World, behaviour: Behaviour) -> StrategyResult:
    """Per patient the day of placement in the best offline assignment (None: no place)."""
    all_places = places(behaviour)
    costs = cost_matrix(world, behaviour, all_places)
    chosen = assign(costs)
    outcomes = []
    for patient in world.patients:
        column = chosen.get(patient.index)
        placed = None
        if column is not None:
            placed = patient.plan.arrival_day + int(costs[patient.index, column])
        outcomes.append(
            PatientOutcome(patient.index, patient.plan.arrival_day, patient.plan.urgent, placed)
        )
    return StrategyResult(NAME, world.horizon_days, tuple(outcomes))
