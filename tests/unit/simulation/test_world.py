"""The scenario and the world: seeded, deterministic, plans within the horizon."""

from dataclasses import replace
from datetime import date

import pytest
from support.sim_worlds import body, record, world

from simulation.scenario import DEFAULT, SMALL, Scenario
from simulation.world import PatientPlan, build_world, record_hours


def test_scenarios_have_the_stated_sizes():
    assert (DEFAULT.practices, DEFAULT.patients, DEFAULT.weeks) == (2000, 1500, 12)
    assert (SMALL.practices, SMALL.patients, SMALL.weeks) == (60, 40, 4)
    assert SMALL.horizon_days == 28


def test_a_scenario_starts_on_a_monday():
    with pytest.raises(ValueError, match="Monday"):
        Scenario("x", 1, 1, 1, 1, date(2027, 1, 12))


def test_the_same_seed_gives_the_same_world():
    first, second = build_world(SMALL), build_world(SMALL)
    assert first == second
    assert [p.body for p in first.patients] == [p.body for p in second.patients]
    assert [p.record for p in first.practices] == [p.record for p in second.practices]


def test_another_seed_gives_another_world():
    assert build_world(SMALL).patients != build_world(replace(SMALL, seed=8)).patients


def test_plans_lie_in_the_horizon_and_urgency_is_in_the_body():
    w = build_world(replace(SMALL, patients=200))
    horizon = w.horizon_days
    for patient in w.patients:
        plan = patient.plan
        assert 0 <= plan.arrival_day < SMALL.arrival_weeks * 7
        assert plan.pause is None or plan.arrival_day < plan.pause[0] < plan.pause[1]
        assert plan.cancel_day is None or plan.arrival_day < plan.cancel_day < horizon
        assert not (plan.pause and plan.cancel_day)
        assert patient.body["urgent"] is plan.urgent is patient.profile.urgent
    assert any(p.plan.urgent for p in w.patients)
    assert any(p.plan.pause for p in w.patients) and any(p.plan.cancel_day for p in w.patients)
    assert sum(p.plan.arrival_day == 0 for p in w.patients) > 30


def test_hard_matches_are_listing_matches_nearest_first():
    w = build_world(SMALL)
    for patient in w.patients:
        hard, listing = w.hard_matches[patient.index], w.listing_matches[patient.index]
        assert set(hard) <= set(listing)
        assert list(hard) == [j for j in listing if j in set(hard)]


def test_practice_fields_are_read_like_the_import():
    r = record(0, 1.0, fs=["Englisch", "Deutsch"], geschlecht="M")
    r["kvg"] = [{"heading": "Barrierefreiheit", "values": ["rollstuhlgerecht"]}]
    practice = world([r], []).practices[0]
    assert practice.profile.languages == frozenset({"en"})
    assert practice.profile.barrier_free and practice.profile.gender == "male"
    assert [(o.procedure, o.age_group) for o in practice.offers] == [("VT", "adults")]
    assert practice.phone_hours["mon"] == ["08:00-18:00"]
    assert record_hours(r).consultation["fri"] == ["09:00-17:00"]


@pytest.mark.parametrize(
    ("km", "prefs", "matches"),
    [
        (3.0, {}, True),
        (12.0, {}, False),  # beyond 10 km
        (3.0, {"procedures": ["TP"]}, False),
        (3.0, {"therapist_gender": "male"}, False),
        (3.0, {"languages": ["tr"]}, False),
        (3.0, {"barrier_free": True}, False),
    ],
)
def test_the_hard_criteria_decide_a_pair(km, prefs, matches):
    w = world([record(0, km)], [body(0, **prefs)])
    assert (w.hard_matches[0] == (0,)) is matches


def test_a_child_does_not_match_an_adults_practice():
    child = {**body(0), "birth_date": "2017-01-01"}
    assert world([record(0, 1.0)], [child]).hard_matches[0] == ()


def test_a_plan_knows_when_the_patient_searches():
    plan = PatientPlan(2, False, pause=(5, 9), cancel_day=20)
    assert [plan.searching_on(d) for d in (1, 2, 5, 8, 9, 19, 20)] == [
        False,
        True,
        False,
        False,
        True,
        True,
        False,
    ]
    assert plan.first_searching_day(0) == 2 and plan.first_searching_day(6) == 9
    assert plan.first_searching_day(21) is None
