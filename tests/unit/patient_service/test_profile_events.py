"""The matching profile in events: pseudonymous, rounded, age instead of birth date."""

import json
from datetime import UTC, date, datetime

import pytest

from patient_service.domain.dates import local_today
from patient_service.domain.profile import changed_profile_fields
from patient_service.store.events import patient_event
from shared.events import parse_payload

NOW = datetime(2026, 3, 10, 23, 30, tzinfo=UTC)  # already 11 March in Berlin
ROW = {
    "id": 42,
    "status": "searching",
    "birth_date": date(1990, 3, 11),
    "gender": "female",
    "postal_code": "52062",
    "latitude": 50.776649,
    "longitude": 6.085432,
    "location_status": "resolved",
    "location_precision": "street",
    "insurance_type": "statutory",
    "preferences": {"procedures": ["VT"], "languages": ["en"]},
    "availability": {"mon": ["09:00-12:00"]},
    "exclusions": [7],
    "urgent": True,
    "symptoms": ["suicidal_thoughts", "depressed_mood"],
    "search_started_at": datetime(2026, 3, 1, tzinfo=UTC),
    "first_name": "Anna",
    "last_name": "Muster",
    "email": "anna@example.org",
    "phone": "+492411234567",
    "street": "Lindenallee",
    "insurance_number": "A123456789",
    "diagnosis_icd10": "F32.1",
}
PII = [
    "Anna",
    "Muster",
    "anna@example.org",
    "+492411234567",
    "Lindenallee",
    "A123456789",
    "F32.1",
    "1990-03-11",
    "suicidal_thoughts",
]


def test_search_started_carries_the_profile_without_personal_data():
    event = patient_event("search_started", ROW, NOW)
    envelope = event.envelope("patient_service", NOW)
    text = json.dumps(envelope.to_dict())
    assert [p for p in PII if p in text] == []
    payload = envelope.payload
    assert payload["age"] == 36  # birthday is today in Berlin
    assert (payload["latitude"], payload["longitude"]) == (50.777, 6.085)
    assert payload["complaint_groups"] == ["mood", "crisis"]
    assert payload["urgent"] is True and payload["insurance_type"] == "statutory"
    assert event.key() == "patient:42"
    assert parse_payload(envelope) == event


def test_preferences_get_their_defaults_in_the_event():
    prefs = patient_event("registered", ROW, NOW).model_dump()["preferences"]
    assert prefs["max_distance_km"] == 25.0 and prefs["therapist_gender"] == "any"


def test_placed_needs_therapist_and_time():
    event = patient_event(
        "placed", ROW, NOW, therapist_id=7, placed_at=NOW, placement_request_id=501
    )
    assert event.event_type == "patient.placed" and event.therapist_id == 7
    with pytest.raises(ValueError):
        patient_event("placed", ROW, NOW)


def test_local_today_is_the_german_date():
    assert local_today(NOW) == date(2026, 3, 11)


def test_changed_profile_fields_ignore_contact_data():
    assert changed_profile_fields(["email", "phone", "first_name"]) == []
    assert changed_profile_fields(["latitude", "location_status", "symptoms"]) == [
        "complaint_groups",
        "location",
    ]
