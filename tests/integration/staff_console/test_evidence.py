"""Nachweis §13 Abs. 3 SGB V: the printable record of every practice contacted for a patient."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
import requests
from support.console import url

pytestmark = pytest.mark.integration

PATIENT = {
    "id": 7,
    "status": "searching",
    "salutation": "Frau",
    "first_name": "Mira",
    "last_name": "Muster",
    "birth_date": "1990-05-04",
    "insurance": {"type": "statutory", "insurer": "AOK Nordost", "number": "A123456789"},
    "search_started_at": "2026-10-01T08:00:00+00:00",
    "erased_at": None,
}
COMMUNICATIONS = {
    "patient_id": 7,
    "requests": [
        {"placement_request_id": 101, "patient_id": 7, "therapist_id": 15, "state": "closed"},
        {"placement_request_id": 102, "patient_id": 7, "therapist_id": 16, "state": "closed"},
        {"placement_request_id": 103, "patient_id": 7, "therapist_id": 17, "state": "in_email"},
    ],
    "emails": [
        {
            "id": 1,
            "recipient": "therapist",
            "therapist_id": 15,
            "state": "sent",
            "sent_at": "2026-10-02T09:00:00+00:00",
            "placement_request_ids": [101, 900],  # 900: another patient's request
        },
        {
            "id": 2,
            "recipient": "therapist",
            "therapist_id": 17,
            "state": "queued",
            "sent_at": None,
            "placement_request_ids": [103],
        },
        {
            "id": 3,
            "recipient": "patient",
            "patient_id": 7,
            "state": "sent",
            "sent_at": "2026-10-03T09:00:00+00:00",
            "placement_request_ids": [],
        },
    ],
    "calls": [
        {
            "id": 5,
            "therapist_id": 16,
            "state": "completed",
            "completed_at": "2026-10-10T12:00:00+00:00",
            "failed_at": None,
            "placement_request_ids": [102],
        },
    ],
    "answers": [
        {
            "id": 9,
            "therapist_id": 15,
            "channel": "link",
            "recorded_at": "2026-10-04T15:00:00+00:00",
            "placement_request_id": 101,
            "outcome": "rejected_no_capacity",
        },
    ],
}
THERAPISTS = {
    15: {"id": 15, "title": "Dr.", "first_name": "Eva", "last_name": "Engel",
         "street": "Hauptstraße", "house_number": "5", "postal_code": "10115", "city": "Berlin"},
    16: {"id": 16, "title": None, "first_name": "Paul", "last_name": "Praxis",
         "street": "Nebenweg", "house_number": "2a", "postal_code": "10117", "city": "Berlin"},
}  # fmt: skip
PLACEMENTS = {
    "items": [
        {"id": 101, "status": "rejected", "therapist_id": 15},
        {"id": 102, "status": "no_response", "therapist_id": 16},
        {"id": 103, "status": "queued", "therapist_id": 17},
    ],
    "page": 1,
    "per_page": 100,
    "total": 3,
}


def _fake_all(console) -> None:
    console.api.get(url("patient", "/api/patients/7"), json=PATIENT)
    console.api.get(url("communication", "/api/patients/7/communications"), json=COMMUNICATIONS)
    console.api.get(url("matching", "/api/placement-requests"), json=PLACEMENTS)
    for therapist_id, body in THERAPISTS.items():
        console.api.get(url("therapist", f"/api/therapists/{therapist_id}"), json=body)


def _rows(html: str) -> list[str]:
    body = html.split("<tbody>")[1].split("</tbody>")[0]
    return [" ".join(row.split()) for row in body.split("<tr>")[1:]]


def test_the_record_needs_a_login(console):
    client = console.app.test_client()
    for path in ("/nachweis/", "/nachweis/7"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")


def test_the_patient_id_form_opens_the_record_and_keeps_a_wrong_id(console):
    client = console.client("staff")
    assert client.get("/nachweis/?patient_id=7").headers["Location"].endswith("/nachweis/7")
    html = client.get("/nachweis/?patient_id=7x").get_data(as_text=True)
    assert 'id="e-patient_id"' in html and 'value="7x"' in html
    assert "Nachweis §13 Abs. 3 SGB V" in html.split("<main")[0]  # in the staff menu


def test_the_record_lists_each_contact_with_date_channel_practice_and_answer(console):
    client = console.client("staff")
    _fake_all(console)
    response = client.get("/nachweis/7?ort=Berlin")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Frau Mira Muster" in html and "04.05.1990" in html
    assert "AOK Nordost (gesetzlich)" in html and "A123456789" in html
    assert "Beginn der Suche</dt><dd>01.10.2026" in html
    assert "Kostenerstattung nach §13 Abs. 3 SGB V" in html
    assert "erfolglosen Suche nach einem Therapieplatz" in html
    assert "Mit Strg+P" in html
    assert "Berlin, den " in html
    rows = _rows(html)
    assert len(rows) == 2  # the queued e-mail and the patient's own e-mail are no contacts
    assert rows[0].startswith("<td>02.10.2026</td> <td>E-Mail</td> <td>Dr. Eva Engel</td>")
    assert "Hauptstraße 5<br>10115 Berlin" in rows[0]
    answer = "Absage: kein freier Therapieplatz (per Antwort-Link der E-Mail am 04.10.2026)"
    assert answer in rows[0]
    assert rows[1].startswith("<td>10.10.2026</td> <td>Telefon</td> <td>Paul Praxis</td>")
    assert "Keine Antwort erhalten" in rows[1]
    query = parse_qs(urlparse(console.api.calls[2].request.url).query)
    assert query == {"patient_id": ["7"], "page": ["1"], "per_page": ["100"]}


def test_a_therapist_service_outage_keeps_the_contacts_with_the_ids(console):
    client = console.client("staff")
    console.api.get(url("patient", "/api/patients/7"), json=PATIENT)
    console.api.get(url("communication", "/api/patients/7/communications"), json=COMMUNICATIONS)
    console.api.get(url("matching", "/api/placement-requests"), body=requests.ConnectionError())
    console.api.get(url("therapist", "/api/therapists/15"), status=503)
    html = client.get("/nachweis/7").get_data(as_text=True)
    assert "Therapeutendienst ist gerade nicht erreichbar" in html
    assert "Vermittlungsdienst ist gerade nicht erreichbar" in html
    rows = _rows(html)
    assert "Praxis Nr. 15" in rows[0] and "Praxis Nr. 16" in rows[1]
    assert "Ort: ____" in html


def test_a_communication_outage_shows_the_header_and_the_message(console):
    client = console.client("admin")
    console.api.get(url("patient", "/api/patients/7"), json=PATIENT)
    console.api.get(url("communication", "/api/patients/7/communications"), status=502)
    response = client.get("/nachweis/7")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Mira Muster" in html
    assert "Kommunikationsdienst ist gerade nicht erreichbar" in html
    assert "Die Kontakte konnten gerade nicht gelesen werden" in html


def test_the_patient_service_down_or_an_unknown_patient(console):
    client = console.client("staff")
    console.api.get(url("patient", "/api/patients/7"), body=requests.ConnectionError())
    down = client.get("/nachweis/7")
    assert down.status_code == 503
    assert "Patientendienst ist gerade nicht erreichbar" in down.get_data(as_text=True)
    missing = {"error": {"code": "not_found", "message": "Patient 8 not found."}}
    console.api.get(url("patient", "/api/patients/8"), json=missing, status=404)
    assert client.get("/nachweis/8").status_code == 404


def test_an_answer_without_a_recorded_contact_is_listed_as_the_contact(console):
    client = console.client("staff")
    answered = {
        **COMMUNICATIONS,
        "requests": [{"placement_request_id": 104, "therapist_id": 16, "state": "closed"}],
        "emails": [],
        "calls": [],
        "answers": [
            {
                "id": 11,
                "therapist_id": 16,
                "channel": "phone",
                "recorded_at": "2026-11-20T10:00:00+00:00",
                "placement_request_id": 104,
                "outcome": "accepted",
            }
        ],
    }
    console.api.get(url("patient", "/api/patients/7"), json=PATIENT)
    console.api.get(url("communication", "/api/patients/7/communications"), json=answered)
    console.api.get(url("matching", "/api/placement-requests"), json={**PLACEMENTS, "items": []})
    console.api.get(url("therapist", "/api/therapists/16"), json=THERAPISTS[16])
    rows = _rows(client.get("/nachweis/7").get_data(as_text=True))
    assert len(rows) == 1
    assert rows[0].startswith("<td>20.11.2026</td> <td>Telefon</td> <td>Paul Praxis</td>")
    assert "Zusage: Therapieplatz angeboten (per Telefon am 20.11.2026)" in rows[0]
