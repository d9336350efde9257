"""Fixtures: the communication app on the migrated test database, a private SMTP catcher,
a fake clock and a fake contact directory."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from integration.communication_service.helpers import SECRET, START, settings
from support.brokers import free_port
from support.tables import empty_domain_tables

from communication_service import models
from communication_service.app import create_app
from communication_service.clients.directory import FakeDirectory
from communication_service.handlers import build_handlers
from scripts.smtp_catcher import MailDirHandler
from shared.clock import FakeClock
from shared.http.auth import issue_token


@pytest.fixture(scope="session", autouse=True)
def migrated_database(migrated_db: str) -> str:
    return migrated_db


class Catcher:
    """The project's catching SMTP handler on a free port, writing into a temp folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(
            MailDirHandler(self.folder), hostname="127.0.0.1", port=self.port
        )
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture
def catcher(tmp_path):
    smtp = Catcher(tmp_path / "mail")
    smtp.folder.mkdir()
    smtp.start()
    yield smtp
    smtp.stop()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def directory() -> FakeDirectory:
    return FakeDirectory()


@pytest.fixture
def app(catcher, clock, directory):
    prefix = f"t{uuid.uuid4().hex[:10]}-"
    application = create_app(
        settings(kafka_topic_prefix=prefix, smtp_port=catcher.port, allow_clock_override=True),
        clock=clock,
        directory=directory,
    )
    yield application
    application.extensions["psymatch"].engine.dispose()


@pytest.fixture
def ctx(app):
    """The service context on a communication schema without other tests' rows (jobs see
    every row of the schema, so each test starts from empty domain tables)."""
    context = app.extensions["psymatch"]
    empty_domain_tables(context.engine, models.metadata)
    return context


@pytest.fixture
def handlers(ctx):
    return build_handlers(ctx)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def staff():
    return {"Authorization": f"Bearer {issue_token(SECRET, 'staff-tester', 'staff')}"}


@pytest.fixture
def admin():
    return {"Authorization": f"Bearer {issue_token(SECRET, 'admin-tester', 'admin')}"}


@pytest.fixture
def therapist(directory):
    """Register a therapist in the fake directory; returns a factory of ids."""

    def make(email: bool = True, **fields) -> int:
        therapist_id = fields.pop("therapist_id", None) or uuid.uuid4().int % 10**12 + 10**9
        directory.therapists[therapist_id] = {
            "id": therapist_id,
            "salutation": "Frau",
            "title": "Dr.",
            "first_name": "Miriam",
            "last_name": "Testfeld",
            "email": f"praxis-{therapist_id}@testfeld.example" if email else None,
            "phone": "+492411234567",
            "street": "Praxisweg",
            "house_number": "3",
            "postal_code": "52062",
            "city": "Aachen",
            "phone_hours": {"mon": ["08:00-08:50"]},
            **fields,
        }
        return therapist_id

    return make
