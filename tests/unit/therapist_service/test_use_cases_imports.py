"""Import use cases on in-memory fakes: upsert new/changed/unchanged/stale, disappearance."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from unit.therapist_service.fakes import FakeTherapistUnitOfWork

from shared.clock import FakeClock
from shared.events.scraping import RECORD_EXAMPLE, TherapistRecord
from shared.events.therapist import TherapistCreated, TherapistDeactivated, TherapistUpdated
from therapist_service.services.imports import apply_source_record, deactivate_from_source

T0 = datetime(2026, 11, 2, 3, 0, tzinfo=UTC)
EXTERNAL_ID = RECORD_EXAMPLE["external_id"]


def record(**changes) -> TherapistRecord:
    return TherapistRecord.model_validate({**RECORD_EXAMPLE, **changes})


@pytest.fixture
def uow() -> FakeTherapistUnitOfWork:
    return FakeTherapistUnitOfWork()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)


def upsert(uow, clock, run, seen_at, **changes) -> str:
    return apply_source_record(
        uow,
        clock,
        record(**changes),
        import_run_id=run,
        event_id=f"00000000-0000-0000-0000-{run:012d}",
        seen_at=seen_at,
    )


def disappear(uow, clock, run, seen_at, external_id=EXTERNAL_ID) -> str:
    return deactivate_from_source(
        uow,
        clock,
        external_id,
        import_run_id=run,
        event_id=f"00000000-0000-0000-0001-{run:012d}",
        seen_at=seen_at,
    )


def the_row(uow) -> dict:
    (row,) = uow.therapists.rows.values()
    return row


def test_a_new_record_is_created_with_manual_defaults_history_and_an_event(uow, clock):
    assert upsert(uow, clock, 1, T0) == "created"
    row = the_row(uow)
    assert (row["external_id"], row["source"], row["city"]) == (
        EXTERNAL_ID,
        "arztsuche_116117",
        "Aachen",
    )
    assert (row["status"], row["accepting_new_patients"], row["preferred_channel"]) == (
        "active",
        "unknown",
        "email",
    )
    assert (row["last_seen_at"], row["source_updated_at"], row["last_import_run_id"]) == (T0, T0, 1)
    assert row["practice_id"] == 1 and row["created_at"] == clock.now()
    assert [o["setting"] for o in row["offers"]] == ["group", "individual"]
    assert uow.changes.of(row["id"]) == [("status", None, "active", "import", 1)]
    assert uow.changes.rows[0]["event_id"] == "00000000-0000-0000-0000-000000000001"
    (created,) = uow.events.of(TherapistCreated)
    assert (created.therapist_id, created.has_email, created.postal_code) == (
        row["id"],
        True,
        "52062",
    )
    assert uow.commits == 1


def test_a_changed_record_updates_source_fields_only_and_records_each_change(uow, clock):
    upsert(uow, clock, 1, T0)
    therapist_id = the_row(uow)["id"]
    uow.therapists.update(therapist_id, {"accepting_new_patients": "yes", "age_min": 21})
    clock.advance(days=7)
    outcome = upsert(uow, clock, 2, T0 + timedelta(days=7), city="Köln", phone="+492419999999")
    assert outcome == "changed"
    row = the_row(uow)
    assert (row["city"], row["phone"]) == ("Köln", "+492419999999")
    assert (row["accepting_new_patients"], row["age_min"]) == ("yes", 21)
    assert (row["updated_at"], row["last_import_run_id"]) == (clock.now(), 2)
    assert uow.changes.of(therapist_id)[1:] == [
        ("city", "Aachen", "Köln", "import", 2),
        ("phone", "+492411234567", "+492419999999", "import", 2),
    ]
    (updated,) = uow.events.of(TherapistUpdated)
    assert updated.changed_fields == ["city", "phone"]
    assert row["practice_id"] == 1  # the unchanged e-mail keeps the practice
    assert uow.commits == 2


def test_an_unchanged_record_only_moves_the_bookkeeping(uow, clock):
    upsert(uow, clock, 1, T0)
    created_at = the_row(uow)["updated_at"]
    clock.advance(days=7)
    assert upsert(uow, clock, 2, T0 + timedelta(days=7)) == "unchanged"
    row = the_row(uow)
    assert (row["last_seen_at"], row["source_updated_at"], row["last_import_run_id"]) == (
        T0 + timedelta(days=7),
        T0 + timedelta(days=7),
        2,
    )
    assert row["updated_at"] == created_at
    assert len(uow.changes.rows) == 1
    assert uow.events.types() == ["therapist.created"]
    assert uow.commits == 2


def test_a_record_older_than_the_stored_one_changes_nothing(uow, clock):
    upsert(uow, clock, 2, T0 + timedelta(days=1))
    before = dict(the_row(uow))
    assert upsert(uow, clock, 1, T0, city="Alt") == "stale"
    assert the_row(uow) == before
    assert uow.events.types() == ["therapist.created"]
    assert uow.commits == 1


def test_a_disappeared_therapist_becomes_inactive_and_is_never_deleted(uow, clock):
    upsert(uow, clock, 1, T0)
    clock.advance(days=21)
    assert disappear(uow, clock, 4, T0 + timedelta(days=21)) == "deactivated"
    row = the_row(uow)
    assert (row["status"], row["inactive_cause"]) == ("inactive", "source")
    assert row["status_reason"] == "disappeared from the source (import run 4)"
    assert (row["status_changed_at"], row["last_import_run_id"]) == (clock.now(), 4)
    assert uow.changes.of(row["id"])[-1] == ("status", "active", "inactive", "import", 4)
    (deactivated,) = uow.events.of(TherapistDeactivated)
    assert (deactivated.cause, deactivated.deactivated_at) == ("source", clock.now())
    assert uow.commits == 2


def test_disappearing_again_is_unchanged_and_unknown_or_stale_ones_are_ignored(uow, clock):
    upsert(uow, clock, 1, T0)
    disappear(uow, clock, 3, T0 + timedelta(days=1))
    assert disappear(uow, clock, 4, T0 + timedelta(days=2)) == "unchanged"
    assert the_row(uow)["last_import_run_id"] == 4
    assert disappear(uow, clock, 2, T0) == "stale"
    assert disappear(uow, clock, 5, T0 + timedelta(days=3), external_id="nobody") == "unknown"
    assert the_row(uow)["last_import_run_id"] == 4
    assert uow.events.types() == ["therapist.created", "therapist.deactivated"]
    assert uow.commits == 3


def test_a_rediscovered_therapist_is_active_again(uow, clock):
    upsert(uow, clock, 1, T0)
    disappear(uow, clock, 3, T0 + timedelta(days=1))
    assert upsert(uow, clock, 5, T0 + timedelta(days=2)) == "changed"
    row = the_row(uow)
    assert (row["status"], row["inactive_cause"], row["status_reason"]) == ("active", None, None)
    assert uow.changes.of(row["id"])[-1] == ("status", "inactive", "active", "import", 5)
    assert uow.events.of(TherapistUpdated)[-1].changed_fields == ["status"]


def test_a_blocked_therapist_that_disappears_and_returns_is_blocked_again(uow, clock):
    upsert(uow, clock, 1, T0)
    therapist_id = the_row(uow)["id"]
    uow.therapists.update(therapist_id, {"status": "blocked", "block_reason": "complaint"})
    disappear(uow, clock, 3, T0 + timedelta(days=1))
    assert the_row(uow)["block_reason"] == "complaint"
    upsert(uow, clock, 5, T0 + timedelta(days=2))
    row = the_row(uow)
    assert (row["status"], row["block_reason"]) == ("blocked", "complaint")


def test_a_staff_deactivation_survives_the_next_import(uow, clock):
    upsert(uow, clock, 1, T0)
    therapist_id = the_row(uow)["id"]
    uow.therapists.update(therapist_id, {"status": "inactive", "inactive_cause": "staff"})
    assert upsert(uow, clock, 2, T0 + timedelta(days=1)) == "unchanged"
    assert the_row(uow)["status"] == "inactive"


def test_a_new_practice_phone_links_the_therapist_to_the_practice_that_has_it(uow, clock):
    other = uow.therapists.add(phone="+492419999999", email="other@praxis.example")
    uow.therapists.update(
        other["id"],
        {"practice_id": uow.practices.resolve(other["email"], other["phone"], clock.now())},
    )
    upsert(uow, clock, 1, T0)
    mine = uow.therapists.by_external_id(EXTERNAL_ID)
    assert mine["practice_id"] != uow.therapists.get(other["id"])["practice_id"]
    upsert(uow, clock, 2, T0 + timedelta(days=1), phone="+492419999999")
    mine = uow.therapists.by_external_id(EXTERNAL_ID)
    assert mine["practice_id"] == uow.therapists.get(other["id"])["practice_id"] == 1
