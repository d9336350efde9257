"""Patient:innen: the list with its search, the registration form, the detail page with its
status changes and sections, and "warum nicht?"."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from support.console import url

pytestmark = pytest.mark.integration


def patient(**overrides):
    body = {
        "id": 7,
        "status": "registered",
        "version": 3,
        "salutation": None,
        "first_name": "Anna",
        "last_name": "Berg",
        "gender": "female",
        "birth_date": "1990-05-17",
        "age": 36,
        "email": "anna@example.org",
        "phone": "+4930123456",
        "address": {
            "street": "Hauptstr.",
            "house_number": "5",
            "postal_code": "10115",
            "city": "Berlin",
        },
        "insurance": {"type": "statutory", "insurer": "AOK", "number": None},
        "symptoms": ["depressed_mood"],
        "complaint_groups": ["mood"],
        "crisis": False,
        "crisis_symptoms": [],
        "urgent": False,
        "diagnosis_icd10": None,
        "initial_consultation_date": "2026-11-01",
        "initial_consultation_waived": False,
        "previous_therapy": None,
        "preferences": {"procedures": ["VT"], "therapist_gender": "any", "languages": ["de"]},
        "availability": {"mon": ["09:00-12:00"]},
        "exclusions": [],
        "consent": {
            "version": "2024-01",
            "given_at": "2026-12-01T09:00:00+00:00",
            "withdrawn_at": None,
        },
        "location": {"status": "resolved"},
        "search_started_at": None,
        "placed_at": None,
        "placed_therapist_id": None,
        "created_at": "2026-12-01T09:00:00+00:00",
        "updated_at": "2026-12-01T09:00:00+00:00",
        "erased_at": None,
    }
    body.update(overrides)
    return body


SYMPTOMS = {
    "items": [
        {
            "code": "depressed_mood",
            "label_de": "Gedrückte Stimmung",
            "group": "mood",
            "crisis": False,
        },
        {
            "code": "suicidal_thoughts",
            "label_de": "Suizidgedanken",
            "group": "crisis",
            "crisis": True,
        },
    ]
}


def page_of(*items):
    return {"items": list(items), "page": 1, "per_page": 20, "total": len(items)}


def fake_detail(console, body=None, *, matching=200, communication=200, therapist=None):
    body = body or patient()
    pid = body["id"]
    console.api.get(url("patient", f"/api/patients/{pid}"), json=body)
    console.api.get(
        url("patient", f"/api/patients/{pid}/timeline"),
        json={
            "patient_id": pid,
            "crisis": False,
            "items": [
                {
                    "kind": "status",
                    "at": "2026-12-01T09:00:00+00:00",
                    "actor": "lena",
                    "action": "patient.registered",
                    "details": {},
                }
            ],
        },
    )
    request = {
        "id": 31,
        "patient_id": pid,
        "therapist_id": 5,
        "status": "contacted",
        "distance_km": 3.2,
        "close_reason": None,
        "contacted_at": None,
        "updated_at": "2026-12-02T10:00:00+00:00",
    }
    if matching == 200:
        console.api.get(url("matching", "/api/placement-requests"), json=page_of(request))
        console.api.get(
            url("matching", f"/api/patients/{pid}/candidates"),
            json={
                "patient_id": pid,
                "items": [
                    {"therapist_id": 9, "score": 0.81, "distance_km": 2.5, "score_parts": {}}
                ],
            },
        )
    else:
        console.api.get(url("matching", "/api/placement-requests"), status=matching)
        console.api.get(url("matching", f"/api/patients/{pid}/candidates"), status=matching)
    comms = url("communication", f"/api/patients/{pid}/communications")
    if communication == 200:
        console.api.get(
            comms,
            json={
                "patient_id": pid,
                "requests": [],
                "answers": [],
                "emails": [
                    {
                        "id": 1,
                        "recipient": "patient",
                        "therapist_id": None,
                        "subject": "Willkommen",
                        "template": "welcome",
                        "state": "sent",
                        "created_at": "2026-12-01T09:00:00+00:00",
                        "sent_at": None,
                    }
                ],
                "calls": [
                    {
                        "id": 2,
                        "therapist_id": 5,
                        "state": "scheduled",
                        "note": "Rückruf",
                        "slot_start": "2026-12-03T10:00:00+00:00",
                    }
                ],
            },
        )
    else:
        console.api.get(comms, body=requests.ConnectionError())
    if therapist:
        console.api.get(url("therapist", f"/api/therapists/{therapist['id']}"), json=therapist)
    return body


# --- access ---------------------------------------------------------------------------------


def test_the_pages_need_a_login(console):
    client = console.app.test_client()
    for path in (
        "/patientinnen",
        "/patientinnen/neu",
        "/patientinnen/7",
        "/patientinnen/7/warum-nicht?therapist_id=3",
    ):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/login?next=")
    assert client.post("/patientinnen/7/status", data={"status": "paused"}).status_code in (
        302,
        400,
    )


def test_the_menu_lists_the_page_for_staff_and_admin(console):
    for role in ("staff", "admin"):
        console.api.get(url("patient", "/api/patients"), json=page_of())
        page = console.client(role).get("/patientinnen")
        assert page.status_code == 200
        assert 'href="/patientinnen"' in page.get_data(as_text=True)


def test_posts_without_the_csrf_token_are_refused(console):
    client = console.client("staff")
    assert client.post("/patientinnen/neu", data={"first_name": "A"}).status_code == 400
    assert client.post("/patientinnen/7/status", data={"status": "paused"}).status_code == 400
    assert not [c for c in console.api.calls if c.request.method != "GET"]


# --- list -----------------------------------------------------------------------------------


def test_the_list_passes_its_filters_and_marks_crisis_patients(console):
    crisis = patient(id=8, first_name="Ben", last_name="Kraus", crisis=True, status="searching")
    console.api.get(
        url("patient", "/api/patients"),
        json={"items": [crisis, patient()], "page": 2, "per_page": 20, "total": 41},
    )
    client = console.client("staff")
    page = client.get("/patientinnen?q=Kra&postal_code=101&status=searching&crisis=true&page=2")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    query = parse_qs(urlparse(console.api.calls[-1].request.url).query)
    assert query == {
        "q": ["Kra"],
        "postal_code": ["101"],
        "status": ["searching"],
        "crisis": ["true"],
        "page": ["2"],
        "per_page": ["20"],
    }
    assert '<tr class="crisis">' in html and "Krise – sofort anrufen" in html
    assert 'href="/patientinnen/8"' in html and 'href="/patientinnen/7"' in html
    assert "sucht" in html and "erfasst" in html
    assert "Seite 2 von 3" in html and "status=searching" in html  # pager keeps the filters
    assert re.search(r'id="f-crisis"[^>]*\s+checked', html)
    assert 'value="Kra"' in html


def test_a_number_in_the_search_box_opens_that_patient(console):
    console.api.get(url("patient", "/api/patients/7"), json=patient())
    html = console.client("staff").get("/patientinnen?q=%237").get_data(as_text=True)
    assert console.api.calls[-1].request.url.startswith(url("patient", "/api/patients/7"))
    assert 'href="/patientinnen/7"' in html and "Berg" in html
    console.api.get(
        url("patient", "/api/patients/99"),
        status=404,
        json={"error": {"code": "not_found", "message": "No patient 99"}},
    )
    html = console.client("staff").get("/patientinnen?q=99").get_data(as_text=True)
    assert "Keine Patient:innen gefunden" in html


def test_a_refused_filter_is_shown_next_to_its_field(console):
    console.api.get(
        url("patient", "/api/patients"),
        status=400,
        json={
            "error": {
                "code": "validation_error",
                "message": "Invalid request.",
                "details": {"postal_code": ["String should match pattern '^[0-9]{1,5}$'"]},
            }
        },
    )
    html = console.client("staff").get("/patientinnen?postal_code=abc").get_data(as_text=True)
    assert 'id="e-postal_code" class="error">Das Format stimmt nicht.' in html
    assert 'value="abc"' in html


def test_the_list_shows_the_outage_page_when_the_patient_service_is_down(console):
    console.api.get(url("patient", "/api/patients"), status=503)
    response = console.client("staff").get("/patientinnen")
    assert response.status_code == 503
    assert "Der Patientendienst ist gerade nicht erreichbar" in response.get_data(as_text=True)


# --- registration ---------------------------------------------------------------------------

FORM = {
    "salutation": "Frau",
    "first_name": "Anna",
    "last_name": "Berg",
    "gender": "female",
    "birth_date": "1990-05-17",
    "email": "anna@example.org",
    "phone": "030 123456",
    "address.street": "Hauptstr.",
    "address.house_number": "5",
    "address.postal_code": "10115",
    "address.city": "Berlin",
    "insurance.type": "statutory",
    "insurance.insurer": "AOK",
    "insurance.number": "A123456789",
    "symptoms": ["depressed_mood", "suicidal_thoughts"],
    "initial_consultation_date": "2026-11-01",
    "preferences.procedures": ["VT", "ST"],
    "preferences.therapist_gender": "female",
    "preferences.languages": "de, EN",
    "preferences.group_ok": "1",
    "preferences.max_distance_km": "12,5",
    "preferences.travel_mode": "bicycle",
    "preferences.max_travel_minutes": "40",
    "availability.mon": "09:00-12:00, 14:00-16:00",
    "availability.fri": "08:00-10:00",
    "urgent": "1",
    "consent.version": "2024-01",
    "consent.given_at": "2026-12-04T10:30",
}


def idempotency_key(html: str) -> str:
    return re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)


def test_the_form_offers_the_symptom_catalogue_and_defaults(console):
    console.api.get(url("patient", "/api/symptoms"), json=SYMPTOMS)
    html = console.client("staff").get("/patientinnen/neu").get_data(as_text=True)
    assert 'id="f-symptoms-suicidal_thoughts"' in html and "Suizidgedanken" in html
    assert 'id="f-address.postal_code" name="address.postal_code"' in html
    assert 'id="f-consent.version" name="consent.version" type="text" value="2024-01"' in html
    assert 'name="consent.given_at" type="datetime-local" value="20' in html
    assert "Patient:in anlegen" in html
    assert html.count("<label") >= html.count("<input") - html.count('type="hidden"')


def test_the_form_still_opens_when_the_catalogue_is_down(console):
    console.api.get(url("patient", "/api/symptoms"), status=503)
    response = console.client("staff").get("/patientinnen/neu")
    assert response.status_code == 200
    assert "Der Patientendienst ist gerade nicht erreichbar" in response.get_data(as_text=True)


def test_registering_sends_the_exact_body_and_opens_the_detail_page(console):
    console.api.get(url("patient", "/api/symptoms"), json=SYMPTOMS)
    console.api.post(url("patient", "/api/patients"), status=201, json=patient(id=12))
    client = console.client("staff")
    key = idempotency_key(client.get("/patientinnen/neu").get_data(as_text=True))
    response = console.post(client, "/patientinnen/neu", {**FORM, "idempotency_key": key})
    assert response.status_code == 302
    assert response.headers["Location"] == "/patientinnen/12"
    call = console.api.calls[-1]
    assert call.request.headers["Idempotency-Key"] == key
    assert json.loads(call.request.body) == {
        "salutation": "Frau",
        "first_name": "Anna",
        "last_name": "Berg",
        "gender": "female",
        "birth_date": "1990-05-17",
        "email": "anna@example.org",
        "phone": "030 123456",
        "address": {
            "street": "Hauptstr.",
            "house_number": "5",
            "postal_code": "10115",
            "city": "Berlin",
        },
        "insurance": {"type": "statutory", "insurer": "AOK", "number": "A123456789"},
        "symptoms": ["depressed_mood", "suicidal_thoughts"],
        "initial_consultation_date": "2026-11-01",
        "initial_consultation_waived": False,
        "preferences": {
            "procedures": ["VT", "ST"],
            "therapist_gender": "female",
            "languages": ["de", "en"],
            "group_ok": True,
            "barrier_free": False,
            "travel_mode": "bicycle",
            "max_distance_km": 12.5,
            "max_travel_minutes": 40,
        },
        "availability": {"mon": ["09:00-12:00", "14:00-16:00"], "fri": ["08:00-10:00"]},
        "urgent": True,
        "consent": {"version": "2024-01", "given_at": "2026-12-04T10:30:00+01:00"},
    }
    fake_detail(console, patient(id=12))
    html = client.get("/patientinnen/12").get_data(as_text=True)
    assert "Patient:in Anna Berg ist angelegt (Nr. 12)." in html


def test_blank_optional_fields_are_left_out(console):
    console.api.get(url("patient", "/api/symptoms"), json=SYMPTOMS)
    console.api.post(url("patient", "/api/patients"), status=201, json=patient(id=13))
    client = console.client("staff")
    minimal = {
        "first_name": "Anna",
        "last_name": "Berg",
        "gender": "diverse",
        "birth_date": "1990-05-17",
        "address.postal_code": "10115",
        "address.city": "Berlin",
        "insurance.type": "private",
        "initial_consultation_waived": "1",
        "preferences.max_distance_km": "25",
        "consent.version": "2024-01",
        "consent.given_at": "2026-07-01T08:00",
    }
    assert (
        console.post(client, "/patientinnen/neu", minimal, form="/patientinnen/neu").status_code
        == 302
    )
    body = json.loads(console.api.calls[-1].request.body)
    assert body["address"] == {"postal_code": "10115", "city": "Berlin"}
    assert body["insurance"] == {"type": "private"}
    assert body["initial_consultation_waived"] is True
    assert "email" not in body and "initial_consultation_date" not in body
    assert body["preferences"] == {
        "procedures": [],
        "therapist_gender": "any",
        "languages": [],
        "group_ok": False,
        "barrier_free": False,
        "travel_mode": "public_transport",
        "max_distance_km": 25.0,
    }
    assert body["availability"] == {}
    assert body["consent"]["given_at"] == "2026-07-01T08:00:00+02:00"  # summer time


def test_field_errors_appear_next_to_their_inputs_with_the_values_kept(console):
    console.api.get(url("patient", "/api/symptoms"), json=SYMPTOMS)
    console.api.post(
        url("patient", "/api/patients"),
        status=400,
        json={
            "error": {
                "code": "validation_error",
                "message": "Invalid request.",
                "details": {
                    "body.address.postal_code": ["String should match pattern '^[0-9]{5}$'"],
                    "body.email": ["value is not a valid email address: bad"],
                    "body.preferences.procedures.0": ["Input should be 'VT', 'TP', 'AP' or 'ST'"],
                    "body.availability": ["Value error, mon: 25:00 is not a time"],
                },
            }
        },
    )
    client = console.client("staff")
    typed = {**FORM, "address.postal_code": "1011", "email": "anna@"}
    response = console.post(client, "/patientinnen/neu", typed, form="/patientinnen/neu")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Bitte prüfen Sie die markierten Felder." in html
    assert re.search(
        r'name="address.postal_code" type="text" value="1011"\s+required\s+'
        r'inputmode="numeric" maxlength="5"\s+aria-invalid="true"',
        html,
    )
    assert '<p id="e-address.postal_code" class="error">Das Format stimmt nicht.</p>' in html
    assert '<p id="e-email" class="error">Keine gültige E-Mail-Adresse.</p>' in html
    assert 'id="e-preferences.procedures" class="error">Bitte einen der angebotenen' in html
    assert 'id="e-availability" class="error">mon: 25:00 is not a time' in html
    for kept in (
        'value="anna@"',
        'value="Berg"',
        'value="09:00-12:00, 14:00-16:00"',
        'value="de, EN"',
        'value="2026-12-04T10:30"',
    ):
        assert kept in html, kept
    assert re.search(r'id="f-symptoms-suicidal_thoughts"[^>]*\s+checked', html)
    assert re.search(r'id="f-preferences.procedures-ST"[^>]*\s+checked', html)
    assert re.search(r'id="f-urgent"[^>]*\s+checked', html)
    assert idempotency_key(html)


def test_an_outage_on_registering_keeps_what_was_typed(console):
    console.api.get(url("patient", "/api/symptoms"), json=SYMPTOMS)
    console.api.post(url("patient", "/api/patients"), body=requests.ConnectionError())
    client = console.client("staff")
    response = console.post(client, "/patientinnen/neu", FORM, form="/patientinnen/neu")
    html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "Der Patientendienst ist gerade nicht erreichbar" in html
    assert 'value="Hauptstr."' in html and 'value="Anna"' in html


# --- detail ---------------------------------------------------------------------------------


def test_the_detail_page_shows_data_sections_and_the_start_button(console):
    fake_detail(console)
    html = console.client("staff").get("/patientinnen/7").get_data(as_text=True)
    assert "Anna Berg" in html and "erfasst" in html
    assert "Suche starten" in html and "Pausieren" not in html
    assert "Patient:in erfasst" in html  # timeline, in German
    assert "angefragt" in html and "3.2 km" in html  # placement request, German state
    assert "Willkommen" in html and "Rückruf" in html  # e-mail and call
    assert "/patientinnen/7/warum-nicht?therapist_id=9" in html  # candidate
    assert "Niedergeschlagenheit, gedrückte Stimmung" in html
    assert "17.05.1990" in html and "Montag: 09:00-12:00" in html


def test_a_placed_patient_shows_the_therapists_name(console):
    therapist = {"id": 5, "title": "Dr.", "first_name": "Eva", "last_name": "Stern"}
    fake_detail(
        console,
        patient(status="placed", placed_therapist_id=5, placed_at="2026-12-03T12:00:00+00:00"),
        therapist=therapist,
    )
    html = console.client("staff").get("/patientinnen/7").get_data(as_text=True)
    assert "vermittelt" in html
    assert "Vermittelt an:" in html and "<strong>Dr. Eva Stern</strong>" in html
    assert "Therapie hat begonnen" in html


def test_the_detail_page_renders_when_matching_and_communication_are_down(console):
    fake_detail(console, patient(status="searching"), matching=503, communication=0)
    response = console.client("staff").get("/patientinnen/7")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Anna Berg" in html and "Patient:in erfasst" in html
    assert "Der Vermittlungsdienst ist gerade nicht erreichbar" in html
    assert "Der Kommunikationsdienst ist gerade nicht erreichbar" in html
    assert "Pausieren" in html and "Beenden" in html


def test_an_unknown_patient_is_a_404(console):
    console.api.get(
        url("patient", "/api/patients/404"),
        status=404,
        json={"error": {"code": "not_found", "message": "No patient"}},
    )
    assert console.client("staff").get("/patientinnen/404").status_code == 404


@pytest.mark.parametrize(
    ("status", "button", "target"),
    [
        ("registered", "Suche starten", "searching"),
        ("searching", "Pausieren", "paused"),
        ("paused", "Fortsetzen", "searching"),
        ("paused", "Beenden", "cancelled"),
    ],
)
def test_a_transition_button_puts_the_new_status(console, status, button, target):
    body = fake_detail(console, patient(status=status))
    console.api.put(url("patient", "/api/patients/7/status"), json={**body, "status": target})
    client = console.client("staff")
    html = client.get("/patientinnen/7").get_data(as_text=True)
    assert f">{button}</button>" in html
    key = re.search(rf'name="idempotency_key" value="([^"]+-{target})"', html).group(1)
    response = console.post(
        client,
        "/patientinnen/7/status",
        {"status": target, "version": "3", "idempotency_key": key},
        form="/patientinnen/7",
    )
    assert response.status_code == 302 and response.headers["Location"] == "/patientinnen/7"
    call = console.api.calls[-1]
    assert call.request.method == "PUT"
    assert json.loads(call.request.body) == {"status": target, "version": 3}
    assert call.request.headers["Idempotency-Key"] == key


def test_a_refused_transition_shows_a_german_message(console):
    fake_detail(console, patient(status="registered"))
    console.api.put(
        url("patient", "/api/patients/7/status"),
        status=409,
        json={"error": {"code": "conflict", "message": "registered -> paused is not allowed"}},
    )
    client = console.client("staff")
    response = console.post(
        client, "/patientinnen/7/status", {"status": "paused"}, form="/patientinnen/7"
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Der Status „pausiert“ ist im aktuellen Zustand nicht möglich" in html
    assert "Anna Berg" in html


def test_an_incomplete_case_cannot_start_the_search(console):
    fake_detail(console, patient(status="registered"))
    console.api.put(
        url("patient", "/api/patients/7/status"),
        status=422,
        json={
            "error": {"code": "unprocessable_entity", "message": "missing: initial_consultation"}
        },
    )
    client = console.client("staff")
    response = console.post(
        client, "/patientinnen/7/status", {"status": "searching"}, form="/patientinnen/7"
    )
    assert response.status_code == 422
    assert "Für „sucht“ fehlen noch Angaben" in response.get_data(as_text=True)


# --- warum nicht? ---------------------------------------------------------------------------


def test_why_not_explains_each_criterion_in_german(console):
    console.api.get(url("patient", "/api/patients/7"), json=patient())
    console.api.get(
        url("matching", "/api/patients/7/candidates/5"),
        json={
            "patient_id": 7,
            "therapist_id": 5,
            "matches": False,
            "distance_km": 31.4,
            "score": None,
            "score_parts": None,
            "criteria": [
                {"name": "insurance", "held": True, "reason": None},
                {"name": "distance", "held": False, "reason": "31.4 km > 25 km"},
            ],
        },
    )
    console.api.get(
        url("therapist", "/api/therapists/5"),
        json={"id": 5, "title": None, "first_name": "Eva", "last_name": "Stern"},
    )
    html = (
        console.client("staff")
        .get("/patientinnen/7/warum-nicht?therapist_id=5")
        .get_data(as_text=True)
    )
    assert "Passt nicht" in html and "Eva Stern" in html
    assert "<td>Versicherung</td>" in html and "<td>Entfernung</td>" in html
    assert "31.4 km &gt; 25 km" in html


def test_why_not_asks_for_a_number_and_reports_an_outage(console):
    console.api.get(url("patient", "/api/patients/7"), json=patient())
    client = console.client("staff")
    html = client.get("/patientinnen/7/warum-nicht?therapist_id=abc").get_data(as_text=True)
    assert 'id="e-therapist_id" class="error">Bitte die Nummer' in html
    console.api.get(url("matching", "/api/patients/7/candidates/5"), status=503)
    html = client.get("/patientinnen/7/warum-nicht?therapist_id=5").get_data(as_text=True)
    assert "Der Vermittlungsdienst ist gerade nicht erreichbar" in html


def test_why_not_names_an_unknown_therapist(console):
    console.api.get(url("patient", "/api/patients/7"), json=patient())
    console.api.get(
        url("matching", "/api/patients/7/candidates/404"),
        status=404,
        json={"error": {"code": "not_found", "message": "No therapist 404"}},
    )
    html = (
        console.client("staff")
        .get("/patientinnen/7/warum-nicht?therapist_id=404")
        .get_data(as_text=True)
    )
    assert "Der Vermittlungsdienst kennt diese Therapeut:in" in html


def test_a_refused_search_start_names_each_missing_field_in_german(console):
    fake_detail(console, patient(status="registered", symptoms=[]))
    console.api.put(
        url("patient", "/api/patients/7/status"),
        status=422,
        json={
            "error": {
                "code": "case_incomplete",
                "message": "The case is incomplete.",
                "details": {
                    "symptoms": "at least one symptom is required",
                    "insurance.number": "required for statutory insurance",
                },
            }
        },
    )
    client = console.client("staff")
    response = console.post(
        client, "/patientinnen/7/status", {"status": "searching"}, form="/patientinnen/7"
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "mindestens eine Beschwerde" in html and "Versichertennummer" in html
    assert "Angaben ändern" in html


# --- editing -------------------------------------------------------------------------------


def edit_form_data(client, **changes):
    """The edit form as the browser would send it back (its prefilled values, then changes)."""
    html = client.get("/patientinnen/7/bearbeiten").get_data(as_text=True)
    data = dict(
        re.findall(
            r'<input id="f-[^"]+" name="([^"]+)" type="(?:text|date|email|tel)" value="([^"]*)"',
            html,
        )
    )
    data.update(
        re.findall(
            r'<input type="hidden" name="(version|idempotency_key|csrf_token)" value="([^"]*)"',
            html,
        )
    )
    data["gender"], data["insurance.type"] = "female", "statutory"
    data["symptoms"] = ["depressed_mood"]
    data.update(changes)
    return data


def test_the_edit_form_is_prefilled_and_patches_with_the_version(console):
    console.api.get(url("patient", "/api/patients/7"), json=patient())
    console.api.get(url("patient", "/api/symptoms"), json=SYMPTOMS)
    console.api.patch(url("patient", "/api/patients/7"), json=patient(version=4))
    client = console.client("staff")
    page = client.get("/patientinnen/7/bearbeiten").get_data(as_text=True)
    assert 'value="Berg"' in page and 'value="10115"' in page and 'value="09:00-12:00"' in page
    assert "Einwilligung" not in page.split("<form")[1]  # consent has its own routes
    response = client.post(
        "/patientinnen/7/bearbeiten",
        data=edit_form_data(client, **{"insurance.number": "A123456789"}),
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/patientinnen/7")
    sent = json.loads(console.api.calls[-1].request.body)
    assert sent["version"] == 3
    assert sent["insurance"] == {"type": "statutory", "insurer": "AOK", "number": "A123456789"}
    assert sent["address"]["postal_code"] == "10115" and "consent" not in sent


def test_a_change_by_someone_else_meanwhile_keeps_the_typed_values(console):
    console.api.get(url("patient", "/api/patients/7"), json=patient())
    console.api.get(url("patient", "/api/symptoms"), json=SYMPTOMS)
    console.api.patch(
        url("patient", "/api/patients/7"),
        status=409,
        json={"error": {"code": "version_conflict", "message": "stale", "details": {}}},
    )
    client = console.client("staff")
    response = client.post(
        "/patientinnen/7/bearbeiten", data=edit_form_data(client, last_name="Neuname")
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Jemand anders hat die Angaben inzwischen geändert" in html
    assert 'value="Neuname"' in html


def test_edit_errors_stand_next_to_their_fields_and_an_outage_keeps_the_input(console):
    console.api.get(url("patient", "/api/patients/7"), json=patient())
    console.api.get(url("patient", "/api/symptoms"), json=SYMPTOMS)
    console.api.patch(
        url("patient", "/api/patients/7"),
        status=400,
        json={
            "error": {
                "code": "validation_error",
                "message": "Invalid request.",
                "details": {"body.address.postal_code": ["String should match pattern '^\\d{5}$'"]},
            }
        },
    )
    client = console.client("staff")
    data = edit_form_data(client, **{"address.postal_code": "123"})
    html = client.post("/patientinnen/7/bearbeiten", data=data).get_data(as_text=True)
    assert 'id="e-address.postal_code"' in html and "Das Format stimmt nicht" in html
    assert 'value="123"' in html
    console.api.replace(
        responses_patch(), url("patient", "/api/patients/7"), body=requests.ConnectionError()
    )
    down = client.post("/patientinnen/7/bearbeiten", data=edit_form_data(client, last_name="X"))
    assert down.status_code == 503
    assert "nicht erreichbar" in down.get_data(as_text=True)
    assert 'value="X"' in down.get_data(as_text=True)


def responses_patch():
    import responses

    return responses.PATCH


def test_editing_needs_a_login_and_the_csrf_token(console):
    anonymous = console.app.test_client()
    assert anonymous.get("/patientinnen/7/bearbeiten").status_code == 302
    client = console.client("staff")
    assert client.post("/patientinnen/7/bearbeiten", data={"last_name": "X"}).status_code == 400


def test_request_rows_name_the_practice_and_the_timeline_names_changed_fields(console):
    therapist = {"id": 5, "title": "Dr.", "first_name": "Eva", "last_name": "Stern"}
    fake_detail(console, therapist=therapist)
    console.api.replace(
        responses_get(),
        url("patient", "/api/patients/7/timeline"),
        json={
            "patient_id": 7,
            "crisis": False,
            "items": [
                {
                    "kind": "audit",
                    "at": "2026-12-01T09:00:00+00:00",
                    "actor": "console:lena",
                    "action": "updated",
                    "details": {"city": ["Bonn", "Berlin"], "phone": [None, "+4930123456"]},
                }
            ],
        },
    )
    html = console.client("staff").get("/patientinnen/7").get_data(as_text=True)
    row = html.split('data-request-id="31"')[1].split("</tr>")[0]
    assert "Dr. Eva Stern" in row and "angefragt" in row
    assert "Felder: city, phone" in html
    assert "+4930123456</small>" not in html and "Bonn" not in html  # values stay in the audit


def responses_get():
    import responses

    return responses.GET
