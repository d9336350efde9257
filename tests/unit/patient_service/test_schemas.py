"""Request validation: every bad field is refused with a field-level message."""

from datetime import date

import pytest
from pydantic import ValidationError

from patient_service.api.patients import date_problems
from patient_service.api.schemas.lifecycle import StatusChange
from patient_service.api.schemas.patients import (
    PatientCreate,
    PatientListQuery,
    PatientUpdate,
    column_values,
)
from shared.http.errors import validation_details

VALID = {
    "first_name": "Anna",
    "last_name": "Muster",
    "gender": "female",
    "birth_date": "1990-05-01",
    "email": "Anna.Muster@Example.org",
    "phone": "0241 1234567",
    "address": {
        "street": "Lindenallee",
        "house_number": "12a",
        "postal_code": "52062",
        "city": "Aachen",
    },
    "insurance": {"type": "statutory", "insurer": "AOK", "number": "A123456789"},
    "symptoms": ["anxiety", "sleep_problems", "anxiety"],
    "availability": {"thu": ["14:00-18:00"], "mon": ["09:00-12:00"]},
    "consent": {"version": "2026-01", "given_at": "2026-01-02T10:00:00+01:00"},
}


def errors_of(model, data):
    with pytest.raises(ValidationError) as info:
        model.model_validate(data)
    return validation_details(info.value)


def with_(**changes):
    return {**VALID, **changes}


def test_valid_body_is_normalised():
    body = PatientCreate.model_validate(VALID)
    assert body.phone == "+492411234567"
    assert body.email == "Anna.Muster@example.org"
    assert body.symptoms == ["anxiety", "sleep_problems"]
    assert body.availability == {"mon": ["09:00-12:00"], "thu": ["14:00-18:00"]}


@pytest.mark.parametrize(
    "field,value",
    [
        ("address", {"postal_code": "5206", "city": "Aachen"}),
        ("address", {"postal_code": "52062a", "city": "Aachen"}),
        ("address", {"postal_code": 52062, "city": "Aachen"}),
        ("email", "not-an-address"),
        ("email", "anna@"),
        ("phone", "12"),
        ("phone", "hello"),
        ("phone", "+49 1"),
        ("birth_date", "1990-13-01"),
        ("birth_date", 631152000),
        ("gender", "other"),
        ("symptoms", ["sadness"]),
        ("availability", {"mon": ["12:00-09:00"]}),
        ("availability", {"mon": ["09:00-12:00", "11:00-13:00"]}),
        ("availability", {"someday": ["09:00-12:00"]}),
        ("availability", {"mon": ["9-12"]}),
        ("diagnosis_icd10", "depression"),
        ("insurance", {"type": "gkv"}),
        ("consent", {"given_at": "2026-01-02T10:00:00Z"}),
        ("consent", {"version": "", "given_at": "2026-01-02T10:00:00Z"}),
        ("consent", {"version": "v1", "given_at": "2026-01-02T10:00:00"}),
        ("preferences", {"max_distance_km": "25"}),
        ("preferences", {"procedures": ["XX"]}),
        ("preferences", {"languages": ["eng"]}),
        ("preferences", {"travel_mode": "plane"}),
        ("preferences", {"therapist_gender": "diverse"}),
        ("urgent", "yes"),
        ("exclusions", [0]),
        ("first_name", "   "),
        ("nickname", "Anni"),
    ],
)
def test_bad_field_is_refused_with_its_name(field, value):
    details = errors_of(PatientCreate, with_(**{field: value}))
    assert any(path == field or path.startswith(f"{field}.") for path in details), details


@pytest.mark.parametrize(
    "missing", ["first_name", "last_name", "gender", "birth_date", "address", "insurance"]
)
def test_required_fields(missing):
    data = dict(VALID)
    del data[missing]
    assert missing in errors_of(PatientCreate, data)


def test_dates_in_the_future_and_implausible_ages_are_problems():
    today = date(2026, 1, 5)
    future = PatientCreate.model_validate(with_(birth_date="2026-01-06"))
    assert date_problems(future, today)["birth_date"] == ["must not be in the future"]
    old = PatientCreate.model_validate(with_(birth_date="1900-01-01"))
    assert date_problems(old, today)["birth_date"] == ["age must be at most 120 years"]
    late = PatientCreate.model_validate(
        with_(consent={"version": "1", "given_at": "2026-01-06T10:00:00Z"})
    )
    assert date_problems(late, today)["consent.given_at"] == ["must not be in the future"]


def test_create_maps_to_flat_columns():
    values = column_values(PatientCreate.model_validate(VALID))
    assert values["postal_code"] == "52062" and values["insurance_type"] == "statutory"
    assert values["birth_date"] == date(1990, 5, 1)
    assert values["preferences"]["max_distance_km"] == 25.0
    assert values["urgent_flagged"] is False
    assert "consent" not in values


def test_patch_maps_only_the_fields_it_sets():
    body = PatientUpdate.model_validate(
        {"version": 2, "preferences": {"group_ok": True}, "email": None}
    )
    assert column_values(body) == {"preferences": {"group_ok": True}, "email": None}


def test_patch_refuses_null_for_required_fields_and_unknown_fields():
    assert "first_name" in errors_of(PatientUpdate, {"first_name": None})
    assert "status" in errors_of(PatientUpdate, {"status": "searching"})


def test_status_change_accepts_only_known_statuses():
    assert "status" in errors_of(StatusChange, {"status": "archived"})
    assert "version" in errors_of(StatusChange, {"status": "paused", "version": "3"})


def test_list_query_filters():
    query = PatientListQuery.model_validate(
        {"crisis": "true", "postal_code": "520", "status": "searching", "page": "2"}
    )
    assert query.crisis is True and query.offset == 20
    assert "postal_code" in errors_of(PatientListQuery, {"postal_code": "52a"})
    assert "colour" in errors_of(PatientListQuery, {"colour": "red"})


@pytest.mark.parametrize(
    "field,value",
    [
        ("first_name", "An\x00na"),
        ("last_name", "Mu\ud905ster"),
        ("salutation", "\x00"),
        ("email", "an\x00na@example.org"),
        ("phone", "0241\x00123"),
    ],
)
def test_text_postgresql_cannot_store_is_refused(field, value):
    assert field in errors_of(PatientCreate, with_(**{field: value}))


def test_consent_time_is_stored_in_utc_whatever_the_offset():
    body = PatientCreate.model_validate(
        with_(consent={"version": "1", "given_at": "2026-01-02T10:00:00+20:56"})
    )
    assert body.consent.given_at.utcoffset().total_seconds() == 0
    assert body.consent.given_at.isoformat() == "2026-01-01T13:04:00+00:00"


def test_list_query_refuses_nul_in_the_name_search():
    assert "q" in errors_of(PatientListQuery, {"q": "a\x00b"})
