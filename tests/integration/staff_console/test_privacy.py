"""Datenschutz (admin only): export with its per-service state and download, the erasure form
and its progress, and the six services' audit trails."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from support.console import make_account, url

pytestmark = pytest.mark.integration

PATIENT = {
    "id": 7,
    "status": "searching",
    "first_name": "Mira",
    "last_name": "Muster",
    "birth_date": "1990-05-04",
    "erased_at": None,
}
ERASURE_NONE = {
    "patient_id": 7,
    "status": "not_requested",
    "requested_at": None,
    "requested_by": None,
    "services": [],
}
ERASURE_RUNNING = {
    "patient_id": 7,
    "status": "in_progress",
    "requested_at": "2026-12-04T10:00:00+00:00",
    "requested_by": "console:admin-x",
    "services": [
        {
            "service": "patient_service",
            "completed_at": "2026-12-04T10:00:00+00:00",
            "counts": {"audit_entries_scrubbed": 3},
        },
        {"service": "matching_service", "completed_at": None, "counts": None},
        {
            "service": "communication_service",
            "completed_at": "2026-12-04T10:00:05+00:00",
            "counts": {},
        },
        {"service": "geocoding_service", "completed_at": None, "counts": None},
    ],
}
EXPORT = {
    "patient_id": 7,
    "generated_at": "2026-12-04T10:00:00+00:00",
    "patient_service": {"patient": PATIENT, "consents": [{}], "timeline": [{}, {}], "erasure": {}},
    "matching_service": {"placement_requests": [{}, {}, {}]},
    "communication_service": {"requests": [{}], "emails": [{}, {}], "calls": [], "answers": [{}]},
    "audit_entries": {
        "patient_service": [{}],
        "therapist_service": None,
        "matching_service": [{}, {}],
        "communication_service": [],
        "geocoding_service": [],
        "scraping_service": None,
    },
}


def test_the_pages_need_a_login(console):
    client = console.app.test_client()
    for path in ("/datenschutz/", "/datenschutz/7/export.json", "/datenschutz/protokoll"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")


def test_staff_may_not_open_datenschutz(console):
    client = console.client("staff")
    for path in ("/datenschutz/", "/datenschutz/7/export", "/datenschutz/7/loeschen"):
        assert client.get(path).status_code == 403
    posted = console.post(client, "/datenschutz/7/loeschen", {"confirm_id": "7"}, form="/nachweis/")
    assert posted.status_code == 403
    assert len(console.api.calls) == 0
    assert "Datenschutz" not in client.get("/nachweis/").get_data(as_text=True).split("<main")[0]


def test_the_patient_id_form_opens_the_patient(console):
    admin = console.client("admin")
    assert admin.get("/datenschutz/?patient_id=7").headers["Location"].endswith("/datenschutz/7")
    wrong = admin.get("/datenschutz/?patient_id=abc").get_data(as_text=True)
    assert 'id="e-patient_id"' in wrong and 'value="abc"' in wrong
    console.api.get(url("patient", "/api/patients/7"), json=PATIENT)
    console.api.get(url("patient", "/api/patients/7/erasure"), json=ERASURE_NONE)
    page = admin.get("/datenschutz/7").get_data(as_text=True)
    assert "Mira Muster" in page and "Keine Löschung beantragt" in page


def test_the_export_shows_each_service_and_offers_the_download(console):
    admin = console.client("admin")
    console.api.get(url("patient", "/api/patients/7/export"), json=EXPORT)
    page = admin.get("/datenschutz/7/export").get_data(as_text=True)
    assert "Der Export ist vollständig" in page
    assert "Platzanfragen: 3" in page and "E-Mails: 2" in page
    assert "Vermittlungsdienst" in page and "Importdienst" in page
    assert "/datenschutz/7/export.json" in page
    download = admin.get("/datenschutz/7/export.json")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"] == (
        'attachment; filename="patient-7-export.json"'
    )
    assert json.loads(download.get_data()) == EXPORT
    assert console.bearer_claims()["sub"].startswith("console:admin-")


def test_an_export_refused_names_the_service_that_did_not_answer(console):
    admin = console.client("admin")
    refused = {
        "error": {
            "code": "service_unavailable",
            "message": "Export refused: matching_service did not answer (timeout).",
            "details": {"service": "matching_service"},
        }
    }
    console.api.get(url("patient", "/api/patients/7/export"), json=refused, status=503)
    response = admin.get("/datenschutz/7/export")
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "Vermittlungsdienst hat nicht" in page and "kein Dokument" in page
    assert "nicht erreichbar" in page
    assert "export.json" not in page


def test_the_patient_service_down_shows_the_outage_page(console):
    admin = console.client("admin")
    console.api.get(url("patient", "/api/patients/7/export"), body=requests.ConnectionError())
    response = admin.get("/datenschutz/7/export.json")
    assert response.status_code == 503
    assert "Patientendienst ist gerade nicht erreichbar" in response.get_data(as_text=True)


def _erase_form(console) -> None:
    console.api.get(url("patient", "/api/patients/7"), json=PATIENT)


def test_the_erasure_form_needs_its_csrf_token(console):
    admin = console.client("admin")
    response = admin.post("/datenschutz/7/loeschen", data={"confirm_id": "7", "confirm": "1"})
    assert response.status_code == 400
    assert "Formular" in response.get_data(as_text=True)
    assert len(console.api.calls) == 0


def test_the_erasure_needs_the_id_typed_again_and_the_box_ticked(console):
    admin = console.client("admin")
    _erase_form(console)
    response = console.post(admin, "/datenschutz/7/loeschen", {"confirm_id": "71"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="e-confirm_id"' in html and "Patienten-ID 7 noch einmal" in html
    assert 'id="e-confirm"' in html and "nicht rückgängig" in html
    assert 'value="71"' in html
    assert [call.request.method for call in console.api.calls] == ["GET"]  # no DELETE


def test_the_erasure_sends_one_delete_and_shows_its_progress(console):
    admin = console.client("admin")
    _erase_form(console)
    console.api.delete(url("patient", "/api/patients/7"), json=ERASURE_RUNNING, status=202)
    console.api.get(url("patient", "/api/patients/7/erasure"), json=ERASURE_RUNNING)
    form = admin.get("/datenschutz/7/loeschen").get_data(as_text=True)
    key = form.split('name="idempotency_key" value="')[1].split('"')[0]
    response = console.post(
        admin,
        "/datenschutz/7/loeschen",
        {"confirm_id": "7", "confirm": "1", "idempotency_key": key},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/datenschutz/7/loeschung")
    delete = [call for call in console.api.calls if call.request.method == "DELETE"]
    assert len(delete) == 1
    assert delete[0].request.url == url("patient", "/api/patients/7")
    assert delete[0].request.headers["Idempotency-Key"] == key
    assert not delete[0].request.body
    page = admin.get("/datenschutz/7/loeschung").get_data(as_text=True)
    assert "Die Löschung läuft" in page
    assert "Erledigt: 2 von 4 Diensten" in page
    assert "Noch ausstehend: Vermittlungsdienst, Geodienst" in page
    assert "3 Protokolleinträge geschwärzt" in page
    assert "04.12.2026 11:00" in page  # Berlin time


def test_an_erasure_while_the_patient_service_is_down_keeps_the_form(console):
    admin = console.client("admin")
    _erase_form(console)
    console.api.delete(url("patient", "/api/patients/7"), status=503)
    response = console.post(admin, "/datenschutz/7/loeschen", {"confirm_id": "7", "confirm": "1"})
    assert response.status_code == 503
    html = response.get_data(as_text=True)
    assert "Patientendienst ist gerade nicht erreichbar" in html
    assert 'value="7"' in html and "checked" in html


def test_an_unknown_patient_is_refused_on_top_of_the_form(console):
    admin = console.client("admin")
    _erase_form(console)
    missing = {"error": {"code": "not_found", "message": "Patient 7 not found."}}
    console.api.delete(url("patient", "/api/patients/7"), json=missing, status=404)
    response = console.post(admin, "/datenschutz/7/loeschen", {"confirm_id": "7", "confirm": "1"})
    assert response.status_code == 404
    assert "Nicht gefunden." in response.get_data(as_text=True)


def _audit_page(items: list[dict]) -> dict:
    return {"items": items, "page": 2, "per_page": 50, "total": 120}


def test_the_audit_log_filters_pages_and_names_the_person(console):
    make_account("anna", "staff")
    admin = console.client("admin")
    entry = {
        "id": 1,
        "at": "2026-12-04T09:30:00+00:00",
        "subject": "console:anna",
        "role": "staff",
        "action": "read",
        "method": "GET",
        "route": "/api/patients/<int:patient_id>",
        "record_type": "patient",
        "record_id": "7",
        "status": 200,
        "request_id": "r1",
    }
    console.api.get(url("matching", "/api/audit"), json=_audit_page([entry]))
    page = admin.get("/datenschutz/protokoll?service=matching&actor=anna&patient=7&page=2")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Anna" in html and "console:anna" in html
    assert "04.12.2026 10:30" in html and "gelesen" in html and "patient:7" in html
    assert "Seite 2 von 3" in html and "page=3" in html and "actor=anna" in html
    query = parse_qs(urlparse(console.api.calls[-1].request.url).query)
    assert query == {
        "subject": ["console:anna"],
        "record": ["patient:7"],
        "page": ["2"],
        "per_page": ["50"],
    }


def test_the_audit_filters_are_checked_and_an_outage_is_shown(console):
    admin = console.client("admin")
    wrong = admin.get("/datenschutz/protokoll?service=patient&patient=x7").get_data(as_text=True)
    assert 'id="e-patient"' in wrong and 'value="x7"' in wrong
    assert len(console.api.calls) == 0
    console.api.get(url("geocoding", "/api/audit"), status=503)
    down = admin.get("/datenschutz/protokoll?service=geocoding").get_data(as_text=True)
    assert "Geodienst ist gerade nicht erreichbar" in down
    assert 'id="f-service"' in down
