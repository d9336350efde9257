"""Fixtures: the therapist app on the migrated test database, staff headers, outbox readers."""

from __future__ import annotations

import uuid

import pytest
from integration.therapist_service.helpers import SECRET, settings

from shared.clock import FakeClock
from shared.http.auth import issue_token
from therapist_service.app import create_app


@pytest.fixture(scope="session", autouse=True)
def migrated_database(migrated_db: str) -> str:
    """Every test here needs the schemas at head (the shared fixture migrates once)."""
    return migrated_db


@pytest.fixture
def app():
    prefix = f"t{uuid.uuid4().hex[:10]}-"  # isolates this test's outbox rows
    application = create_app(settings(kafka_topic_prefix=prefix), clock=FakeClock())
    yield application
    application.extensions["psymatch"].engine.dispose()


@pytest.fixture
def ctx(app):
    return app.extensions["psymatch"]


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def staff():
    return {"Authorization": f"Bearer {issue_token(SECRET, 'staff-tester', 'staff')}"}


@pytest.fixture
def token_word() -> str:
    """A unique word to find this test's therapists among everybody else's."""
    return f"Zz{uuid.uuid4().hex[:10]}"
