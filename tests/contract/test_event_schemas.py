"""Every registered event schema round-trips its example through the envelope."""

import re
from datetime import UTC, datetime

import pytest

from shared.events import EVENT_EXAMPLES, EVENT_SCHEMAS, TOPICS, Envelope, parse_payload

FORBIDDEN_FIELDS = {
    "first_name",
    "last_name",
    "email",
    "phone",
    "insurance_number",
    "note",
    "street",
    "birth_date",
}


@pytest.mark.parametrize("ident", sorted(EVENT_SCHEMAS), ids=lambda i: f"{i[0]}.v{i[1]}")
def test_example_round_trips(ident):
    schema = EVENT_SCHEMAS[ident]
    event = schema.model_validate(EVENT_EXAMPLES[ident])
    envelope = event.envelope(
        schema.event_type.split(".")[0] + "_service", datetime(2026, 11, 26, tzinfo=UTC)
    )
    again = Envelope.from_bytes(envelope.to_bytes())
    assert parse_payload(again) == event
    assert re.fullmatch(r"[a-z_]+:\S+", event.key()), event.key()


@pytest.mark.parametrize("ident", sorted(EVENT_SCHEMAS), ids=lambda i: f"{i[0]}.v{i[1]}")
def test_payloads_carry_no_personal_fields(ident):
    assert not FORBIDDEN_FIELDS & set(EVENT_SCHEMAS[ident].model_fields)


def test_event_names_follow_aggregate_dot_past_tense():
    for event_type, _ in EVENT_SCHEMAS:
        aggregate, _, verb = event_type.partition(".")
        assert aggregate and verb and verb == verb.lower(), event_type


def test_every_service_has_one_topic():
    assert len(set(TOPICS.values())) == 6


def test_placement_requests_created_is_one_patients_and_keyed_by_the_patient():
    """Issue 16, item 2: the created event is keyed by its patient (failed before: the key was
    `matching_run:12`); an event written before `patient_id` existed still parses, keyed by
    its run; an event naming a patient cannot carry another patient's request."""
    from shared.events.matching import PlacementRequestsCreated

    ident = (PlacementRequestsCreated.event_type, PlacementRequestsCreated.event_version)
    example = EVENT_EXAMPLES[ident]
    assert PlacementRequestsCreated.model_validate(example).key() == "patient:42"
    older = {name: value for name, value in example.items() if name != "patient_id"}
    assert PlacementRequestsCreated.model_validate(older).key() == "matching_run:12"
    other = {**example["requests"][0], "placement_request_id": 502, "patient_id": 43}
    with pytest.raises(ValueError, match="event's patient"):
        PlacementRequestsCreated.model_validate(
            {**example, "requests": [*example["requests"], other]}
        )
