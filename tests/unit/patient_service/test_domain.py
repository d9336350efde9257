"""Pure rules: the state machine, completeness, ages, crisis, versions."""

from dataclasses import replace
from datetime import date
from itertools import product

import pytest

from patient_service.domain.cases import CaseFacts, missing_for_search
from patient_service.domain.changes import field_changes
from patient_service.domain.dates import age_on, birth_date_problems
from patient_service.domain.errors import TransitionRefused
from patient_service.domain.profile import round_coordinate
from patient_service.domain.statuses import (
    STATUSES,
    TRANSITIONS,
    check_transition,
    transition_event,
)
from patient_service.domain.symptoms import crisis_codes, is_urgent, is_valid_icd10
from patient_service.domain.versions import parse_version
from shared.patient_vocabulary import PatientStatus
from shared.vocabulary import values

ALLOWED = {
    ("registered", "searching"),
    ("searching", "paused"),
    ("paused", "searching"),
    ("searching", "placed"),
    ("placed", "in_therapy"),
    ("in_therapy", "completed"),
    ("searching", "cancelled"),
    ("paused", "cancelled"),
}
PAIRS = list(product(STATUSES, STATUSES))


def test_domain_statuses_mirror_the_shared_vocabulary():
    assert STATUSES == values(PatientStatus)
    assert set(TRANSITIONS) == set(values(PatientStatus))


@pytest.mark.parametrize("current,target", sorted(ALLOWED))
def test_allowed_transition_passes(current, target):
    check_transition(current, target)


@pytest.mark.parametrize("current,target", [p for p in PAIRS if p not in ALLOWED])
def test_every_other_transition_is_refused(current, target):
    with pytest.raises(TransitionRefused):
        check_transition(current, target)


def test_unknown_status_allows_nothing():
    with pytest.raises(TransitionRefused):
        check_transition("archived", "searching")


@pytest.mark.parametrize(
    "current,target,event",
    [
        ("registered", "searching", "search_started"),
        ("paused", "searching", "search_resumed"),
        ("searching", "paused", "search_paused"),
        ("searching", "cancelled", "search_cancelled"),
        ("paused", "cancelled", "search_cancelled"),
        ("searching", "placed", "placed"),
        ("placed", "in_therapy", "updated"),
        ("in_therapy", "completed", "updated"),
    ],
)
def test_each_transition_names_its_event(current, target, event):
    assert transition_event(current, target) == event


COMPLETE = CaseFacts(
    first_name="Anna",
    last_name="Muster",
    birth_date=date(1990, 5, 1),
    gender="female",
    email="anna@example.org",
    phone=None,
    postal_code="52062",
    city="Aachen",
    insurance_type="statutory",
    insurance_number="A123456789",
    symptoms=("anxiety",),
    consent_given=True,
    consent_withdrawn=False,
    initial_consultation_date=date(2026, 1, 2),
    initial_consultation_waived=False,
    location_status="resolved",
)


def test_complete_case_misses_nothing():
    assert missing_for_search(COMPLETE) == {}


@pytest.mark.parametrize(
    "change,field",
    [
        ({"first_name": ""}, "first_name"),
        ({"birth_date": None}, "birth_date"),
        ({"email": None}, "contact"),
        ({"insurance_number": None}, "insurance.number"),
        ({"symptoms": ()}, "symptoms"),
        ({"consent_given": False}, "consent"),
        ({"consent_withdrawn": True}, "consent"),
        ({"initial_consultation_date": None}, "initial_consultation_date"),
        ({"location_status": "pending"}, "location"),
        ({"location_status": "failed"}, "location"),
        ({"city": None}, "address.city"),
    ],
)
def test_incomplete_case_names_the_missing_field(change, field):
    assert field in missing_for_search(replace(COMPLETE, **change))


def test_phone_alone_is_enough_contact_and_waiver_replaces_the_consultation():
    case = replace(
        COMPLETE,
        email=None,
        phone="+492411234567",
        initial_consultation_date=None,
        initial_consultation_waived=True,
    )
    assert missing_for_search(case) == {}


def test_private_patients_need_no_insurance_number():
    assert (
        missing_for_search(replace(COMPLETE, insurance_type="private", insurance_number=None)) == {}
    )


def test_withdrawn_consent_and_failed_location_give_clear_reasons():
    missing = missing_for_search(
        replace(COMPLETE, consent_withdrawn=True, location_status="failed")
    )
    assert missing["consent"] == "consent was withdrawn"
    assert "could not be located" in missing["location"]


@pytest.mark.parametrize(
    "birth,today,age",
    [
        (date(2000, 3, 10), date(2026, 3, 9), 25),
        (date(2000, 3, 10), date(2026, 3, 10), 26),
        (date(2004, 2, 29), date(2026, 2, 28), 21),
        (date(2026, 1, 1), date(2026, 1, 1), 0),
    ],
)
def test_age_counts_completed_years(birth, today, age):
    assert age_on(birth, today) == age


def test_birth_date_must_not_lie_ahead_and_age_is_plausible():
    today = date(2026, 1, 5)
    assert birth_date_problems(date(2026, 1, 6), today) == ["must not be in the future"]
    assert birth_date_problems(date(2026, 1, 5), today) == []
    assert birth_date_problems(date(1905, 1, 6), today) == []
    assert birth_date_problems(date(1905, 1, 5), today) == ["age must be at most 120 years"]


@pytest.mark.parametrize(
    "code,ok",
    [
        ("F32", True),
        ("F32.1", True),
        ("F43.10", True),
        ("f32.1", False),
        ("F3", False),
        ("F32.", False),
        ("32.1", False),
        ("F32.12345", False),
    ],
)
def test_icd10_shape(code, ok):
    assert is_valid_icd10(code) is ok


def test_crisis_symptoms_make_a_case_urgent():
    crisis = {"suicidal_thoughts", "self_harm"}
    assert is_urgent(["anxiety", "self_harm"], crisis, flagged=False)
    assert not is_urgent(["anxiety"], crisis, flagged=False)
    assert is_urgent(["anxiety"], crisis, flagged=True)
    assert crisis_codes(["suicidal_thoughts", "anxiety"], crisis) == ["suicidal_thoughts"]


@pytest.mark.parametrize(
    "header,version", [(None, None), ("", None), ("3", 3), ('"3"', 3), ('W/"12"', 12)]
)
def test_if_match_carries_the_version(header, version):
    assert parse_version(header) == version


@pytest.mark.parametrize("header", ["abc", "*", '"3', "1234567890"])
def test_malformed_if_match_is_refused(header):
    with pytest.raises(ValueError):
        parse_version(header)


def test_field_changes_lists_old_and_new_values_only_for_changes():
    assert field_changes({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": None}) == {"b": [2, 3]}


def test_coordinates_are_rounded_to_about_100_metres():
    assert round_coordinate(50.776649) == 50.777
    assert round_coordinate(None) is None
