"""Ranking order of candidates and the order in which patients are served."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from matching_service.config import Settings
from matching_service.domain.index import TherapistIndex
from matching_service.domain.ranking import (
    PATIENT_ORDER_KEYS,
    PatientOrder,
    capacity_part,
    patient_priority,
    rank_key,
    response_rate_part,
    score,
)


def ranked(patient, therapists, ctx):
    scored = [
        (rank_key(score(patient, t, ctx, 5.0), 5.0, t.therapist_id), t.therapist_id)
        for t in therapists
    ]
    return [tid for _, tid in sorted(scored)]


def test_scores_stay_between_zero_and_one(patient, therapist, ctx):
    best = score(
        patient(), therapist(accepting_new_patients="yes", capacity_as_of=ctx.now.date()), ctx, 0.0
    )
    worst = score(patient(), therapist(accepting_new_patients="no"), ctx, 25.0)
    assert 0.0 <= worst.total < best.total <= 1.0


def test_fresh_yes_ranks_before_unknown_before_no(patient, therapist, ctx):
    today = ctx.now.date()
    yes = therapist(therapist_id=1, accepting_new_patients="yes", capacity_as_of=today)
    unknown = therapist(therapist_id=2, accepting_new_patients="unknown")
    no = therapist(therapist_id=3, accepting_new_patients="no", capacity_as_of=today)
    assert ranked(patient(), [no, unknown, yes], ctx) == [1, 2, 3]


def test_a_yes_older_than_30_days_counts_as_unknown():
    today = date(2026, 3, 2)
    assert capacity_part("yes", today - timedelta(days=30), today, 30) == 1.0
    assert capacity_part("yes", today - timedelta(days=31), today, 30) == 0.5


def test_a_no_older_than_30_days_counts_as_unknown_too():
    """Failed before this change: "no capacity" from years ago still ranked the therapist last."""
    today = date(2026, 3, 2)
    assert capacity_part("no", today - timedelta(days=30), today, 30) == 0.0
    assert capacity_part("no", today - timedelta(days=31), today, 30) == 0.5
    assert capacity_part("no", None, today, 30) == 0.5


def test_the_index_scores_a_stale_no_like_the_plain_rule(therapist, ctx):
    """The vectorised static scores agree with capacity_part for fresh and stale "no"."""
    today = ctx.now.date()
    therapists = [
        therapist(
            therapist_id=1, accepting_new_patients="no", capacity_as_of=today - timedelta(400)
        ),
        therapist(therapist_id=2, accepting_new_patients="no", capacity_as_of=today),
        therapist(therapist_id=3, accepting_new_patients="unknown", capacity_as_of=None),
        therapist(therapist_id=4, accepting_new_patients="yes", capacity_as_of=today),
    ]
    index = TherapistIndex(therapists)
    weights = ctx.rules.weights
    fresh_days = ctx.rules.capacity_fresh_days
    for t in therapists:
        row = index.positions[t.therapist_id]
        plain = capacity_part(t.accepting_new_patients, t.capacity_as_of, today, fresh_days)
        expected = weights.capacity * plain + weights.response_rate * index.response_rate[row]
        assert index.static_scores(ctx)[row] == pytest.approx(expected)


def test_closer_ranks_higher(patient, therapist, ctx):
    t = therapist()
    assert score(patient(), t, ctx, 2.0).total > score(patient(), t, ctx, 20.0).total


def test_higher_response_rate_ranks_higher(patient, therapist, ctx):
    answers = therapist(therapist_id=1, requests_contacted=10, requests_answered=9)
    silent = therapist(therapist_id=2, requests_contacted=10, requests_answered=0)
    assert ranked(patient(), [silent, answers], ctx) == [1, 2]
    assert response_rate_part(0, 0) == 0.5


def test_larger_availability_overlap_ranks_higher(patient, therapist, ctx):
    p = patient(availability={"mon": ["08:00-18:00"]})
    wide = therapist(therapist_id=1, consultation_hours={"mon": ["08:00-16:00"]})
    narrow = therapist(therapist_id=2, consultation_hours={"mon": ["08:00-09:30"]})
    assert ranked(p, [narrow, wide], ctx) == [1, 2]


def test_urgent_patients_first_then_longest_search(patient, now):
    calm_old = patient(patient_id=1, search_started_at=now - timedelta(days=90))
    calm_new = patient(patient_id=2, search_started_at=now - timedelta(days=1))
    urgent_new = patient(patient_id=3, urgent=True, search_started_at=now)
    order = sorted([calm_new, urgent_new, calm_old], key=patient_priority)
    assert [p.patient_id for p in order] == [3, 1, 2]


def test_arrival_order_serves_the_longest_search_first_urgent_or_not(patient, now):
    calm_old = patient(patient_id=1, search_started_at=now - timedelta(days=90))
    calm_new = patient(patient_id=2, search_started_at=now - timedelta(days=1))
    urgent_new = patient(patient_id=3, urgent=True, search_started_at=now)
    order = sorted([urgent_new, calm_new, calm_old], key=PATIENT_ORDER_KEYS[PatientOrder.ARRIVAL])
    assert [p.patient_id for p in order] == [1, 2, 3]


def test_patient_order_is_a_setting_that_reaches_the_rules(monkeypatch):
    assert Settings().rules().patient_order == PatientOrder.PRIORITY
    monkeypatch.setenv("PATIENT_ORDER", "arrival")
    assert Settings().rules().patient_order == PatientOrder.ARRIVAL
    monkeypatch.setenv("PATIENT_ORDER", "shortest")
    with pytest.raises(ValueError):
        Settings()
