"""Hidden behaviour: the answer rule, consumed places, order-independent draws."""

from dataclasses import replace

from support.sim_worlds import TINY, body, record, world

from shared.vocabulary import ResponseOutcome
from simulation.behaviour import Behaviour, PracticeBehaviour, PracticeState, practice_behaviour
from simulation.scenario import SMALL
from simulation.world import build_world

ADULTS, VT = frozenset({"adults"}), frozenset({"VT"})


def setup(opening=(3,), ages=ADULTS, procedures=VT, scenario=TINY, prefs=None):
    w = world([record(0, 1.0)], [body(0, **(prefs or {}))], scenario=scenario)
    return w, Behaviour(w, (PracticeBehaviour(0, opening, ages, procedures),))


def test_no_open_place_is_no_capacity():
    w, b = setup(opening=(3,))
    assert b.decide(PracticeState(), 0, w.patients[0], 2) is ResponseOutcome.REJECTED_NO_CAPACITY


def test_an_open_place_and_a_fit_is_an_acceptance_that_takes_the_place():
    w, b = setup(opening=(3,))
    state = PracticeState()
    assert b.answer(state, 0, w.patients[0], 3) is ResponseOutcome.ACCEPTED
    assert state.open_places(b.practices[0], 10) == 0
    assert b.decide(state, 0, w.patients[0], 10) is ResponseOutcome.REJECTED_NO_CAPACITY


def test_a_patient_outside_the_practices_wishes_is_not_suitable():
    w, b = setup(procedures=frozenset({"TP"}))  # lists VT, takes only TP
    assert b.decide(PracticeState(), 0, w.patients[0], 5) is ResponseOutcome.REJECTED_NOT_SUITABLE
    w, b = setup(ages=frozenset({"children_adolescents"}), prefs={"procedures": []})
    assert b.decide(PracticeState(), 0, w.patients[0], 5) is ResponseOutcome.REJECTED_NOT_SUITABLE


def test_no_show_and_other_rejections_keep_the_place():
    w, b = setup(scenario=replace(TINY, no_show_chance=1.0))
    state = PracticeState()
    assert b.answer(state, 0, w.patients[0], 4) is ResponseOutcome.NO_SHOW
    assert state.open_places(b.practices[0], 4) == 1
    w, b = setup(scenario=replace(TINY, rejected_other_chance=1.0))
    assert b.answer(state, 0, w.patients[0], 4) is ResponseOutcome.REJECTED_OTHER


def test_draws_do_not_depend_on_the_order_of_calls():
    w = build_world(SMALL)
    keys = [(p, q, d) for p in range(10) for q in range(5) for d in range(0, 20, 3)]
    first, second = Behaviour(w), Behaviour(w)
    forward = {k: first.reached(*k) for k in keys}
    backward = {k: second.reached(*k) for k in reversed(keys)}
    assert forward == backward
    assert 0 < sum(forward.values()) < len(keys)  # a chance, not a constant
    emails = [first.email_answer_day(p, 0) for p in range(len(w.practices))]
    assert emails == [second.email_answer_day(p, 0) for p in range(len(w.practices))]


def test_an_email_is_answered_on_a_working_day_after_it_was_sent():
    w, b = setup()
    days = {b.email_answer_day(0, sent) for sent in range(10)}
    assert all(d is not None and d > 0 and b._calendar.is_working_day(d) for d in days)
    _, never = setup(scenario=replace(TINY, email_answer_chance=0.0))
    assert never.email_answer_day(0, 0) is None


def test_practice_behaviour_is_seeded_and_opens_places_in_the_horizon():
    w = build_world(SMALL)
    behaviours = [practice_behaviour(SMALL, p) for p in w.practices]
    assert behaviours == [practice_behaviour(SMALL, p) for p in w.practices]
    assert all(0 <= d < SMALL.horizon_days for b in behaviours for d in b.opening_days)
    assert sum(len(b.opening_days) for b in behaviours) > 0
    for b, practice in zip(behaviours, w.practices, strict=True):
        assert b.procedures <= {o.procedure for o in practice.offers}
        assert b.age_groups <= {o.age_group for o in practice.offers}
    other = [practice_behaviour(replace(SMALL, seed=8), p) for p in w.practices]
    assert other != behaviours
