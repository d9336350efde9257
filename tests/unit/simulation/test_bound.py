"""The upper bound: a hand-built case with a known optimum, and maximality on SMALL."""

import networkx as nx
import numpy as np
from support.sim_worlds import body, record, world

from simulation.behaviour import Behaviour, PracticeBehaviour
from simulation.bound import assign, cost_matrix, places, upper_bound
from simulation.scenario import SMALL
from simulation.world import PatientPlan, build_world

ADULTS, VT = frozenset({"adults"}), frozenset({"VT"})


def test_the_bound_finds_the_optimum_a_greedy_choice_misses():
    # practice 0 (1 km) opens a place on day 0, practice 1 (8 km) on day 5; patient 0 may
    # travel 10 km, patient 1 only 3 km: greedy "first patient, first place" would give
    # patient 0 the day-0 place and leave patient 1 without one.
    w = world(
        [record(0, 1.0), record(1, 8.0)],
        [body(0), body(1, max_distance_km=3.0)],
        [PatientPlan(0, False), PatientPlan(0, False)],
    )
    b = Behaviour(
        w, (PracticeBehaviour(0, (0,), ADULTS, VT), PracticeBehaviour(1, (5,), ADULTS, VT))
    )
    result = upper_bound(w, b)
    assert [p.placed_day for p in result.patients] == [5, 0]
    assert result.placed == 2


def test_among_maximum_assignments_the_least_waiting_wins():
    # two places (days 2 and 9) for two patients who can both take both: arrival 0 and 7.
    w = world(
        [record(0, 1.0)],
        [body(0), body(1)],
        [PatientPlan(0, False), PatientPlan(7, False)],
    )
    b = Behaviour(w, (PracticeBehaviour(0, (2, 9), ADULTS, VT),))
    result = upper_bound(w, b)
    # (0→2, 7→9) waits 2 + 2 = 4 days; (0→9, 7→7 from day 2's place) waits 9 + 0 = 9
    assert [p.placed_day for p in result.patients] == [2, 9]


def test_a_place_waits_for_the_pause_and_not_for_the_cancellation():
    w = world(
        [record(0, 1.0)],
        [body(0), body(1)],
        [PatientPlan(0, False, pause=(0, 6)), PatientPlan(0, False, cancel_day=4)],
    )
    b = Behaviour(w, (PracticeBehaviour(0, (5, 5), ADULTS, VT),))
    assert [p.placed_day for p in upper_bound(w, b).patients] == [6, None]


def test_a_patient_the_practice_does_not_take_is_not_placed():
    w = world([record(0, 1.0)], [body(0)])
    b = Behaviour(w, (PracticeBehaviour(0, (0,), ADULTS, frozenset({"TP"})),))
    assert upper_bound(w, b).placed == 0


def test_the_count_is_a_maximum_matching():
    w = build_world(SMALL)
    b = Behaviour(w)
    all_places = places(b)
    costs = cost_matrix(w, b, all_places)
    graph = nx.Graph()
    rows, columns = np.nonzero(~np.isnan(costs))
    graph.add_nodes_from(f"p{r}" for r in set(rows))
    graph.add_edges_from((f"p{r}", f"c{c}") for r, c in zip(rows, columns, strict=True))
    top = {n for n in graph if n.startswith("p")}
    maximum = len(nx.bipartite.hopcroft_karp_matching(graph, top)) // 2
    assert len(assign(costs)) == maximum == upper_bound(w, b).placed > 0


def test_assign_handles_no_feasible_pair():
    assert assign(np.full((2, 3), np.nan)) == {}
