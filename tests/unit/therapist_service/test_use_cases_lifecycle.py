"""Status use case on in-memory fakes: block, unblock, deactivate, reactivate, refusals."""

from __future__ import annotations

import pytest
from unit.therapist_service.fakes import FakeContext

from shared.events.therapist import (
    TherapistBlocked,
    TherapistDeactivated,
    TherapistUnblocked,
    TherapistUpdated,
)
from shared.vocabulary import TherapistStatus
from therapist_service.domain.errors import TherapistNotFound, TransitionNotAllowed
from therapist_service.services.lifecycle import change_status

ACTOR = "staff-anna"


@pytest.fixture
def ctx() -> FakeContext:
    return FakeContext()


def stored(ctx, **values) -> int:
    return ctx.uow.therapists.add(**values)["id"]


def test_blocking_stores_the_reason_records_audits_and_publishes(ctx):
    therapist_id = stored(ctx)
    ctx.clock.advance(hours=2)
    row = change_status(ctx, therapist_id, TherapistStatus.BLOCKED, "rude on the phone", ACTOR)
    assert (row["status"], row["block_reason"], row["status_reason"]) == (
        "blocked",
        "rude on the phone",
        "rude on the phone",
    )
    assert row["status_changed_at"] == row["updated_at"] == ctx.clock.now()
    assert ctx.uow.therapists.locked == [therapist_id]
    assert ctx.uow.changes.of(therapist_id) == [("status", "active", "blocked", "staff", None)]
    (entry,) = ctx.uow.audit.entries
    assert (entry.actor, entry.action, entry.details) == (
        ACTOR,
        "updated",
        {"status": {"old": "active", "new": "blocked"}},
    )
    (blocked,) = ctx.uow.events.recorded
    assert isinstance(blocked[0], TherapistBlocked)
    assert (blocked[0].therapist_id, blocked[0].blocked_at) == (therapist_id, ctx.clock.now())
    assert "rude" not in blocked[0].model_dump_json()
    assert ctx.uow.commits == 1


def test_unblocking_clears_the_block_reason_and_publishes_unblocked(ctx):
    therapist_id = stored(ctx, status="blocked", block_reason="rude", status_reason="rude")
    row = change_status(ctx, therapist_id, TherapistStatus.ACTIVE, None, ACTOR)
    assert (row["status"], row["block_reason"], row["status_reason"]) == ("active", None, None)
    (unblocked,) = ctx.uow.events.of(TherapistUnblocked)
    assert unblocked.unblocked_at == ctx.clock.now()
    assert ctx.uow.events.types() == ["therapist.unblocked"]


def test_deactivating_a_blocked_therapist_keeps_the_block_reason(ctx):
    therapist_id = stored(ctx, status="blocked", block_reason="rude")
    row = change_status(ctx, therapist_id, TherapistStatus.INACTIVE, "retired", ACTOR)
    assert (row["status"], row["inactive_cause"], row["block_reason"]) == (
        "inactive",
        "staff",
        "rude",
    )
    (deactivated,) = ctx.uow.events.of(TherapistDeactivated)
    assert deactivated.cause == "staff"


def test_reactivating_publishes_the_profile_with_its_new_status(ctx):
    therapist_id = stored(ctx, status="inactive", inactive_cause="staff")
    row = change_status(ctx, therapist_id, TherapistStatus.ACTIVE, None, ACTOR)
    assert (row["status"], row["inactive_cause"]) == ("active", None)
    (updated,) = ctx.uow.events.of(TherapistUpdated)
    assert (updated.status, updated.changed_fields) == ("active", ["status"])


def test_an_inactive_therapist_cannot_be_blocked(ctx):
    therapist_id = stored(ctx, status="inactive")
    with pytest.raises(TransitionNotAllowed) as refused:
        change_status(ctx, therapist_id, TherapistStatus.BLOCKED, "x", ACTOR)
    assert (refused.value.status, refused.value.code) == (409, "conflict")
    assert refused.value.message == "A therapist cannot go from inactive to blocked."
    assert ctx.uow.therapists.rows[therapist_id]["status"] == "inactive"
    assert (ctx.uow.changes.rows, ctx.uow.events.recorded, ctx.uow.commits) == ([], [], 0)


def test_the_same_status_with_the_same_reason_changes_nothing(ctx):
    therapist_id = stored(ctx, status="blocked", block_reason="rude", status_reason="rude")
    before = dict(ctx.uow.therapists.rows[therapist_id])
    row = change_status(ctx, therapist_id, TherapistStatus.BLOCKED, "rude", ACTOR)
    assert row == before == ctx.uow.therapists.rows[therapist_id]
    assert (ctx.uow.changes.rows, ctx.uow.audit.entries, ctx.uow.commits) == ([], [], 0)


def test_a_new_block_reason_is_recorded_but_not_published(ctx):
    therapist_id = stored(ctx, status="blocked", block_reason="rude", status_reason="rude")
    row = change_status(ctx, therapist_id, TherapistStatus.BLOCKED, "no-show twice", ACTOR)
    assert row["block_reason"] == "no-show twice"
    assert ctx.uow.changes.of(therapist_id) == [("status", "blocked", "blocked", "staff", None)]
    assert ctx.uow.events.recorded == []
    assert ctx.uow.commits == 1


def test_an_unknown_therapist_is_not_found(ctx):
    with pytest.raises(TherapistNotFound) as missing:
        change_status(ctx, 404, TherapistStatus.BLOCKED, "x", ACTOR)
    assert (missing.value.status, missing.value.code) == (404, "not_found")
    assert missing.value.details == {"therapist_id": 404}
    assert missing.value.message == "Therapist 404 not found."
