"""Helpers of the console tests: the six services faked at the HTTP level (`responses`).

`console.client("staff")` gives a logged-in test client; `console.api` is the `responses` mock
(register what a page calls: `console.api.get(url("patient", "/api/patients"), json=...)`);
`form_token(client, path)` reads the CSRF token of a page's form.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import jwt
import responses
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine
from support.testdb import TEST_DB

from staff_console import accounts
from staff_console.config import SERVICES, ConsoleSettings

PASSWORD = "correct horse battery"
ADMIN_URL = f"postgresql+psycopg2://postgres@127.0.0.1:5432/{TEST_DB}"
DB_URL = f"postgresql+psycopg2://staff_console:staff_console-dev@127.0.0.1:6432/{TEST_DB}"


def url(service: str, path: str) -> str:
    """Where the fake of a service answers."""
    return f"http://{service}.test{path}"


def settings(keys: dict[str, str], **overrides: Any) -> ConsoleSettings:
    values: dict[str, Any] = {
        "environment": "test",
        "console_database_url": DB_URL,
        "console_secret_key": "console-tests-session-key-console-tests",
        "console_jwt_private_key": keys["private"],
        **{f"{name}_service_url": url(name, "") for name in SERVICES},
    }
    values.update(overrides)
    return ConsoleSettings(_env_file=None, **values)


def form_token(client: FlaskClient, path: str) -> str:
    page = client.get(path)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))
    assert match, f"no CSRF token on {path}: {page.status_code}"
    return match.group(1)


@dataclass
class Console:
    app: Flask
    api: responses.RequestsMock
    keys: dict[str, str]

    def login(self, client: FlaskClient, username: str, password: str = PASSWORD):
        token = form_token(client, "/login")
        return client.post(
            "/login", data={"username": username, "password": password, "csrf_token": token}
        )

    def client(self, role: str = "staff", username: str | None = None) -> FlaskClient:
        """A test client logged in as a fresh account of this role."""
        name = username or f"{role}-{next(_counter)}"
        make_account(name, role)
        client = self.app.test_client()
        response = self.login(client, name)
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    def post(
        self, client: FlaskClient, path: str, data: dict | None = None, form: str | None = None
    ):
        """POST a form with the CSRF token read from `form` (default: the same path)."""
        token = form_token(client, form or path)
        return client.post(path, data={**(data or {}), "csrf_token": token})

    def bearer_claims(self, call_index: int = -1) -> dict[str, Any]:
        """The claims of the token the console sent with a recorded service call."""
        header = self.api.calls[call_index].request.headers["Authorization"]
        return jwt.decode(
            header.removeprefix("Bearer "),
            self.keys["public"],
            algorithms=["RS256"],
            audience="psymatch-services",
        )


def _numbers() -> Iterator[int]:
    n = 0
    while True:
        n += 1
        yield n


_counter = _numbers()


def make_account(username: str, role: str, password: str = PASSWORD, active: bool = True):
    from sqlalchemy.orm import Session

    engine = create_engine(DB_URL)
    with Session(engine) as session, session.begin():
        account = accounts.create_account(
            session, username, username.title(), role, password, "tests", must_change_password=False
        )
        account.active = active
    engine.dispose()
