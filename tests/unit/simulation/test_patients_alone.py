"""The strategy "patients alone" on tiny worlds, and its determinism."""

from dataclasses import replace

from support.sim_worlds import TINY, body, record, world

from simulation.behaviour import Behaviour, PracticeBehaviour
from simulation.patients_alone import simulate_patients_alone
from simulation.scenario import SMALL
from simulation.world import PatientPlan, build_world

ADULTS, VT = frozenset({"adults"}), frozenset({"VT"})


def run(openings, plans=None, scenario=TINY, records=None):
    records = records or [record(i, 1.0 + i) for i in range(len(openings))]
    w = world(records, [body(0)], plans, scenario=scenario)
    behaviours = tuple(PracticeBehaviour(i, o, ADULTS, VT) for i, o in enumerate(openings))
    return simulate_patients_alone(w, Behaviour(w, behaviours))


def test_the_patient_calls_the_nearest_first_and_the_next_one_the_next_day():
    result = run([(), (0,)])  # nearest has no place, the second has one
    outcome = result.patients[0]
    assert (outcome.placed_day, outcome.calls, outcome.emails) == (1, 2, 0)
    assert result.practice_messages == {0: (0,), 1: (1,)}
    assert result.staff_calls == {}


def test_no_call_on_weekends_and_no_capacity_waits_for_the_recall():
    result = run([(10,)])  # one practice, its place opens on day 10 (a Thursday)
    # day 0 no capacity; next call 28 days later is beyond the 4-week horizon
    assert result.patients[0].placed_day is None and result.patients[0].calls == 1
    result = run([(10,)], scenario=replace(TINY, patient_recall_days=3))
    # Mon 0, Thu 3, (Sun 6 is no working day) Mon 7, Thu 10: the place is open
    assert result.practice_messages[0] == (0, 3, 7, 10)
    assert result.patients[0].placed_day == 10


def test_an_unreachable_practice_is_tried_again_then_waits():
    scenario = replace(TINY, phone_reach_chance=0.0, patient_call_attempts=3)
    result = run([(0,)], scenario=scenario)
    # three attempts on days 0, 1, 2, then 28 days of waiting
    assert result.patients[0].calls == 3 and result.practice_messages == {}


def test_a_paused_patient_does_not_call_and_a_cancelled_one_stops():
    paused = run([(0,)], plans=[PatientPlan(0, False, pause=(0, 9))]).patients[0]
    assert paused.placed_day == 9
    cancelled = run([(5,)], plans=[PatientPlan(0, False, cancel_day=3)])
    assert cancelled.patients[0].placed_day is None and cancelled.patients[0].calls == 1


def test_a_patient_outside_the_radius_never_calls():
    result = run([(0,)], records=[record(0, 30.0)])
    assert result.patients[0].calls == 0


def test_the_same_world_gives_the_same_result():
    w = build_world(SMALL)
    first = simulate_patients_alone(w, Behaviour(w))
    assert first == simulate_patients_alone(build_world(SMALL), Behaviour(build_world(SMALL)))
    assert first.placed > 0
    placed = [p for p in first.patients if p.placed_day is not None]
    assert all(p.placed_day >= p.arrival_day for p in placed)
