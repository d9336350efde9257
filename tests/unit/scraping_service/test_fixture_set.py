"""The fixture set normalises to the checked-in expected output, and covers every problem."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scraping_service.clients.listings import normalise_item

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "arztsuche"
EXPECTED = json.loads((FIXTURES / "expected_normalised.json").read_text(encoding="utf-8"))
FILES = sorted(EXPECTED)


def _items(name: str) -> list:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))["arztPraxisDatas"]


def _by_id() -> dict[str, dict]:
    return {e["external_id"]: e for f in FILES for e in EXPECTED[f] if e["external_id"]}


@pytest.mark.parametrize("name", FILES)
def test_every_fixture_item_normalises_to_the_expected_output(name):
    for index, item in enumerate(_items(name)):
        verdict = normalise_item(item)
        expected = EXPECTED[name][index]
        record = verdict.record.model_dump(mode="json") if verdict.record else None
        assert (verdict.external_id, record) == (expected["external_id"], expected["record"])
        assert list(verdict.reasons) == expected["reasons"]
        assert list(verdict.warnings) == expected["warnings"]


def test_the_set_has_over_fifty_practices_in_both_tsz_shapes():
    items = [i for f in FILES for i in _items(f) if isinstance(i, dict)]
    days = [d for i in items for d in i.get("tsz") or []]
    accepted = [e for f in FILES for e in EXPECTED[f] if e["record"]]
    assert len(items) >= 50 and len(accepted) >= 50
    assert any("tszDesTyps" in d for d in days) and any("typTsz" in d for d in days)


def test_every_imported_practice_has_a_statutory_licence_and_e164_phones():
    for entry in _by_id().values():
        record = entry["record"]
        if record:
            assert record["statutory_licence"] is True
            assert all(p is None or p.startswith("+49") for p in (record["phone"], record["fax"]))


def test_rejected_records_are_rejected_with_their_reasons():
    rejected = {
        e["external_id"]: e["reasons"] for f in FILES for e in EXPECTED[f] if not e["record"]
    }
    assert "rj-surname-null" not in rejected  # "Null" is a real surname
    assert rejected["rj-no-name"] == ["name: no last name (missing or blank)"]
    assert rejected["rj-no-plz"] == ["plz: missing or not five digits"]
    assert rejected["rj-bad-plz"] == ["plz: missing or not five digits"]
    assert rejected["rj-no-location"] == ["address: neither coordinates nor a street to geocode"]
    assert len(rejected) == 5  # the id-less and the non-object items share the key None


@pytest.mark.parametrize(
    ("external_id", "field", "value"),
    [
        ("dq-missing-city", "city", None),
        ("dq-city-null", "city", None),
        ("dq-hyphen-spaces", "last_name", "Tietz-Roder"),
        ("dq-hyphen-spaces", "first_name", "Anna-Lena"),
        ("dq-hyphen-spaces", "title", "Dipl.-Psych."),
        ("dq-particle-von", "last_name", "von Bergen"),
        ("dq-particle-von", "title", "Dr. med."),
        ("dq-particle-van", "last_name", "van Dijk"),
        ("dq-particle-van", "first_name", "Jan"),
        ("dq-particle-de", "last_name", "de Vries"),
        ("dq-title-only-in-name", "title", "Dr. phil."),
        ("dq-fg-objects", "gender", "female"),
        ("dq-bad-phone", "phone", None),
        ("dq-bad-phone", "fax", "+49241123459"),
        ("dq-phone-from-mobile", "phone", "+491712345678"),
        ("dq-uppercase-email", "email", "praxis.kuehn@psychotherapie-aachen.de"),
        ("dq-bad-email", "email", None),
        ("dq-website-no-scheme", "website", "https://www.psychotherapie-lorenz.de"),
        ("dq-website-http", "website", "http://praxis-hartmann.de/kontakt"),
        ("dq-website-garbage", "website", None),
        ("dq-languages", "languages", ["en", "tr"]),
        ("dq-barrier-free-hints", "barrier_free", True),
        ("dq-plz-lost-zero", "postal_code", "01067"),
        ("dq-street-with-number", "street", "Theaterstraße"),
        ("dq-street-with-number", "house_number", "14a"),
        ("dq-zero-coordinates", "latitude", None),
        (
            "dq-multi-ranges",
            "phone_hours",
            {"mon": ["08:00-09:15", "12:30-13:00"], "thu": ["14:00-14:50", "18:00-18:30"]},
        ),
        (
            "dq-multi-ranges",
            "consultation_hours",
            {"mon": ["09:00-12:00", "14:00-17:00"], "thu": ["08:00-09:00"]},
        ),
    ],
)
def test_data_quality_problems_are_normalised(external_id, field, value):
    assert _by_id()[external_id]["record"][field] == value


def test_one_practice_under_two_people_stays_two_records_with_the_same_contacts():
    first, second = (_by_id()[f"dq-shared-practice-{n}"]["record"] for n in (1, 2))
    assert first["last_name"] != second["last_name"]
    assert (first["email"], first["phone"]) == (second["email"], second["phone"])


def test_mixed_psy_strings_become_every_combination_they_name():
    offers = _by_id()["dq-psy-mixed"]["record"]["offers"]
    assert {(o["procedure"], o["age_group"], o["setting"]) for o in offers} == {
        ("TP", "adults", "individual"),
        ("AP", "adults", "individual"),
        ("ST", "adults", "group"),
        ("ST", "children_adolescents", "group"),
    }


def test_a_practice_whose_person_is_called_null_is_imported_like_any_other():
    """Failed before this change: the surname "Null" was read as a placeholder and the
    practice was rejected (rj-surname-null) or imported without a surname."""
    for external_id in ("rj-surname-null", "dq-surname-null-person"):
        record = _by_id()[external_id]["record"]
        assert record is not None and record["last_name"] == "Null"
