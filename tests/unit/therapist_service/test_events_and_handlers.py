"""Event schemas the service speaks, its handler registry and the profile it publishes."""

from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError

from shared.events.communication import TherapistResponseRecorded
from shared.events.scraping import RECORD_EXAMPLE, TherapistChanged, TherapistRecord
from shared.events.therapist import TherapistUpdated
from therapist_service.handlers import REACTIONS, build_handlers
from therapist_service.services.imports import source_values
from therapist_service.store.events import profile


def test_every_consumed_event_type_has_a_handler():
    assert set(REACTIONS) == {
        "scraping.therapist_discovered",
        "scraping.therapist_changed",
        "scraping.therapist_disappeared",
        "scraping.run_completed",
        "communication.therapist_response_recorded",
    }
    assert set(build_handlers(object())) == set(REACTIONS)


def test_scraper_record_must_be_normalised():
    with pytest.raises(ValidationError):
        TherapistRecord.model_validate({**RECORD_EXAMPLE, "phone": "0241 1234567"})
    with pytest.raises(ValidationError):
        TherapistRecord.model_validate({**RECORD_EXAMPLE, "phone_hours": {"mo": ["8:00-9"]}})


def test_source_values_hold_only_source_fields_as_sorted_sets():
    record = TherapistRecord.model_validate({**RECORD_EXAMPLE, "languages": ["tr", "en", "tr"]})
    values = source_values(record)
    assert "statutory_licence" not in values and "external_id" not in values
    assert values["languages"] == ["en", "tr"]
    assert [o["setting"] for o in values["offers"]] == ["group", "individual"]


def test_changed_event_keeps_the_field_diff():
    event = TherapistChanged.model_validate(
        {
            "external_id": "x",
            "import_run_id": 2,
            "record": RECORD_EXAMPLE,
            "changes": [{"field": "city", "old": "A", "new": "B"}],
        }
    )
    assert event.key() == "external_therapist:x"
    assert event.changes[0].new == "B"


def test_response_has_no_free_text_and_needs_known_outcomes():
    with pytest.raises(ValidationError):
        TherapistResponseRecorded.model_validate(
            {
                "therapist_id": 1,
                "response_id": 1,
                "channel": "fax",
                "recorded_at": datetime.now(UTC),
                "outcomes": [{"placement_request_id": 1, "patient_id": 1, "outcome": "maybe"}],
            }
        )


def test_published_profile_has_no_contact_data():
    row = {
        **RECORD_EXAMPLE,
        "id": 7,
        "practice_id": None,
        "accepting_new_patients": "no",
        "capacity_as_of": date(2026, 11, 20),
        "age_min": None,
        "age_max": None,
        "patient_genders": [],
        "prefers_group": False,
        "status": "active",
        "preferred_channel": "email",
        "opted_out": False,
    }
    payload = TherapistUpdated.model_validate({**profile(row), "changed_fields": ["city"]})
    dumped = payload.model_dump(mode="json")
    assert dumped["has_email"] is True and dumped["therapist_id"] == 7
    assert not {"email", "phone", "last_name", "street", "fax"} & set(dumped)
