"""The event envelope round-trips and rejects what is not an envelope."""

from datetime import UTC, datetime

import pytest

from shared.events.envelope import DomainEvent, Envelope, EnvelopeError, format_timestamp


class SampleHappened(DomainEvent):
    event_type = "sample.happened"
    aggregate = "sample"
    aggregate_id_field = "sample_id"
    sample_id: int
    note: str = ""


def test_envelope_round_trips_through_bytes():
    event = SampleHappened(sample_id=42, note="x")
    env = event.envelope("patient_service", datetime(2026, 11, 26, 9, 15, 2, 123456, tzinfo=UTC))
    again = Envelope.from_bytes(env.to_bytes())
    assert again.to_dict() == env.to_dict()
    assert again.to_dict()["occurred_at"] == "2026-11-26T09:15:02.123Z"
    assert event.key() == "sample:42"


def test_unknown_fields_are_ignored_by_consumers():
    raw = (
        b'{"event_id":"e","event_type":"a.b","event_version":1,"occurred_at":"2026-11-26T09:15:'
        b'02.123Z","producer":"p","payload":{},"new_field":1}'
    )
    assert Envelope.from_bytes(raw).event_type == "a.b"


@pytest.mark.parametrize("raw", [b"", b"not json", b"[]", b'{"event_type": "x"}', None])
def test_garbage_is_an_envelope_error(raw):
    with pytest.raises(EnvelopeError):
        Envelope.from_bytes(raw)


def test_naive_timestamps_are_treated_as_utc():
    assert format_timestamp(datetime(2026, 1, 1, 0, 0)) == "2026-01-01T00:00:00.000Z"
