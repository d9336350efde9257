"""REST: create, read, patch, status, capacity, changes; 4xx with field-level messages."""

import pytest
from integration.therapist_service.helpers import (
    changes_of,
    new_therapist,
    outbox_events,
    therapist_row,
)
from support.tokens import token_for

SECRET = "therapist-test-secret-therapist-test-secret"

pytestmark = pytest.mark.integration


def test_created_therapist_is_normalised_stored_audited_and_published(client, staff, ctx):
    body = new_therapist(
        client,
        staff,
        email=" Praxis@Example.ORG ",
        languages=["tr", "en", "en"],
        website="www.praxis.example",
        phone_hours={"wed": ["14:00-14:50"], "mon": ["08:00-08:50"]},
    )
    assert body["phone"] == "+492411234567"
    assert body["email"] == "praxis@example.org"
    assert body["website"] == "https://www.praxis.example"
    assert body["languages"] == ["en", "tr"]
    assert list(body["phone_hours"]) == ["mon", "wed"]
    assert body["status"] == "active" and body["source"] == "manual"
    assert body["accepting_new_patients"] == "unknown"
    fetched = client.get(f"/api/therapists/{body['id']}", headers=staff).json
    assert fetched == body
    events = outbox_events(ctx, body["id"])
    assert [e["event_type"] for e in events] == ["therapist.created"]
    payload = events[0]["payload"]
    assert payload["has_email"] is True and "email" not in payload and "last_name" not in payload


def test_bad_input_gets_400_with_field_level_messages(client, staff):
    response = client.post(
        "/api/therapists",
        headers=staff,
        json={
            "last_name": "",
            "phone": "12",
            "postal_code": "5206",
            "phone_hours": {"mon": ["09:00-12:00", "11:00-13:00"]},
            "offers": [{"procedure": "XX", "age_group": "adults", "setting": "individual"}],
            "unexpected": 1,
        },
    )
    assert response.status_code == 400
    details = response.json["error"]["details"]
    for field in (
        "last_name",
        "phone",
        "postal_code",
        "phone_hours",
        "offers.0.procedure",
        "unexpected",
    ):
        assert field in details, (field, details)
    assert "overlaps" in " ".join(details["phone_hours"])


def test_non_json_and_lonely_coordinates_are_refused(client, staff):
    assert client.post("/api/therapists", data="x", headers=staff).status_code == 415
    response = client.post(
        "/api/therapists", headers=staff, json={"last_name": "X", "latitude": 50.0}
    )
    assert response.status_code == 400


def test_duplicate_external_id_is_a_conflict(client, staff, token_word):
    new_therapist(client, staff, external_id=token_word)
    response = client.post(
        "/api/therapists", headers=staff, json={"last_name": "Other", "external_id": token_word}
    )
    assert response.status_code == 409
    assert response.json["error"]["code"] == "conflict"


def test_unknown_and_absurd_ids_are_404(client, staff):
    for therapist_id in (999999999, 10**30):
        response = client.get(f"/api/therapists/{therapist_id}", headers=staff)
        assert response.status_code == 404, response.json
        assert (
            client.get(f"/api/therapists/{therapist_id}/changes", headers=staff).status_code == 404
        )


def test_patch_changes_only_sent_fields_records_and_publishes(client, staff, ctx):
    therapist = new_therapist(client, staff)
    response = client.patch(
        f"/api/therapists/{therapist['id']}",
        headers=staff,
        json={"city": "Köln", "preferred_channel": "phone", "age_min": 18},
    )
    assert response.status_code == 200, response.json
    assert response.json["city"] == "Köln" and response.json["first_name"] == "Miriam"
    fields = {c[0] for c in changes_of(ctx, therapist["id"]) if c[3] == "staff"}
    assert {"city", "preferred_channel", "age_min"} <= fields
    updated = outbox_events(ctx, therapist["id"])[-1]
    assert updated["event_type"] == "therapist.updated"
    assert updated["payload"]["changed_fields"] == ["age_min", "city", "preferred_channel"]


def test_patch_refuses_nulls_and_contradictions(client, staff):
    therapist = new_therapist(client, staff, age_max=30)
    url = f"/api/therapists/{therapist['id']}"
    assert client.patch(url, headers=staff, json={"last_name": None}).status_code == 400
    response = client.patch(url, headers=staff, json={"age_min": 40})
    assert response.status_code == 422
    assert (
        client.patch("/api/therapists/999999999", headers=staff, json={"city": "X"}).status_code
        == 404
    )


def test_block_needs_a_reason_and_unblock_is_published(client, staff, ctx):
    therapist = new_therapist(client, staff)
    url = f"/api/therapists/{therapist['id']}/status"
    assert client.put(url, headers=staff, json={"status": "blocked"}).status_code == 400
    blocked = client.put(url, headers=staff, json={"status": "blocked", "reason": "rude"})
    assert blocked.json["status"] == "blocked" and blocked.json["block_reason"] == "rude"
    active = client.put(url, headers=staff, json={"status": "active"})
    assert active.json["status"] == "active" and active.json["block_reason"] is None
    types = [e["event_type"] for e in outbox_events(ctx, therapist["id"])]
    assert types == ["therapist.created", "therapist.blocked", "therapist.unblocked"]
    assert "rude" not in str(outbox_events(ctx, therapist["id"]))


def test_inactive_therapist_cannot_be_blocked(client, staff):
    therapist = new_therapist(client, staff)
    url = f"/api/therapists/{therapist['id']}/status"
    assert client.put(url, headers=staff, json={"status": "inactive"}).status_code == 200
    response = client.put(url, headers=staff, json={"status": "blocked", "reason": "x"})
    assert response.status_code == 409


def test_capacity_is_stored_with_its_date_and_published(client, staff, ctx):
    therapist = new_therapist(client, staff)
    url = f"/api/therapists/{therapist['id']}/capacity"
    response = client.put(
        url, headers=staff, json={"accepting_new_patients": "yes", "as_of": "2026-11-20"}
    )
    assert response.json["accepting_new_patients"] == "yes"
    assert response.json["capacity_as_of"] == "2026-11-20"
    event = outbox_events(ctx, therapist["id"])[-1]
    assert event["event_type"] == "therapist.capacity_changed"
    assert event["payload"] == {
        "therapist_id": therapist["id"],
        "accepting_new_patients": "yes",
        "as_of": "2026-11-20",
        "source": "staff",
    }
    assert (
        client.put(url, headers=staff, json={"accepting_new_patients": "maybe"}).status_code == 400
    )


def test_change_history_lists_staff_edits_in_order(client, staff, ctx):
    therapist = new_therapist(client, staff)
    client.patch(f"/api/therapists/{therapist['id']}", headers=staff, json={"city": "Bonn"})
    body = client.get(f"/api/therapists/{therapist['id']}/changes?source=staff", headers=staff).json
    assert [(c["field"], c["new_value"]) for c in body["items"]] == [
        ("status", "active"),
        ("city", "Bonn"),
    ]
    assert body["total"] == 2
    assert therapist_row(ctx, therapist["id"])["city"] == "Bonn"


def test_idempotency_key_replays_the_first_answer(client, staff, token_word):
    headers = {**staff, "Idempotency-Key": token_word}
    body = {"last_name": token_word}
    first = client.post("/api/therapists", json=body, headers=headers)
    again = client.post("/api/therapists", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json["id"] == first.json["id"]
    assert again.headers.get("Idempotent-Replayed") == "true"


def test_service_role_may_read_but_not_write(client, staff):
    therapist = new_therapist(client, staff)
    token = token_for(SECRET, "matching", "service")
    service = {"Authorization": f"Bearer {token}"}
    assert client.get(f"/api/therapists/{therapist['id']}", headers=service).status_code == 200
    assert (
        client.post("/api/therapists", json={"last_name": "X"}, headers=service).status_code == 403
    )
