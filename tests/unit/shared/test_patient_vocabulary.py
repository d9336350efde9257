"""The patient vocabulary: stored values and one consistent symptom catalogue."""

from shared import patient_vocabulary as pv
from shared.vocabulary import values


def test_values_match_the_domain_vocabulary():
    assert values(pv.PatientStatus) == (
        "registered",
        "searching",
        "paused",
        "placed",
        "in_therapy",
        "completed",
        "cancelled",
    )
    assert values(pv.InsuranceType) == ("statutory", "private", "self_pay")
    assert values(pv.TravelMode) == ("car", "public_transport", "bicycle", "walk")
    assert values(pv.TherapistGenderWish) == ("any", "female", "male")
    assert values(pv.LocationStatus) == ("pending", "resolved", "failed")


def test_every_symptom_code_has_exactly_one_catalogue_entry():
    assert set(pv.SYMPTOMS) == set(pv.Symptom)
    assert all(info.code == code for code, info in pv.SYMPTOMS.items())
    assert all(info.label_de.strip() for info in pv.SYMPTOMS.values())


def test_only_suicidal_thoughts_and_self_harm_raise_the_crisis_flag():
    assert pv.CRISIS_SYMPTOMS == {"suicidal_thoughts", "self_harm"}
    assert pv.crisis_symptoms(["anxiety", "self_harm"]) == ["self_harm"]


def test_complaint_groups_are_coarse_ordered_and_skip_unknown_codes():
    groups = pv.complaint_groups(["sleep_problems", "depressed_mood", "exhaustion", "nope"])
    assert groups == ["mood", "sleep"]


def test_catalogue_rows_are_json_ready():
    rows = pv.catalogue()
    assert len(rows) == len(pv.Symptom)
    assert {
        "code": "self_harm",
        "label_de": "Selbstverletzendes Verhalten",
        "group": "crisis",
        "crisis": True,
    } in rows
