"""Staff use cases on in-memory fakes: register, edit fields and contact data, read."""

from __future__ import annotations

import pytest
from unit.therapist_service.fakes import FakeContext

from shared.events.therapist import TherapistCreated, TherapistUpdated
from therapist_service.domain.errors import AgeRangeInvalid, ExternalIdTaken, TherapistNotFound
from therapist_service.services.therapists import (
    create_therapist,
    get_therapist,
    list_changes,
    update_therapist,
)

ACTOR = "staff-anna"
VT = {"procedure": "VT", "age_group": "adults", "setting": "individual"}
TP = {"procedure": "TP", "age_group": "adults", "setting": "group"}


@pytest.fixture
def ctx() -> FakeContext:
    return FakeContext()


def register(ctx, **fields) -> dict:
    return create_therapist(
        ctx,
        {"last_name": "Testfeld", "email": "praxis@testfeld.example", **fields},
        ACTOR,
    )


def test_a_therapist_registered_by_hand_is_manual_active_and_published(ctx):
    row = register(ctx, languages=["tr", "en", "tr"], offers=[TP, VT, VT])
    assert (row["source"], row["status"], row["accepting_new_patients"]) == (
        "manual",
        "active",
        "unknown",
    )
    assert row["created_at"] == row["updated_at"] == row["status_changed_at"] == ctx.clock.now()
    assert row["languages"] == ["en", "tr"]
    assert row["offers"] == [TP, VT]
    assert row["practice_id"] == 1
    assert ctx.uow.changes.of(row["id"]) == [("status", None, "active", "staff", None)]
    assert ctx.uow.audit.actions() == [(row["id"], ACTOR, "created")]
    (created,) = ctx.uow.events.of(TherapistCreated)
    assert (created.therapist_id, created.has_email) == (row["id"], True)
    assert ctx.uow.commits == 1


def test_an_external_id_makes_it_a_116117_therapist_and_may_be_used_once(ctx):
    assert register(ctx, external_id="ext-1")["source"] == "arztsuche_116117"
    with pytest.raises(ExternalIdTaken) as refused:
        register(ctx, external_id="ext-1", last_name="Other")
    assert (refused.value.status, refused.value.code) == (409, "conflict")
    assert refused.value.message == "External id ext-1 is already in use."
    assert len(ctx.uow.therapists.rows) == 1
    assert ctx.uow.commits == 1


def test_an_edit_changes_only_the_sent_fields_and_records_each(ctx):
    therapist_id = register(ctx, city="Aachen", first_name="Miriam")["id"]
    ctx.clock.advance(hours=1)
    row = update_therapist(
        ctx, therapist_id, {"city": "Köln", "preferred_channel": "phone", "age_min": 18}, ACTOR
    )
    assert (row["city"], row["preferred_channel"], row["age_min"]) == ("Köln", "phone", 18)
    assert (row["first_name"], row["updated_at"]) == ("Miriam", ctx.clock.now())
    assert ctx.uow.changes.of(therapist_id)[1:] == [
        ("city", "Aachen", "Köln", "staff", None),
        ("preferred_channel", "email", "phone", "staff", None),
        ("age_min", None, 18, "staff", None),
    ]
    entry = ctx.uow.audit.entries[-1]
    assert (entry.action, entry.details["city"]) == ("updated", {"old": "Aachen", "new": "Köln"})
    (updated,) = ctx.uow.events.of(TherapistUpdated)
    assert updated.changed_fields == ["age_min", "city", "preferred_channel"]
    assert ctx.uow.commits == 2


def test_a_new_contact_moves_the_therapist_to_the_practice_that_has_it(ctx):
    first = register(ctx, phone="+492411111111", email="eins@praxis.example")
    second = register(ctx, phone="+492412222222", email="zwei@praxis.example")
    assert (first["practice_id"], second["practice_id"]) == (1, 2)
    row = update_therapist(ctx, second["id"], {"phone": "+492411111111"}, ACTOR)
    assert row["practice_id"] == 1
    assert ctx.uow.events.of(TherapistUpdated)[-1].changed_fields == ["phone"]


def test_an_edit_of_other_fields_keeps_the_practice(ctx):
    therapist_id = register(ctx)["id"]
    created = ctx.uow.practices.created
    update_therapist(ctx, therapist_id, {"city": "Bonn"}, ACTOR)
    assert ctx.uow.practices.created == created
    assert ctx.uow.therapists.rows[therapist_id]["practice_id"] == 1


def test_an_edit_that_changes_nothing_is_neither_recorded_nor_published(ctx):
    therapist_id = register(ctx, city="Aachen", languages=["en", "tr"], offers=[VT])["id"]
    row = update_therapist(
        ctx, therapist_id, {"city": "Aachen", "languages": ["tr", "en"], "offers": [VT, VT]}, ACTOR
    )
    assert row["city"] == "Aachen"
    assert len(ctx.uow.changes.rows) == 1
    assert ctx.uow.events.types() == ["therapist.created"]
    assert ctx.uow.commits == 1


def test_an_age_range_that_contradicts_the_stored_one_is_refused(ctx):
    therapist_id = register(ctx, age_max=30)["id"]
    with pytest.raises(AgeRangeInvalid) as refused:
        update_therapist(ctx, therapist_id, {"age_min": 40}, ACTOR)
    assert (refused.value.status, refused.value.code) == (422, "unprocessable_entity")
    assert refused.value.message == "age_min must not be greater than age_max."
    assert ctx.uow.therapists.rows[therapist_id]["age_min"] is None
    assert ctx.uow.commits == 1


def test_unknown_therapists_are_not_found_for_edit_read_and_history(ctx):
    for use_case in (
        lambda: update_therapist(ctx, 9, {"city": "X"}, ACTOR),
        lambda: get_therapist(ctx, 9),
        lambda: list_changes(ctx, 9, None, 0, 20),
    ):
        with pytest.raises(TherapistNotFound) as missing:
            use_case()
        assert missing.value.details == {"therapist_id": 9}
    assert ctx.uow.commits == 0


def test_the_history_lists_staff_edits_in_order_filtered_by_source(ctx):
    therapist_id = register(ctx)["id"]
    update_therapist(ctx, therapist_id, {"city": "Bonn"}, ACTOR)
    ctx.uow.changes.rows.append({**ctx.uow.changes.rows[0], "id": 99, "source": "import"})
    rows, total = list_changes(ctx, therapist_id, "staff", 0, 20)
    assert [(row["field"], row["new_value"]) for row in rows] == [
        ("status", "active"),
        ("city", "Bonn"),
    ]
    assert total == 2
    assert get_therapist(ctx, therapist_id)["city"] == "Bonn"


def test_a_practice_merge_publishes_the_new_practice_of_every_therapist_it_moved(ctx):
    """Issue 16 item 9: merging two practices changed the colleagues' practice_id without an
    event, so communication kept limiting outreach per the merged-away practice (this failed)."""
    first = register(ctx, phone="+492411111111", email="eins@praxis.example")
    second = register(ctx, phone="+492412222222", email="zwei@praxis.example")
    third = register(ctx, phone="+492412222222", email="eins@praxis.example")
    assert third["practice_id"] == first["practice_id"] == 1
    assert ctx.uow.therapists.rows[second["id"]]["practice_id"] == 1
    [moved] = ctx.uow.events.of(TherapistUpdated)
    assert (moved.therapist_id, moved.practice_id) == (second["id"], 1)
    assert moved.changed_fields == ["practice_id"]
