"""A fill chosen chunk by chunk (here and in forked helpers) saves what the plain rules choose."""

from __future__ import annotations

import random
import threading

import pytest

from matching_service.domain.index import TherapistIndex
from matching_service.domain.ranking import patient_priority
from matching_service.domain.selection import plain_picks
from matching_service.services import pipeline
from matching_service.services.pipeline import (
    Fill,
    RunResult,
    Saving,
    choose_and_save,
    chunk_bounds,
)

from .test_fast_path import random_patient, random_therapist


@pytest.mark.parametrize("count", [0, 1, 1200, 1201, 3300, 10_000, 10_001])
def test_chunks_cover_every_patient_once_with_small_ends(count):
    bounds = chunk_bounds(count)
    assert bounds[0] == 0 and bounds[-1] == count
    sizes = [b - a for a, b in zip(bounds, bounds[1:], strict=False)]
    assert all(size > 0 for size in sizes) or count == 0
    if len(sizes) > 1:
        assert sizes[0] == pipeline.FIRST_CHUNK and sizes[-1] == pipeline.LAST_CHUNK
        assert max(sizes) <= pipeline.CHUNK_PATIENTS


@pytest.mark.parametrize("helpers", [0, 1, 2])
def test_chunks_are_saved_in_priority_order_whoever_chose_them(ctx, monkeypatch, helpers):
    monkeypatch.setattr(pipeline, "FIRST_CHUNK", 20)
    monkeypatch.setattr(pipeline, "CHUNK_PATIENTS", 45)
    monkeypatch.setattr(pipeline, "LAST_CHUNK", 15)
    monkeypatch.setattr(pipeline, "SEARCH_BATCH", 8)
    monkeypatch.setattr(pipeline, "HELPERS_FROM", 0)
    rng = random.Random(5)
    therapists = [random_therapist(rng, tid, ctx.now) for tid in range(1, 801)]
    ids = [t.therapist_id for t in therapists]
    patients = sorted(
        (random_patient(rng, pid, ids) for pid in range(1, 201)), key=patient_priority
    )
    needed = {p.patient_id: rng.randint(0, 10) for p in patients}
    saved: list[list] = []
    result = RunResult()

    fill = Fill(TherapistIndex(therapists), ctx, patients, needed, threading.RLock())
    choose_and_save(fill, helpers, Saving(list, saved.append), result)

    expected = [
        pk for p in patients for pk in plain_picks(p, therapists, ctx, needed[p.patient_id])
    ]
    assert [pk for chunk in saved for pk in chunk] == expected
    assert len(saved) == len(chunk_bounds(len(patients))) - 1
    assert ("wait_for_helper" in result.steps) == (helpers > 0)
