"""The whole placement loop over HTTP, the real broker, PgBouncer and the SMTP catcher.

Import → search → requests → batched e-mail → (no answer, 7 days later via `as_of`) follow-up
call → "accepted" on the phone → placement → patient `placed` → other requests cancelled →
unsent e-mail shrinks → "placement found" e-mail → the therapist cools for 28 days.

Run three times: with the development identity (HS256 user tokens from `make token`), and as
production would with an identity provider: RS256 user tokens with issuer and audience, signed
with a private key generated here, and service tokens with their own SERVICE_JWT_SECRET. The
second run failed before user and service tokens were told apart (issue 20): every
service-to-service call (geocoding, directory lookups) was 401. A third run scales out: two web
and two worker processes per service (`make up SCALE=2`), and still one e-mail per practice, one
call, one request per pair, no request in two e-mails and one placement.
"""

from __future__ import annotations

import email
import os
import secrets
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from email import policy
from pathlib import Path

import jwt
import pytest
import requests
from aiosmtpd.controller import Controller
from support.brokers import free_port
from support.testdb import E2E_DB

from scripts import infra
from scripts.smtp_catcher import MailDirHandler
from scripts.stack import make_token
from shared.config import SERVICE_PORTS

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
DATABASE = E2E_DB
MAIL = Path(tempfile.mkdtemp(prefix="psymatch-e2e-mail-"))
URL = {
    name.removesuffix("_service"): f"http://127.0.0.1:{port}"
    for name, port in SERVICE_PORTS.items()
}
SMTP_PORT = free_port()
ENV = {
    **os.environ,
    "ALLOW_CLOCK_OVERRIDE": "true",
    "JOBS_ENABLED": "false",
    "SMTP_PORT": str(SMTP_PORT),
}
SURNAMES = {"Anna": "Ahrens", "Berta": "Brandt", "Carla": "Conrad"}
# Each its own address and phone number, so each is its own practice (the 7-day limit holds
# per practice too).
HOUSE_NUMBERS = {"Anna": "12", "Berta": "14", "Carla": "16"}
WEEKDAY_PHONE = [
    {
        "d": f"{day:02d}.12.",
        "t": label,
        "tszDesTyps": [
            {"typ": "Telefonische Erreichbarkeit", "sprechzeiten": [{"zeit": "08:00-09:00"}]}
        ],
    }
    for day, label in ((1, "Mo."), (2, "Di."), (3, "Mi."), (4, "Do."), (5, "Fr."))
]


class DevIdentity:
    """HS256 user tokens signed with JWT_SECRET, as `make token` gives them."""

    env: dict[str, str] = {}

    def token(self, role: str, subject: str) -> str:
        return make_token(role, subject)


class ProviderIdentity:
    """An identity provider's RS256 tokens with issuer and audience; its own service secret."""

    issuer = "https://idp.e2e.example/realms/psymatch"
    audience = "psymatch-api"

    def __init__(self) -> None:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.private_pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        public_pem = key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        self.env = {
            "JWT_ALGORITHM": "RS256",
            "JWT_PUBLIC_KEY": public_pem.decode(),
            "JWT_ISSUER": self.issuer,
            "JWT_AUDIENCE": self.audience,
            "SERVICE_JWT_SECRET": secrets.token_hex(32),
        }

    def token(self, role: str, subject: str) -> str:
        """Signed as the provider would, with PyJWT directly (not with the project's code)."""
        now = datetime.now(UTC)
        claims = {
            "sub": subject,
            "role": role,
            "iss": self.issuer,
            "aud": self.audience,
            "iat": now,
            "exp": now + timedelta(hours=1),
        }
        return jwt.encode(claims, self.private_pem, algorithm="RS256")


def stack(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "scripts/stack.py", *args],
        cwd=ROOT,
        env={**ENV, **(env or {})},
        text=True,
        capture_output=True,
        timeout=240,
    )


def stack_running(identity: DevIdentity | ProviderIdentity, scale: int = 1):
    """A fresh e2e database and the stack with clock override and the given identity (and
    `scale` web and worker processes per service); infrastructure stays up after."""
    if any(infra.port_open(port) for port in SERVICE_PORTS.values()):
        stack("down")  # services started without ALLOW_CLOCK_OVERRIDE must restart
        stack("infra")
    infra.reset_database(DATABASE)
    catcher = Controller(MailDirHandler(MAIL), hostname="127.0.0.1", port=SMTP_PORT)
    catcher.start()  # this test's own SMTP catcher: its mail folder is ours alone
    # Topics and consumer groups of their own for every stack: the local broker (tansu) stops
    # assigning partitions to a group whose members came and went many times before.
    fresh = {"KAFKA_TOPIC_PREFIX": f"e2e{uuid.uuid4().hex[:8]}-"}
    started = stack(
        "up", "--database", DATABASE, "--scale", str(scale), env={**identity.env, **fresh}
    )
    try:
        assert started.returncode == 0, started.stdout + started.stderr
        if scale > 1:  # really two of each: the second web master and worker of every service
            second = {p.stem for p in infra.PIDS.glob("*-2.pid")}
            expected = {f"{s}-{kind}-2" for s in SERVICE_PORTS for kind in ("web", "worker")}
            assert second == expected, second
        yield identity
    finally:
        stack("down")
        stack("infra")
        catcher.stop()


@pytest.fixture(scope="module")
def running():
    """The stack with the development identity (the other e2e modules use this one)."""
    yield from stack_running(DevIdentity())


@pytest.fixture(scope="module", params=["dev-hs256", "provider-rs256", "two-of-each"])
def running_as(request):
    """The stack once per identity (development HS256, an RS256 identity provider), then
    scaled out: two web and two worker processes per service (`make up SCALE=2`)."""
    if request.param == "provider-rs256":
        yield from stack_running(ProviderIdentity())
    else:
        yield from stack_running(DevIdentity(), scale=2 if request.param == "two-of-each" else 1)


def until(probe, what: str, timeout_s: float = 60.0):
    """Poll `probe` until it returns something truthy (never a bare sleep)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = probe()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


class Api:
    """Staff and admin calls to the six services."""

    def __init__(self, identity: DevIdentity | ProviderIdentity | None = None) -> None:
        identity = identity or DevIdentity()
        self.staff = {"Authorization": f"Bearer {identity.token('staff', 'e2e-staff')}"}
        self.admin = {"Authorization": f"Bearer {identity.token('admin', 'e2e-admin')}"}

    def call(self, method: str, service: str, path: str, status: int = 200, admin=False, **kwargs):
        headers = self.admin if admin else self.staff
        response = requests.request(
            method, URL[service] + path, headers=headers, timeout=30, **kwargs
        )
        assert response.status_code == status, (method, path, response.text)
        return response.json() if response.content else None

    def job(self, service: str, name: str, as_of: datetime | None = None):
        body = {"as_of": as_of.isoformat()} if as_of else {}
        return self.call("POST", service, f"/api/jobs/{name}/run", admin=True, json=body)

    def requests_of(self, patient_id: int) -> list[dict]:
        page = self.call(
            "GET", "matching", f"/api/placement-requests?patient_id={patient_id}&per_page=100"
        )
        return page["items"]


def practice(tag: str, name: str, lat: float, lon: float) -> dict:
    """One Arztsuche item: VT for adults, phone hours every weekday morning."""
    return {
        "id": f"{tag}-{name}",
        "arzt": False,
        "anrede": "Frau",
        "titel": "Dr.",
        "vorname": name,
        "name": f"Dr. {name} {SURNAMES[name]}",
        "geschlecht": "W",
        "strasse": "Lindenallee",
        "hausnummer": HOUSE_NUMBERS[name],
        "plz": "52062",
        "ort": "Aachen",
        "tel": f"0241 12345{HOUSE_NUMBERS[name]}",
        "handy": "",
        "fax": "",
        "email": f"{name.lower()}-{tag}@praxis.example",
        "web": "",
        "kv": "Nordrhein",
        "lat": lat,
        "lon": lon,
        "distance": 900,
        "keineSprechzeiten": False,
        "ag": [{"key": "PP", "value": "Psychologische Psychotherapeuten"}],
        "fg": ["Psychologische Psychotherapeutin"],
        "psy": ["Verhaltenstherapie für Erwachsene in Einzeltherapie"],
        "fs": [],
        "kvg": [],
        "tsz": WEEKDAY_PHONE,
    }


def import_practices(api: Api, tag: str, items: list[dict]) -> dict[str, int]:
    """Upload through scraping, run its job, wait for therapist ids (by e-mail address)."""
    body = {"arztPraxisDatas": items, "moreResults": False}
    api.call(
        "POST",
        "scraping",
        f"/api/imports?area=e2e-{tag}&full_run=false",
        status=202,
        admin=True,
        json=body,
    )
    api.job("scraping", "process-imports")
    wanted = {item["email"] for item in items}

    def known() -> dict[str, int]:
        page = api.call("GET", "therapist", "/api/therapists?per_page=100")
        found = {t["email"]: t["id"] for t in page["items"] if t.get("email") in wanted}
        return found if len(found) == len(wanted) else {}

    return until(known, "imported therapists in therapist_service")


def register(api: Api, first_name: str, tag: str) -> int:
    """A complete statutory patient in Aachen, then the search starts."""
    body = {
        "salutation": "Frau",
        "first_name": first_name,
        "last_name": "Geheimname",
        "gender": "female",
        "birth_date": "1990-05-01",
        "email": f"{first_name.lower()}-{tag}@patient.example",
        "phone": "0241 7654321",
        "address": {
            "street": "Lindenallee",
            "house_number": "3",
            "postal_code": "52062",
            "city": "Aachen",
        },
        "insurance": {"type": "statutory", "insurer": "AOK", "number": "A123456789"},
        "symptoms": ["depressed_mood"],
        "initial_consultation_date": "2025-12-15",
        "preferences": {"procedures": ["VT"], "max_distance_km": 25},
        "consent": {"version": "2026-01", "given_at": "2026-01-02T10:00:00+01:00"},
    }
    patient = api.call("POST", "patient", "/api/patients", status=201, json=body)
    api.call(
        "PUT", "patient", f"/api/patients/{patient['id']}/status", json={"status": "searching"}
    )
    return int(patient["id"])


def new_mails(before: set[str]) -> list[email.message.EmailMessage]:
    return [
        email.message_from_bytes(p.read_bytes(), policy=policy.default)
        for p in sorted(MAIL.glob("*.eml"))
        if p.name not in before
    ]


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content()


def mails_to(before: set[str], address: str) -> list:
    return [m for m in new_mails(before) if address in str(m["To"])]


def test_the_placement_loop_end_to_end(running_as):
    api, tag = Api(running_as), uuid.uuid4().hex[:8]
    before = {p.name for p in MAIL.glob("*.eml")}
    ids = import_practices(
        api, tag, [practice(tag, "Anna", 50.7770, 6.0850), practice(tag, "Berta", 50.7800, 6.0900)]
    )
    a_mail, b_mail = sorted(ids)
    first, second = register(api, "Paula", tag), register(api, "Petra", tag)
    # no matching job here: the search start (or a therapist arriving later) creates requests
    for patient in (first, second):
        until(lambda p=patient: len(api.requests_of(p)) == 2, f"two requests for {patient}")

    for therapist_id in ids.values():
        until(lambda t=therapist_id: carried(api, t) == 2, f"a draft for {therapist_id}")
    sent = api.job("communication", "send-emails")["result"]["delivered"]
    assert sent.get("sent", 0) >= 2, sent
    sent_at = datetime.now(UTC)
    batch = until(lambda: mails_to(before, a_mail), "the batch e-mail to Anna")[0]
    body = text_of(batch)
    assert "Sammelanfrage" in batch["Subject"] and "Sehr geehrte Frau Dr. Ahrens" in body
    assert "Geheimname" not in body and "patient.example" not in body
    first_request = {r["therapist_id"]: r for r in api.requests_of(first)}
    assert f"PR-{first_request[ids[a_mail]]['id']}" in body

    late = practice(tag, "Carla", 50.7790, 6.0870)
    carla = import_practices(api, tag, [late])[late["email"]]
    until(
        lambda: all(
            carla in {r["therapist_id"] for r in api.requests_of(p)} for p in (first, second)
        ),
        "requests for the new therapist Carla",
    )
    until(lambda: carried(api, carla) == 2, "Carla's unsent e-mail with both patients")
    draft = drafts_of(api, carla)[0]

    week_later = sent_at + timedelta(days=7, minutes=5)
    scheduled = api.job("communication", "follow-ups", week_later)["result"]["follow_up"]
    assert scheduled == {"scheduled": 2}, scheduled
    [call] = api.call("GET", "communication", f"/api/phone-calls?therapist_id={ids[a_mail]}")[
        "items"
    ]
    day = datetime.fromisoformat(call["slot_start"]).astimezone(infra_berlin()).date()
    listed = api.call("GET", "communication", f"/api/phone-calls?date={day.isoformat()}")
    assert call["id"] in [c["id"] for c in listed["items"]]
    assert call["therapist"]["phone"] == "+492411234512"  # Anna
    assert {p["patient_id"] for p in call["patients"]} == {first, second}
    until(
        lambda: (
            api.call(
                "GET", "matching", f"/api/placement-requests/{first_request[ids[a_mail]]['id']}"
            )["status"]
            == "follow_up_scheduled"
        ),
        "matching sees the follow-up call",
    )

    accepted = {
        "reached": True,
        "note": "Zusage am Telefon",
        "outcomes": [
            {"placement_request_id": first_request[ids[a_mail]]["id"], "outcome": "accepted"}
        ],
    }
    done = api.call("PUT", "communication", f"/api/phone-calls/{call['id']}/outcome", json=accepted)
    assert done["state"] == "completed"

    until(
        lambda: api.call("GET", "patient", f"/api/patients/{first}")["status"] == "placed",
        "patient placed",
    )
    statuses = until(lambda: settled(api, first), "the other requests cancelled")
    assert statuses == {ids[a_mail]: "accepted", ids[b_mail]: "cancelled", carla: "cancelled"}
    shrunk = until(
        lambda: (
            len(
                api.call("GET", "communication", f"/api/emails/{draft['id']}")[
                    "placement_request_ids"
                ]
            )
            == 1
        ),
        "Carla's e-mail shrinks",
    )
    assert shrunk
    [b_call] = api.call("GET", "communication", f"/api/phone-calls?therapist_id={ids[b_mail]}")[
        "items"
    ]
    assert [p["patient_id"] for p in b_call["patients"]] == [second]

    # The placement-found e-mail is written when communication consumes PatientPlaced, which
    # may come after the checks above: wait for it before sending (a race seen in a run).
    until(
        lambda: [
            e
            for e in api.call("GET", "communication", f"/api/emails?patient_id={first}")["items"]
            if e["state"] in ("draft", "queued")
        ],
        "the placement-found e-mail in communication",
    )
    api.job("communication", "send-emails")
    patient_mail = f"paula-{tag}@patient.example"
    found = until(
        lambda: [m for m in mails_to(before, patient_mail) if "Ahrens" in text_of(m)],
        "the placement-found e-mail",
    )
    assert "0241" in text_of(found[0]) or "+49241" in text_of(found[0])
    carla_mail = until(lambda: mails_to(before, late["email"]), "Carla's e-mail")[0]
    to_carla = {r["therapist_id"]: r["id"] for r in api.requests_of(first)}[carla]
    assert f"PR-{to_carla}" not in text_of(carla_mail)

    history = api.call("GET", "communication", f"/api/therapists/{ids[a_mail]}/contact-history")
    cooling_until = datetime.fromisoformat(history["cooling_until"])
    assert timedelta(days=27) < cooling_until - datetime.now(UTC) <= timedelta(days=28)
    third = register(api, "Rita", tag)
    api.job("matching", "matching-round")
    until(lambda: len(api.requests_of(third)) == 2, "requests for a later patient")
    assert ids[a_mail] not in {r["therapist_id"] for r in api.requests_of(third)}
    check = api.call("GET", "matching", f"/api/patients/{third}/candidates/{ids[a_mail]}")
    assert "cooling" in str(check)
    stats = api.call("GET", "matching", "/api/statistics")
    assert stats["placements"] >= 1
    api.job("communication", "outreach", datetime.now(UTC) + timedelta(days=21))
    assert not [
        e
        for e in api.call("GET", "communication", f"/api/emails?therapist_id={ids[a_mail]}")[
            "items"
        ]
        if e["state"] in ("draft", "queued")
    ]
    for patient_id in (first, second, third):  # never two requests for one pair
        pairs = [r["therapist_id"] for r in api.requests_of(patient_id)]
        assert len(pairs) == len(set(pairs)), (patient_id, pairs)
    for therapist_id in (ids[a_mail], ids[b_mail]):  # no request in two inquiry e-mails
        emails = api.call("GET", "communication", f"/api/emails?therapist_id={therapist_id}")
        carried_ids = [
            request_id
            for e in emails["items"]
            if e["purpose"] == "outreach"
            for request_id in api.call("GET", "communication", f"/api/emails/{e['id']}")[
                "placement_request_ids"
            ]
        ]
        assert len(carried_ids) == len(set(carried_ids)), carried_ids


def drafts_of(api: Api, therapist_id: int) -> list[dict]:
    """The therapist's outreach e-mails not composed yet."""
    page = api.call("GET", "communication", f"/api/emails?therapist_id={therapist_id}")
    return [e for e in page["items"] if e["state"] == "draft" and e["purpose"] == "outreach"]


def carried(api: Api, therapist_id: int) -> int:
    """How many requests the therapist's draft carries (0 without a draft)."""
    drafts = drafts_of(api, therapist_id)
    if not drafts:
        return 0
    email_ = api.call("GET", "communication", f"/api/emails/{drafts[0]['id']}")
    return len(email_["placement_request_ids"])


def settled(api: Api, patient_id: int) -> dict[int, str] | None:
    """Therapist → request status once no request of the patient is open any more."""
    found = {r["therapist_id"]: r["status"] for r in api.requests_of(patient_id)}
    return found if set(found.values()) <= {"accepted", "cancelled"} else None


def infra_berlin():
    from zoneinfo import ZoneInfo

    return ZoneInfo("Europe/Berlin")
