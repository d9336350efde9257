"""The console on the test database; the six services faked at the HTTP level (`responses`).

`console.client("staff")` gives a logged-in test client; `console.api` is the `responses` mock
(register what a page calls: `console.api.get(url("patient", "/api/patients"), json=...)`);
`form_token(client, path)` (support.console) reads the CSRF token of a page's form.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import responses
from sqlalchemy import create_engine, text
from support.console import ADMIN_URL, Console, settings

from staff_console.app import create_app
from staff_console.bootstrap import ensure_keys

pytestmark = pytest.mark.integration


@pytest.fixture(scope="session", autouse=True)
def migrated_database(migrated_db: str) -> str:
    return migrated_db


@pytest.fixture(scope="session")
def keys(tmp_path_factory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("console-keys")
    ensure_keys(folder)
    return {
        "private": (folder / "console-jwt.pem").read_text(),
        "public": (folder / "console-jwt.pub.pem").read_text(),
    }


@pytest.fixture(scope="session")
def clean_accounts(migrated_database) -> None:
    engine = create_engine(ADMIN_URL)
    with engine.begin() as conn:
        conn.execute(text("TRUNCATE staff_console.accounts, staff_console.login_audit"))
    engine.dispose()


@pytest.fixture
def console(keys, clean_accounts) -> Iterator[Console]:
    app = create_app(settings(keys))
    app.config["TESTING"] = True
    with responses.RequestsMock(assert_all_requests_are_fired=False) as api:
        yield Console(app, api, keys)
    app.extensions["console_engine"].dispose()
