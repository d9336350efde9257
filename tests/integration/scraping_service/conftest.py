"""Fixtures: the test database through PgBouncer, apps with a fake clock, admin/staff tokens."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from integration.scraping_service.helpers import SECRET, settings

from scraping_service.app import create_app
from shared.clock import FakeClock
from shared.http.auth import issue_token

pytestmark = pytest.mark.integration


@pytest.fixture(scope="session", autouse=True)
def migrated_database(migrated_db: str) -> str:
    """Every test here needs the schemas at head (the shared fixture migrates once)."""
    return migrated_db


@pytest.fixture
def make_app() -> Iterator[Callable[..., Flask]]:
    """Build apps for one test; their connection pools are closed afterwards."""
    built: list[Flask] = []

    def build(**overrides: Any) -> Flask:
        app = create_app(settings=settings(**overrides), clock=FakeClock())
        built.append(app)
        return app

    yield build
    for app in built:
        app.extensions["psymatch"].engine.dispose()


@pytest.fixture
def app(make_app) -> Flask:
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def admin() -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(SECRET, 'admin-tests', 'admin')}"}


@pytest.fixture
def staff() -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(SECRET, 'staff-tests', 'staff')}"}


@pytest.fixture
def tag() -> str:
    """A unique prefix for this test's external ids and area, so tests never share state."""
    return f"t{uuid.uuid4().hex[:8]}"
