"""Frozen migration vocabularies match the code; MIME messages; the handler registry."""

from __future__ import annotations

import email
import importlib.util
from datetime import UTC, datetime
from email import policy
from pathlib import Path

import pytest
import requests

from communication_service.clients.directory import DirectoryUnavailable, HttpDirectory
from communication_service.clients.smtp import SmtpConfig, build_message, new_message_id
from communication_service.domain.emails import EmailState
from communication_service.domain.requests import RequestState
from communication_service.handlers import REACTIONS
from shared.events.envelope import EVENT_SCHEMAS
from shared.vocabulary import CONTACT_CHANNELS, Channel, ResponseOutcome, values

ROOT = Path(__file__).resolve().parents[3]
MIGRATION = ROOT / "migrations/communication_service/versions/0002_outreach.py"
LINK_MIGRATION = ROOT / "migrations/communication_service/versions/0006_answer_links.py"


def migration(path=MIGRATION):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_frozen_vocabularies_equal_the_code():
    frozen = migration()
    assert frozen.EMAIL_STATES == values(EmailState)
    assert frozen.REQUEST_STATES == values(RequestState)
    assert frozen.OUTCOMES == values(ResponseOutcome)
    # 0002 froze the contact channels (still those of therapists.preferred_channel); 0006 added
    # `link` to the channels of answers and ledger entries
    assert frozen.CHANNELS == tuple(CONTACT_CHANNELS)
    assert migration(LINK_MIGRATION).CHANNELS == values(Channel)


def test_message_has_both_parts_and_the_pregenerated_message_id():
    config = SmtpConfig()
    message_id = new_message_id(config, 88)
    row = {
        "to_address": "praxis@example.org",
        "subject": "Anfrage Therapieplatz",
        "message_id": message_id,
        "queued_at": datetime(2026, 1, 5, tzinfo=UTC),
        "body_text": "Grüße\n",
        "body_html": "<p>Grüße</p>",
    }
    message = email.message_from_bytes(build_message(config, row).as_bytes(), policy=policy.default)
    assert message["Message-ID"].strip() == message_id and "psymatch.88" in message_id
    assert message["Subject"] == "Anfrage Therapieplatz"
    assert message.get_body(("plain",)).get_content() == "Grüße\n"
    assert message.get_body(("html",)).get_content().strip() == "<p>Grüße</p>"


def test_every_consumed_event_type_has_a_schema():
    known = {event_type for event_type, _ in EVENT_SCHEMAS}
    assert set(REACTIONS) <= known
    assert "matching.placement_requests_created" in REACTIONS


class FakeResponse:
    def __init__(self, status: int, body: dict | None = None) -> None:
        self.status_code = status
        self._body = body or {}

    def json(self) -> dict:
        return self._body


class FakeSession:
    def __init__(self, answer) -> None:
        self.answer = answer
        self.calls: list[tuple[str, dict]] = []

    def get(self, url, headers, timeout):
        self.calls.append((url, headers))
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


def directory(answer) -> tuple[HttpDirectory, FakeSession]:
    session = FakeSession(answer)
    return HttpDirectory("http://t", "http://p/", lambda: "tok", 1.0, session), session


def test_directory_sends_a_service_token_and_maps_answers():
    client, session = directory(FakeResponse(200, {"email": "a@b.de"}))
    assert client.therapist(7) == {"email": "a@b.de"}
    assert session.calls == [("http://t/api/therapists/7", {"Authorization": "Bearer tok"})]
    assert directory(FakeResponse(404))[0].patient(1) is None
    with pytest.raises(DirectoryUnavailable):
        directory(FakeResponse(403))[0].patient(1)
    with pytest.raises(DirectoryUnavailable):
        directory(requests.ConnectionError("down"))[0].therapist(1)
