"""The geocoding event schemas: examples round-trip, keys name the subject, no personal data."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from shared.events import EVENT_EXAMPLES, EVENT_SCHEMAS, Envelope, parse_payload
from shared.events.geocoding import LocationFailed, LocationResolved

WHEN = datetime(2026, 11, 26, 9, 15, tzinfo=UTC)


@pytest.mark.parametrize("cls", [LocationResolved, LocationFailed])
def test_example_round_trips_through_the_envelope(cls):
    ident = (cls.event_type, cls.event_version)
    assert EVENT_SCHEMAS[ident] is cls
    event = cls.model_validate(EVENT_EXAMPLES[ident])
    raw = event.envelope("geocoding_service", WHEN).to_bytes()
    assert parse_payload(Envelope.from_bytes(raw)) == event


def test_key_is_the_subject():
    event = LocationFailed(subject_type="patient", subject_id=42, reason="not_found")
    assert event.key() == "patient:42"


def test_payload_carries_no_address():
    fields = set(LocationResolved.model_fields)
    assert fields == {"subject_type", "subject_id", "latitude", "longitude", "precision", "source"}


@pytest.mark.parametrize("bad", [{"latitude": 91}, {"precision": "city"}, {"subject_id": 0}])
def test_invalid_payloads_are_refused(bad):
    example = {**EVENT_EXAMPLES[(LocationResolved.event_type, 1)], **bad}
    with pytest.raises(ValidationError):
        LocationResolved.model_validate(example)
