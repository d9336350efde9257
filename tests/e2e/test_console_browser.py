"""The staff console in a real browser (Debian's headless Chromium driven by Playwright), on the
whole stack that `make up` starts: the admin logs in with the first login `make up` printed,
creates a staff account; the new colleague logs in, sets a password, registers a patient,
starts the search, sees the placement requests appear, records the practice's acceptance and
sees the patient placed with the therapist's name. Every page visited is saved as a screenshot
under `.data/screenshots/`, and every visible input on it must have a label."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import requests
from e2e.test_placement_loop import (  # the stack fixture and helpers of the placement loop
    Api,
    carried,
    import_practices,
    practice,
    register,
    running,
    until,
)

from scripts import infra
from scripts.stack import CONSOLE_ADMIN_PASSWORD
from staff_console.config import CONSOLE_PORT

pytestmark = pytest.mark.e2e
__all__ = ["running"]
CONSOLE = f"http://127.0.0.1:{CONSOLE_PORT}"
SHOTS = infra.DATA / "screenshots"
BERLIN = ZoneInfo("Europe/Berlin")
# Visible form controls without a <label for>, aria-label or wrapping label.
UNLABELLED = """() => [...document.querySelectorAll('input, select, textarea')]
  .filter(e => e.type !== 'hidden' && e.offsetParent !== null)
  .filter(e => !(e.id && document.querySelector(`label[for="${e.id}"]`))
               && !e.getAttribute('aria-label') && !e.closest('label'))
  .map(e => e.name || e.id || e.outerHTML.slice(0, 60))"""


class Visit:
    """Numbered screenshots of every page, and the label check on each."""

    def __init__(self, page) -> None:
        self.page = page
        self.count = 0
        self.saved: list[str] = []
        SHOTS.mkdir(parents=True, exist_ok=True)

    def shot(self, name: str) -> None:
        self.count += 1
        path = SHOTS / f"{self.count:02d}-{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        self.saved.append(path.name)
        assert self.page.evaluate(UNLABELLED) == [], f"unlabelled inputs on {self.page.url}"

    def goto(self, path: str, name: str) -> None:
        self.page.goto(CONSOLE + path)
        self.shot(name)


@pytest.fixture(scope="module")
def browser(running):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(infra.CHROMIUM), headless=True, args=["--no-sandbox"]
        )
        context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
        context.set_default_timeout(15_000)
        yield context.new_page()
        chromium.close()


def log_in(page, username: str, password: str) -> None:
    page.goto(CONSOLE + "/login")
    page.fill("#f-username", username)
    page.fill("#f-password", password)
    page.click("button[type=submit]")


def test_a_new_colleague_places_a_patient_in_the_browser(browser):
    page, visit, api, tag = browser, Visit(browser), Api(), uuid.uuid4().hex[:8]
    ids = import_practices(api, tag, [practice(tag, "Anna", 50.7770, 6.0850)])
    [therapist_id] = ids.values()

    # The admin's first login, as `make up` printed it, and a staff account.
    page.goto(CONSOLE + "/patientinnen")
    assert "/login" in page.url
    visit.shot("login")
    log_in(page, "admin", Path(CONSOLE_ADMIN_PASSWORD).read_text().strip())
    visit.shot("heute-admin")
    visit.goto("/admin/konten", "konten")
    username = f"erika-{tag}"
    page.fill("#f-username", username)
    page.fill("#f-display_name", "Erika Mustermann")
    page.select_option("#f-role", "staff")
    page.click("text=Konto anlegen")
    notice = page.inner_text(".flash.password")
    one_time = re.search(r"Einmaliges Passwort: (\S+)", notice).group(1)
    visit.shot("konto-angelegt")
    page.click("text=Abmelden")

    # The colleague's first login: a password of her own first.
    log_in(page, username, one_time)
    assert page.url.endswith("/passwort")
    visit.shot("passwort-setzen")
    page.fill("#f-current_password", one_time)
    page.fill("#f-new_password", "Erikas eigenes Passwort")
    page.fill("#f-repeat_password", "Erikas eigenes Passwort")
    page.click("text=Passwort speichern")
    visit.shot("heute-staff")
    assert "Erika Mustermann" in page.inner_text("nav")
    assert "Konten" not in page.inner_text("nav")  # staff see no admin pages

    patient_id = register_patient(page, visit, tag)
    start_search(page, visit)
    request_id = requests_appear(page, visit, patient_id, therapist_id)

    until(lambda: carried(api, therapist_id) == 1, "the draft e-mail to the practice")
    sent = api.job("communication", "send-emails")["result"]["delivered"]
    assert sent.get("sent", 0) >= 1, sent
    record_acceptance(page, visit, therapist_id, request_id)
    placed(page, visit, patient_id)
    the_other_pages(page, visit, patient_id, therapist_id, username)
    page.set_viewport_size({"width": 820, "height": 1180})  # a tablet held upright
    visit.goto(f"/patientinnen/{patient_id}", "tablet-patient")
    print("screenshots:", ", ".join(visit.saved))


def the_other_pages(page, visit: Visit, patient_id: int, therapist_id: int, staff: str) -> None:
    """The pages the placement did not need, on the same real stack: as staff the evidence
    record and the practice; as admin the imports, privacy and the audit naming the colleague."""
    visit.goto(f"/nachweis/{patient_id}", "nachweis")
    row = page.inner_text("table tbody tr")
    assert "E-Mail" in row and "Ahrens" in row and "Zusage" in row, row
    visit.goto("/therapeutinnen/?postal_code=52062", "therapeutinnen")
    assert "Ahrens" in page.inner_text("main")
    visit.goto(f"/therapeutinnen/{therapist_id}", "therapeutin")
    assert "Anfrage" in page.inner_text("main")  # the contact history lists the e-mail
    page.click("text=Abmelden")
    log_in(page, "admin", Path(CONSOLE_ADMIN_PASSWORD).read_text().strip())
    visit.goto("/importe/", "importe")
    assert "abgeschlossen" in page.inner_text("#laeufe")
    visit.goto(f"/datenschutz/{patient_id}", "datenschutz")
    visit.goto(f"/datenschutz/protokoll?service=patient&patient={patient_id}", "protokoll")
    assert f"console:{staff}" in page.inner_text("main")  # the audit names the person


def register_patient(page, visit: Visit, tag: str) -> int:
    visit.goto("/patientinnen", "patientinnen")
    page.click("text=Neue Patient:in erfassen")
    visit.shot("aufnahme")
    fields = {
        "first_name": "Paula",
        "last_name": f"Browser-{tag}",
        "birth_date": "1990-05-01",
        "email": f"paula-{tag}@patient.example",
        "phone": "0241 7654321",
        "address.street": "Lindenallee",
        "address.house_number": "3",
        "address.postal_code": "5206",  # one digit short: the API says so next to the field
        "address.city": "Aachen",
        "insurance.insurer": "AOK",
        "insurance.number": "A123456789",
        "initial_consultation_date": "2025-12-15",
    }
    for name, value in fields.items():
        page.fill(f"[id='f-{name}']", value)
    page.select_option("#f-gender", "female")
    page.select_option("[id='f-insurance.type']", "statutory")
    page.check("[id='f-preferences.procedures-VT']")
    page.check("[id='f-symptoms-depressed_mood']")
    page.click("text=Patient:in anlegen")
    assert page.locator("[id='e-address.postal_code']").count() == 1, page.content()
    assert page.input_value("[id='f-last_name']") == f"Browser-{tag}"  # nothing typed is lost
    visit.shot("aufnahme-fehler")
    page.fill("[id='f-address.postal_code']", "52062")
    page.click("text=Patient:in anlegen")
    match = re.search(r"/patientinnen/(\d+)$", page.url)
    assert match, page.url
    visit.shot("patient-angelegt")
    return int(match.group(1))


def start_search(page, visit: Visit) -> None:
    page.click("button:has-text('Suche starten')")
    assert page.inner_text("#patient-status") == "sucht", page.inner_text("main")[:600]
    visit.shot("suche-gestartet")


def requests_appear(page, visit: Visit, patient_id: int, therapist_id: int) -> int:
    def listed() -> int | None:
        page.reload()
        row = page.locator(f"#requests tr[data-therapist-id='{therapist_id}']")
        return int(row.get_attribute("data-request-id")) if row.count() else None

    request_id = until(listed, "the placement request on the patient page")
    visit.shot("platzanfragen")
    return request_id


def record_acceptance(page, visit: Visit, therapist_id: int, request_id: int) -> None:
    visit.goto(f"/antworten?therapist_id={therapist_id}", "antworten")
    page.click("a[href*='/antworten/email/']")
    visit.shot("antwort-email")
    page.select_option(f"#f-outcome-{request_id}", "accepted")
    page.click("text=Antworten speichern")
    visit.shot("antwort-gespeichert")


def placed(page, visit: Visit, patient_id: int) -> None:
    def shows_placed() -> bool:
        page.goto(f"{CONSOLE}/patientinnen/{patient_id}")
        return page.inner_text("#patient-status") == "vermittelt"

    until(shows_placed, "the patient shown as placed")
    assert "Ahrens" in page.inner_text("#placed-with")
    visit.shot("vermittelt")


class Console:
    """The console over HTTP as the browser talks to it (forms with their CSRF token)."""

    def __init__(self, username: str, password: str) -> None:
        self.http = requests.Session()
        response = self.form("/login", {"username": username, "password": password})
        assert response.url.rstrip("/") == CONSOLE, response.url

    def page(self, path: str, status: int = 200) -> str:
        response = self.http.get(CONSOLE + path, timeout=30)
        assert response.status_code == status, (path, response.status_code, response.text[:500])
        return response.text

    def form(self, path: str, data: dict, form_page: str | None = None, status: int = 200):
        html = self.page(form_page or path)
        token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
        response = self.http.post(CONSOLE + path, data={**data, "csrf_token": token}, timeout=60)
        assert response.status_code == status, (path, response.status_code, response.text[:800])
        return response


def test_the_other_forms_work_against_the_real_services(running):
    """What the browser test does not click, over HTTP on the same stack: the phone call on
    Heute (not reached, then reached with an answer), pausing and resuming, "warum nicht?",
    blocking and unblocking a practice, lifting its cooling (and the German 409 when none is
    left), the export download and the erasure with its progress."""
    api, tag = Api(), uuid.uuid4().hex[:8]
    ids = import_practices(api, tag, [practice(tag, "Berta", 50.7800, 6.0900)])
    [therapist_id] = ids.values()
    patient_id = register(api, "Petra", tag)
    until(lambda: api.requests_of(patient_id), "a placement request")
    [request_] = api.requests_of(patient_id)
    until(lambda: carried(api, therapist_id) == 1, "the draft e-mail")
    sent = api.job("communication", "send-emails")["result"]["delivered"]
    assert sent.get("sent", 0) >= 1, sent
    week_later = datetime.now(UTC) + timedelta(days=7, minutes=5)
    until(  # the e-mail's events reach matching and come back before the follow-up scan
        lambda: api.job("communication", "follow-ups", week_later)["result"]["follow_up"],
        "the follow-up call scheduled",
    )
    [call] = api.call("GET", "communication", f"/api/phone-calls?therapist_id={therapist_id}")[
        "items"
    ]
    day = datetime.fromisoformat(call["slot_start"]).astimezone(BERLIN).date().isoformat()

    admin = Console("admin", Path(CONSOLE_ADMIN_PASSWORD).read_text().strip())
    heute = admin.page(f"/?date={day}")
    assert "Berta" in heute and f"outcome-{request_['id']}" in heute
    admin.form(f"/anrufe/{call['id']}/ergebnis", {"reached": "no", "note": "AB"}, f"/?date={day}")
    [retry] = [
        c
        for c in api.call("GET", "communication", f"/api/phone-calls?therapist_id={therapist_id}")[
            "items"
        ]
        if c["state"] == "scheduled"
    ]
    retry_day = datetime.fromisoformat(retry["slot_start"]).astimezone(BERLIN).date().isoformat()
    answer = {"reached": "yes", f"outcome-{request_['id']}": "rejected_no_capacity"}
    admin.form(f"/anrufe/{retry['id']}/ergebnis", answer, f"/?date={retry_day}")
    until(
        lambda: (
            api.call("GET", "matching", f"/api/placement-requests/{request_['id']}")["status"]
            == "rejected"
        ),
        "the answer recorded on the phone",
    )

    admin.form(
        f"/patientinnen/{patient_id}/status", {"status": "paused"}, f"/patientinnen/{patient_id}"
    )
    assert api.call("GET", "patient", f"/api/patients/{patient_id}")["status"] == "paused"
    admin.form(
        f"/patientinnen/{patient_id}/status", {"status": "searching"}, f"/patientinnen/{patient_id}"
    )
    assert api.call("GET", "patient", f"/api/patients/{patient_id}")["status"] == "searching"
    why = admin.page(f"/patientinnen/{patient_id}/warum-nicht?therapist_id={therapist_id}")
    assert "Entfernung" in why

    detail = f"/therapeutinnen/{therapist_id}"
    admin.form(f"{detail}/sperren", {"reason": "Beschwerde vom 02.03."}, detail)
    assert api.call("GET", "therapist", f"/api/therapists/{therapist_id}")["status"] == "blocked"
    admin.form(f"{detail}/entsperren", {"reason": "geklärt"}, detail)
    assert api.call("GET", "therapist", f"/api/therapists/{therapist_id}")["status"] == "active"
    admin.form(
        f"{detail}/abkuehlung-aufheben", {"reason": "Praxis bittet um neue Anfragen"}, detail
    )
    again = admin.form(
        f"{detail}/abkuehlung-aufheben", {"reason": "noch einmal"}, detail, status=409
    )
    assert "Abkühlung" in again.text

    export = admin.http.get(f"{CONSOLE}/datenschutz/{patient_id}/export.json", timeout=60)
    assert export.status_code == 200 and export.json()["patient_service"]
    assert "attachment" in export.headers["Content-Disposition"]
    erase = {"confirm_id": str(patient_id), "confirm": "1"}
    admin.form(f"/datenschutz/{patient_id}/loeschen", erase)
    until(
        lambda: "abgeschlossen" in admin.page(f"/datenschutz/{patient_id}/loeschung"),
        "the erasure completed in every service",
    )
