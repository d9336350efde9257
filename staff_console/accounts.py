"""Console accounts: argon2 password hashes, login with lockout, admin changes, audit rows."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from staff_console.lockout import LockoutRule, LoginState
from staff_console.models import ROLES, Account, LoginAudit

HASHER = PasswordHasher()
MIN_PASSWORD_LENGTH = 12
# A dummy hash verified when the user name is unknown, so both cases take the same time.
_DUMMY_HASH = HASHER.hash(secrets.token_hex(16))


class AccountError(ValueError):
    """A change refused, with a German message per field."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True)
class LoginResult:
    account: Account | None
    message: str | None = None


def utcnow() -> datetime:
    return datetime.now(UTC)


def generate_password() -> str:
    """A random password for a new or reset account, shown once to the admin."""
    return secrets.token_urlsafe(12)


def audit(
    session: Session,
    event: str,
    username: str,
    actor: str | None = None,
    remote_addr: str | None = None,
    detail: str | None = None,
    now: datetime | None = None,
) -> None:
    session.add(
        LoginAudit(
            occurred_at=now or utcnow(),
            event=event,
            username=username,
            actor=actor,
            remote_addr=remote_addr,
            detail=detail,
        )
    )


def _state(account: Account) -> LoginState:
    return LoginState(account.failed_logins, account.first_failed_at, account.locked_until)


def _apply(account: Account, state: LoginState) -> None:
    account.failed_logins = state.failed_logins
    account.first_failed_at = state.first_failed_at
    account.locked_until = state.locked_until


FAILED = "Benutzername oder Passwort ist falsch."
LOCKED = (
    "Das Konto ist nach zu vielen Fehlversuchen vorübergehend gesperrt. "
    "Bitte später erneut versuchen."
)
DISABLED = "Dieses Konto ist deaktiviert. Bitte wenden Sie sich an die Administration."


def login(
    session: Session,
    rule: LockoutRule,
    username: str,
    password: str,
    remote_addr: str | None,
    clock: Callable[[], datetime] = utcnow,
) -> LoginResult:
    """Check a login; failures count towards the lockout; every outcome is audited."""
    now = clock()
    account = session.scalar(
        select(Account).where(func.lower(Account.username) == username.strip().lower())
    )
    if account is None:
        _verify(_DUMMY_HASH, password)
        audit(session, "login_failed", username[:64], None, remote_addr, "unknown user", now)
        return LoginResult(None, FAILED)
    if rule.is_locked(_state(account), now):
        audit(session, "login_locked", account.username, None, remote_addr, None, now)
        return LoginResult(None, LOCKED)
    if not _verify(account.password_hash, password):
        return _failed(session, rule, account, remote_addr, now)
    if not account.active:
        audit(session, "login_disabled", account.username, None, remote_addr, None, now)
        return LoginResult(None, DISABLED)
    _apply(account, rule.after_success())
    account.last_login_at = now
    if HASHER.check_needs_rehash(account.password_hash):
        account.password_hash = HASHER.hash(password)
    audit(session, "login", account.username, account.username, remote_addr, None, now)
    return LoginResult(account)


def _failed(
    session: Session, rule: LockoutRule, account: Account, remote_addr: str | None, now: datetime
) -> LoginResult:
    """A wrong password counts towards the lockout; the one that locks is audited as such."""
    _apply(account, rule.after_failure(_state(account), now))
    locked = rule.is_locked(_state(account), now)
    event = "lockout" if locked else "login_failed"
    detail = f"{account.failed_logins} failed"
    audit(session, event, account.username, None, remote_addr, detail, now)
    return LoginResult(None, LOCKED if locked else FAILED)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def validate_new_account(
    session: Session, username: str, display_name: str, role: str
) -> dict[str, str]:
    errors: dict[str, str] = {}
    name = username.strip()
    if not name:
        errors["username"] = "Bitte einen Benutzernamen angeben."
    elif len(name) > 64 or not all(c.isalnum() or c in "._-" for c in name):
        errors["username"] = (
            "Nur Buchstaben, Ziffern, Punkt, Bindestrich und Unterstrich (höchstens 64 Zeichen)."
        )
    elif session.scalar(select(Account.id).where(func.lower(Account.username) == name.lower())):
        errors["username"] = "Diesen Benutzernamen gibt es schon."
    if not display_name.strip():
        errors["display_name"] = "Bitte den Namen der Person angeben."
    elif len(display_name.strip()) > 120:
        errors["display_name"] = "Höchstens 120 Zeichen."
    if role not in ROLES:
        errors["role"] = "Bitte eine Rolle wählen."
    return errors


def validate_password(password: str) -> str | None:
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Das Passwort braucht mindestens {MIN_PASSWORD_LENGTH} Zeichen."
    return None


def create_account(
    session: Session,
    username: str,
    display_name: str,
    role: str,
    password: str,
    actor: str,
    must_change_password: bool = True,
) -> Account:
    errors = validate_new_account(session, username, display_name, role)
    problem = validate_password(password)
    if problem:
        errors["password"] = problem
    if errors:
        raise AccountError(errors)
    account = Account(
        username=username.strip(),
        display_name=display_name.strip(),
        role=role,
        password_hash=HASHER.hash(password),
        active=True,
        must_change_password=must_change_password,
        failed_logins=0,
        created_at=utcnow(),
    )
    session.add(account)
    audit(session, "account_created", account.username, actor, detail=f"role {role}")
    return account


def set_active(session: Session, account: Account, active: bool, actor: str) -> None:
    account.active = active
    if active:
        _apply(account, LockoutRule.after_success())
    audit(session, "account_enabled" if active else "account_disabled", account.username, actor)


def reset_password(session: Session, account: Account, password: str, actor: str) -> None:
    account.password_hash = HASHER.hash(password)
    account.must_change_password = True
    _apply(account, LockoutRule.after_success())
    audit(session, "password_reset", account.username, actor)


def change_own_password(session: Session, account: Account, current: str, new: str) -> None:
    errors: dict[str, str] = {}
    if not _verify(account.password_hash, current):
        errors["current_password"] = "Das bisherige Passwort stimmt nicht."
    problem = validate_password(new)
    if problem:
        errors["new_password"] = problem
    if errors:
        raise AccountError(errors)
    account.password_hash = HASHER.hash(new)
    account.must_change_password = False
    audit(session, "password_changed", account.username, account.username)
