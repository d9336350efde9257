"""Request schemas: normalised contact data, field-level errors, storable text, vocabulary."""

import importlib.util
from pathlib import Path

import pytest
from pydantic import ValidationError

from shared import vocabulary as v
from therapist_service.api.schemas.lifecycle import StatusUpdate
from therapist_service.api.schemas.queries import TherapistListQuery
from therapist_service.api.schemas.therapists import TherapistCreate, TherapistUpdate

ROOT = Path(__file__).resolve().parents[3]


def errors(model, data) -> dict[str, str]:
    with pytest.raises(ValidationError) as info:
        model.model_validate(data)
    return {".".join(map(str, e["loc"])): e["msg"] for e in info.value.errors()}


def test_contact_data_is_normalised():
    body = TherapistCreate.model_validate(
        {
            "last_name": "Testfeld",
            "phone": "(0241) 123 4567",
            "fax": "+49 241 1234568",
            "email": "A@B.DE",
        }
    )
    assert (body.phone, body.fax, body.email) == ("+492411234567", "+492411234568", "a@b.de")


def test_invalid_values_are_reported_per_field():
    found = errors(
        TherapistCreate,
        {
            "last_name": "X",
            "phone": "12345",
            "email": "nope",
            "languages": ["Englisch"],
            "age_min": -1,
            "consultation_hours": {"xyz": ["09:00-10:00"]},
        },
    )
    assert {"phone", "email", "languages.0", "age_min", "consultation_hours"} <= set(found)


def test_text_that_postgresql_cannot_store_is_refused():
    assert "last_name" in errors(TherapistCreate, {"last_name": "a\x00b"})
    assert "city" in errors(TherapistUpdate, {"city": "\ud800"})


def test_update_refuses_null_for_required_fields_and_single_coordinates():
    assert errors(TherapistUpdate, {"offers": None})
    assert errors(TherapistUpdate, {"latitude": 50.0})
    assert TherapistUpdate.model_validate({"email": None}).model_fields_set == {"email"}


def test_query_needs_both_coordinates_and_rejects_unknown_parameters():
    assert errors(TherapistListQuery, {"near_lat": "50"})
    assert errors(TherapistListQuery, {"procedur": "VT"})
    near = TherapistListQuery.model_validate({"near_lat": "50", "near_lon": "6"}).filters().near
    assert (near.lat, near.lon, near.radius_km) == (50.0, 6.0, 25.0)


def test_a_block_needs_a_reason():
    assert errors(StatusUpdate, {"status": "blocked"})
    assert StatusUpdate.model_validate({"status": "active"}).reason is None


def test_migration_check_constraints_equal_the_vocabulary():
    path = ROOT / "migrations/therapist_service/versions/0002_therapists.py"
    spec = importlib.util.spec_from_file_location("therapist_0002", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    assert migration.CAPACITIES == v.values(v.Capacity)
    assert migration.CHANNELS == tuple(v.CONTACT_CHANNELS)  # preferred channel: no `link`
    assert migration.STATUSES == v.values(v.TherapistStatus)
    assert migration.GENDERS == v.values(v.Gender)
    assert migration.SOURCES == v.values(v.TherapistSource)
