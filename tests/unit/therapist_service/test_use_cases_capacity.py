"""Capacity use cases on in-memory fakes: staff statements and no-capacity answers."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from unit.therapist_service.fakes import FakeContext

from shared.clock import FakeClock
from shared.events.communication import TherapistResponseRecorded
from shared.events.therapist import TherapistCapacityChanged
from shared.vocabulary import Capacity
from therapist_service.domain.errors import TherapistNotFound
from therapist_service.services.capacity import apply_response, set_capacity

LATE_EVENING = datetime(2026, 11, 19, 23, 30, tzinfo=UTC)  # already the 20th in Berlin


@pytest.fixture
def ctx() -> FakeContext:
    return FakeContext(clock=FakeClock(LATE_EVENING))


def stored(ctx, **values) -> int:
    return ctx.uow.therapists.add(**values)["id"]


def answer(therapist_id, *outcomes, recorded_at=LATE_EVENING) -> TherapistResponseRecorded:
    return TherapistResponseRecorded(
        therapist_id=therapist_id,
        response_id=1,
        channel="phone",
        recorded_at=recorded_at,
        outcomes=[
            {"placement_request_id": index + 1, "patient_id": 2, "outcome": outcome}
            for index, outcome in enumerate(outcomes)
        ],
    )


def test_staff_capacity_is_stored_with_its_date_audited_and_published(ctx):
    therapist_id = stored(ctx)
    row = set_capacity(ctx, therapist_id, Capacity.YES, date(2026, 11, 1), "staff-anna")
    assert (row["accepting_new_patients"], row["capacity_as_of"]) == ("yes", date(2026, 11, 1))
    assert row["updated_at"] == ctx.clock.now()
    (entry,) = ctx.uow.audit.entries
    assert (entry.actor, entry.action) == ("staff-anna", "capacity_changed")
    assert entry.details == {
        "old": {"accepting_new_patients": "unknown", "as_of": None},
        "new": {"accepting_new_patients": "yes", "as_of": "2026-11-01"},
        "source": "staff",
    }
    (event,) = ctx.uow.events.of(TherapistCapacityChanged)
    assert (event.therapist_id, event.accepting_new_patients, event.as_of, event.source) == (
        therapist_id,
        "yes",
        date(2026, 11, 1),
        "staff",
    )
    assert ctx.uow.commits == 1


def test_without_a_date_the_statement_is_dated_today_in_berlin(ctx):
    therapist_id = stored(ctx)
    row = set_capacity(ctx, therapist_id, Capacity.NO, None, "staff-anna")
    assert row["capacity_as_of"] == date(2026, 11, 20)
    ctx.clock.advance(days=3)
    assert set_capacity(ctx, therapist_id, Capacity.YES, None, "x")["capacity_as_of"] == date(
        2026, 11, 23
    )


def test_repeating_the_stored_statement_changes_and_publishes_nothing(ctx):
    therapist_id = stored(ctx, accepting_new_patients="no", capacity_as_of=date(2026, 11, 20))
    before = dict(ctx.uow.therapists.rows[therapist_id])
    row = set_capacity(ctx, therapist_id, Capacity.NO, date(2026, 11, 20), "staff-anna")
    assert row == before == ctx.uow.therapists.rows[therapist_id]
    assert (ctx.uow.audit.entries, ctx.uow.events.recorded) == ([], [])


def test_staff_capacity_of_an_unknown_therapist_is_not_found(ctx):
    with pytest.raises(TherapistNotFound):
        set_capacity(ctx, 7, Capacity.YES, None, "staff-anna")
    assert ctx.uow.commits == 0


def test_a_no_capacity_answer_sets_capacity_no_as_of_its_berlin_date(ctx):
    therapist_id = stored(ctx, accepting_new_patients="yes", capacity_as_of=date(2026, 11, 1))
    outcome = apply_response(
        ctx.uow, ctx.clock, answer(therapist_id, "accepted", "rejected_no_capacity")
    )
    assert outcome == "applied"
    row = ctx.uow.therapists.rows[therapist_id]
    assert (row["accepting_new_patients"], row["capacity_as_of"]) == ("no", date(2026, 11, 20))
    assert ctx.uow.audit.actions() == [(therapist_id, "communication_service", "capacity_changed")]
    (event,) = ctx.uow.events.of(TherapistCapacityChanged)
    assert (event.accepting_new_patients, event.source) == ("no", "response")
    assert ctx.uow.commits == 1


def test_the_same_answer_twice_is_published_once(ctx):
    therapist_id = stored(ctx)
    apply_response(ctx.uow, ctx.clock, answer(therapist_id, "rejected_no_capacity"))
    apply_response(ctx.uow, ctx.clock, answer(therapist_id, "rejected_no_capacity"))
    assert ctx.uow.events.types() == ["therapist.capacity_changed"]


def test_an_answer_older_than_the_stored_statement_is_stale(ctx):
    therapist_id = stored(ctx, accepting_new_patients="yes", capacity_as_of=date(2026, 11, 25))
    assert (
        apply_response(ctx.uow, ctx.clock, answer(therapist_id, "rejected_no_capacity")) == "stale"
    )
    assert ctx.uow.therapists.rows[therapist_id]["accepting_new_patients"] == "yes"
    assert (ctx.uow.events.recorded, ctx.uow.commits) == ([], 0)


def test_other_answers_say_nothing_about_capacity(ctx):
    therapist_id = stored(ctx)
    outcome = apply_response(ctx.uow, ctx.clock, answer(therapist_id, "accepted", "no_show"))
    assert outcome == "no_news"
    assert (ctx.uow.entered, ctx.uow.commits) == (0, 0)
    assert ctx.uow.therapists.rows[therapist_id]["accepting_new_patients"] == "unknown"


def test_an_answer_about_an_unknown_therapist_is_ignored(ctx):
    assert apply_response(ctx.uow, ctx.clock, answer(99, "rejected_no_capacity")) == "unknown"
    assert (ctx.uow.events.recorded, ctx.uow.commits) == ([], 0)
