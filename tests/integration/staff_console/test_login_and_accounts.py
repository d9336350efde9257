"""Login, lockout, idle timeout, roles, CSRF and the admin's account page."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import create_engine, text
from support.console import PASSWORD, form_token, make_account

from staff_console.config import ConsoleSettings

pytestmark = pytest.mark.integration


def audit_events(username: str) -> list[str]:
    from support.console import ADMIN_URL

    engine = create_engine(ADMIN_URL)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT event FROM staff_console.login_audit WHERE username=:u ORDER BY id"),
            {"u": username},
        )
        events = [row[0] for row in rows]
    engine.dispose()
    return events


def test_every_page_redirects_to_the_login_without_a_session(console):
    client = console.app.test_client()
    for path in ("/", "/admin/konten", "/passwort"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")


def test_login_logout_and_failed_logins_are_audited(console):
    make_account("lena", "staff")
    client = console.app.test_client()
    failed = console.login(client, "lena", "wrong password")
    assert failed.status_code == 401
    assert "Benutzername oder Passwort ist falsch" in failed.get_data(as_text=True)
    assert 'value="lena"' in failed.get_data(as_text=True)  # what was typed stays
    assert console.login(client, "lena").status_code == 302
    assert client.get("/").status_code == 200
    logout = console.post(client, "/logout", form="/")
    assert logout.status_code == 302
    assert client.get("/").status_code == 302
    assert audit_events("lena") == ["account_created", "login_failed", "login", "logout"]


def test_five_failures_lock_the_account_even_with_the_right_password(console):
    make_account("max", "staff")
    client = console.app.test_client()
    for _ in range(5):
        console.login(client, "max", "wrong password")
    locked = console.login(client, "max", PASSWORD)
    assert locked.status_code == 401
    assert "vorübergehend gesperrt" in locked.get_data(as_text=True)
    assert "lockout" in audit_events("max")


def test_a_disabled_account_cannot_log_in(console):
    make_account("gone", "staff", active=False)
    response = console.login(console.app.test_client(), "gone")
    assert response.status_code == 401
    assert "deaktiviert" in response.get_data(as_text=True)


def test_the_session_ends_after_the_idle_timeout(console, monkeypatch):
    """30 idle minutes (CONSOLE_IDLE_MINUTES) on a moved clock: at exactly 30 the session
    holds (and the request renews it), one second more after that it is gone."""
    idle = console.app.extensions["console_settings"].console_idle_minutes * 60
    assert idle == 30 * 60
    client = console.client("staff")
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now)
    assert client.get("/").status_code == 200
    monkeypatch.setattr(time, "time", lambda: now + idle)
    assert client.get("/").status_code == 200
    monkeypatch.setattr(time, "time", lambda: now + 2 * idle + 1)
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_session_cookie_is_httponly_and_samesite(console):
    make_account("cookie", "staff")
    client = console.app.test_client()
    response = console.login(client, "cookie")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # only in production


def test_production_sets_secure_cookies_and_refuses_weak_secrets(keys):
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="CONSOLE_SECRET_KEY"):
        ConsoleSettings(_env_file=None, environment="production")
    from support.console import DB_URL

    strong = ConsoleSettings(
        _env_file=None,
        environment="production",
        console_secret_key="x" * 40,
        console_jwt_private_key=keys["private"],
        console_database_url=DB_URL,
    )
    from staff_console.app import create_app

    app = create_app(strong)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    app.extensions["console_engine"].dispose()


def test_a_form_without_its_csrf_token_is_refused(console):
    client = console.client("admin")
    response = client.post("/admin/konten", data={"username": "x", "display_name": "X"})
    assert response.status_code == 400
    assert "Formular" in response.get_data(as_text=True)
    login = console.app.test_client().post("/login", data={"username": "x", "password": "y"})
    assert login.status_code == 400


def test_staff_may_not_open_the_account_page(console):
    client = console.client("staff")
    response = client.get("/admin/konten")
    assert response.status_code == 403
    assert "Administration vorbehalten" in response.get_data(as_text=True)
    assert "Konten" not in response.get_data(as_text=True).split("<main")[0]  # not in the menu


def test_admin_creates_an_account_that_must_change_its_password(console):
    admin = console.client("admin")
    response = console.post(
        admin, "/admin/konten", {"username": "neu", "display_name": "Nele Neu", "role": "staff"}
    )
    assert response.status_code == 302
    page = admin.get("/admin/konten").get_data(as_text=True)
    password = page.split("Einmaliges Passwort: ")[1].split(" ")[0]
    assert "Nele Neu" in page
    client = console.app.test_client()
    assert console.login(client, "neu", password).status_code == 302
    assert client.get("/").headers["Location"].endswith("/passwort")
    changed = console.post(
        client,
        "/passwort",
        {
            "current_password": password,
            "new_password": "a new long password",
            "repeat_password": "a new long password",
        },
    )
    assert changed.status_code == 302
    assert client.get("/").status_code == 200


def test_account_form_errors_stand_next_to_their_fields_and_keep_the_input(console):
    admin = console.client("admin")
    make_account("taken", "staff")
    response = console.post(
        admin, "/admin/konten", {"username": "taken", "display_name": "Typed Name", "role": ""}
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="e-username"' in html and "gibt es schon" in html
    assert 'id="e-role"' in html and "Rolle" in html
    assert 'value="Typed Name"' in html


def test_admin_disables_enables_and_resets_an_account(console):
    admin = console.client("admin")
    make_account("temp", "staff")
    from support.console import ADMIN_URL

    engine = create_engine(ADMIN_URL)
    with engine.connect() as conn:
        account_id = conn.execute(
            text("SELECT id FROM staff_console.accounts WHERE username='temp'")
        ).scalar()
    engine.dispose()
    token = form_token(admin, "/admin/konten")
    admin.post(f"/admin/konten/{account_id}/deaktivieren", data={"csrf_token": token})
    assert console.login(console.app.test_client(), "temp").status_code == 401
    admin.post(f"/admin/konten/{account_id}/aktivieren", data={"csrf_token": token})
    assert console.login(console.app.test_client(), "temp").status_code == 302
    admin.post(f"/admin/konten/{account_id}/zuruecksetzen", data={"csrf_token": token})
    assert console.login(console.app.test_client(), "temp").status_code == 401
    assert audit_events("temp")[-4:-1] == ["account_enabled", "login", "password_reset"]


def test_login_redirects_only_within_the_console(console):
    make_account("nav", "staff")
    client = console.app.test_client()
    token = form_token(client, "/login")
    response = client.post(
        "/login?next=//evil.example/x",
        data={"username": "nav", "password": PASSWORD, "csrf_token": token},
    )
    assert response.headers["Location"] == "/"
