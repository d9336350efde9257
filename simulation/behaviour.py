"""The practices' hidden behaviour: what the system never sees, the same for every strategy.

Per practice: the days places open within the horizon (Poisson-like count, uniform days), the
chance and delay of answering an outreach e-mail, the chance of being reached by phone inside
its phone hours, and its own wishes (only adults, a subset of its listed procedures). The
answer rule (`decide`): no open place → `rejected_no_capacity`; the patient does not fit the
practice's wishes → `rejected_not_suitable`; else, rarely, `rejected_other` or `no_show` (the
patient missed the first appointment: the place stays open), otherwise `accepted`.

Every random decision is drawn from its own `random.Random(f"{seed}:{practice}:{patient}:
{kind}:{day}")`, so it does not depend on the order of calls, and every strategy faces the same
behaviour. Open places are consumed by acceptances, in a `PracticeState` of one strategy run.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from matching_service.domain.criteria import age_groups
from shared.vocabulary import AgeGroup, ResponseOutcome
from simulation.scenario import Scenario
from simulation.workdays import WorkCalendar
from simulation.world import Patient, Practice, World, context_of

NOBODY = "-"  # the patient part of a key for a practice-wide draw


def draw(seed: int, practice: int | str, patient: int | str, kind: str, day: int | str):
    """The one random stream of one decision."""
    return random.Random(f"{seed}:{practice}:{patient}:{kind}:{day}")


def poisson(rng: random.Random, mean: float) -> int:
    """A Poisson count (Knuth's method; the means here are small)."""
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


@dataclass(frozen=True)
class PracticeBehaviour:
    """The hidden side of one practice.

    `opening_days`: the day each place opens (sorted; day 0 also holds the places open at the
    start). `age_groups` and `procedures`: what the practice really takes (subsets of what it
    lists on 116117)."""

    practice: int
    opening_days: tuple[int, ...]
    age_groups: frozenset[str]
    procedures: frozenset[str]


def practice_behaviour(scenario: Scenario, practice: Practice) -> PracticeBehaviour:
    """The seeded hidden behaviour of one practice."""
    seed, index, horizon = scenario.seed, practice.index, scenario.horizon_days
    rng = draw(seed, index, NOBODY, "capacity", NOBODY)
    at_start = poisson(rng, scenario.places_open_at_start)
    later = poisson(rng, scenario.places_per_4_weeks * horizon / 28)
    opening = sorted([0] * at_start + [rng.randrange(horizon) for _ in range(later)])
    rng = draw(seed, index, NOBODY, "wishes", NOBODY)
    ages = {o.age_group for o in practice.offers}
    if len(ages) > 1 and rng.random() < scenario.adults_only_share:
        ages = {AgeGroup.ADULTS.value}
    procedures = sorted({o.procedure for o in practice.offers})
    if len(procedures) > 1 and rng.random() < scenario.procedure_subset_share:
        procedures = [rng.choice(procedures)]
    return PracticeBehaviour(index, tuple(opening), frozenset(ages), frozenset(procedures))


@dataclass
class PracticeState:
    """Places taken per practice in one strategy run (start a new one per strategy)."""

    taken: dict[int, int] = field(default_factory=dict)

    def open_places(self, behaviour: PracticeBehaviour, day: int) -> int:
        """Places opened by `day` (inclusive) and not yet taken."""
        opened = sum(1 for d in behaviour.opening_days if d <= day)
        return opened - self.taken.get(behaviour.practice, 0)

    def take(self, practice: int) -> None:
        self.taken[practice] = self.taken.get(practice, 0) + 1


class Behaviour:
    """The hidden behaviour of every practice of a world, and the answer rule."""

    def __init__(
        self, world: World, practices: tuple[PracticeBehaviour, ...] | None = None
    ) -> None:
        """The seeded behaviour of the world's practices (`practices`: given instead, for
        hand-built cases)."""
        self.scenario = world.scenario
        self.seed = world.scenario.seed
        self.practices = practices or tuple(
            practice_behaviour(self.scenario, p) for p in world.practices
        )
        self._world = world
        self._ctx = context_of(world.scenario)
        self._calendar = WorkCalendar(self.scenario.start, self.scenario.horizon_days)

    def fits(self, practice: int, patient: Patient) -> bool:
        """The patient fits the practice's own wishes: an offer the practice really takes, of
        a wanted procedure (any when none named), for the patient's age group."""
        wishes = self.practices[practice]
        groups = age_groups(patient.profile.age, self._ctx) & wishes.age_groups
        wanted = patient.profile.procedures
        return any(
            o.age_group in groups
            and o.procedure in wishes.procedures
            and (not wanted or o.procedure in wanted)
            for o in self._world.practices[practice].offers
        )

    def reached(self, practice: int, patient: int, day: int) -> bool:
        """A call on `day` inside the practice's phone hours gets through."""
        rng = draw(self.seed, practice, patient, "phone", day)
        return rng.random() < self.scenario.phone_reach_chance

    def email_answer_day(self, practice: int, sent_day: int) -> int | None:
        """The working day the practice answers an outreach e-mail sent on `sent_day`, or None
        when it never answers it."""
        rng = draw(self.seed, practice, NOBODY, "email", sent_day)
        if rng.random() >= self.scenario.email_answer_chance:
            return None
        delay = rng.randint(1, self.scenario.email_delay_max_working_days)
        return self._calendar.add_working_days(sent_day, delay)

    def decide(
        self, state: PracticeState, practice: int, patient: Patient, day: int
    ) -> ResponseOutcome:
        """The practice's answer about `patient` on `day` (changes nothing)."""
        if state.open_places(self.practices[practice], day) <= 0:
            return ResponseOutcome.REJECTED_NO_CAPACITY
        if not self.fits(practice, patient):
            return ResponseOutcome.REJECTED_NOT_SUITABLE
        rng = draw(self.seed, practice, patient.index, "answer", day)
        if rng.random() < self.scenario.rejected_other_chance:
            return ResponseOutcome.REJECTED_OTHER
        if rng.random() < self.scenario.no_show_chance:
            return ResponseOutcome.NO_SHOW
        return ResponseOutcome.ACCEPTED

    def answer(
        self, state: PracticeState, practice: int, patient: Patient, day: int
    ) -> ResponseOutcome:
        """`decide`, and an acceptance takes one of the practice's open places."""
        outcome = self.decide(state, practice, patient, day)
        if outcome is ResponseOutcome.ACCEPTED:
            state.take(practice)
        return outcome
