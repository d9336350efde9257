"""First start of the console: its RS256 key pair, its session key and the first admin account.

`python -m staff_console.bootstrap --keys DIR` writes `console-jwt.pem` (private, 0600),
`console-jwt.pub.pem` (for the services' CONSOLE_JWT_PUBLIC_KEY_FILE) and
`console-session-key` into DIR when missing; `--admin-password-file FILE` creates the account
`admin` when the console has no account yet and keeps its password in FILE (printed once).
"""

from __future__ import annotations

import argparse
import secrets
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from staff_console import accounts
from staff_console.models import Account

PRIVATE_KEY = "console-jwt.pem"
PUBLIC_KEY = "console-jwt.pub.pem"
SESSION_KEY = "console-session-key"
FIRST_ADMIN = "admin"


def _write(path: Path, content: str, mode: int) -> None:
    path.write_text(content, encoding="utf-8")
    path.chmod(mode)


def new_private_key() -> str:
    """A new RS256 signing key (RSA 2048, PKCS#8 PEM, unencrypted)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def public_key_of(private_pem: str) -> str:
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def ensure_keys(folder: Path) -> bool:
    """The key pair and the session key, generated once; True when they were written now."""
    folder.mkdir(parents=True, exist_ok=True)
    private, public = folder / PRIVATE_KEY, folder / PUBLIC_KEY
    written = False
    if not private.exists():
        _write(private, new_private_key(), 0o600)
        public.unlink(missing_ok=True)
        written = True
    if not public.exists():
        _write(public, public_key_of(private.read_text(encoding="utf-8")), 0o644)
    session_key = folder / SESSION_KEY
    if not session_key.exists():
        _write(session_key, secrets.token_hex(32) + "\n", 0o600)
    return written


def ensure_first_admin(database_url: str, password_file: Path) -> str | None:
    """Create `admin` when there is no account at all. Its password is the one in
    `password_file` when that exists (compose: a secret file), else a new one written there;
    the new password is returned (to be printed once), else None."""
    given = password_file.read_text(encoding="utf-8").strip() if password_file.exists() else ""
    engine = create_engine(database_url)
    try:
        with Session(engine) as session, session.begin():
            if session.scalar(select(func.count()).select_from(Account)):
                return None
            password = given or accounts.generate_password()
            accounts.create_account(
                session,
                FIRST_ADMIN,
                "Erste Administration",
                "admin",
                password,
                actor="bootstrap",
                must_change_password=False,
            )
    finally:
        engine.dispose()
    if given:
        return None
    password_file.parent.mkdir(parents=True, exist_ok=True)
    _write(password_file, password + "\n", 0o600)
    return password


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--keys", type=Path, help="folder of the key pair and session key")
    parser.add_argument("--database-url", help="the console's database (role staff_console)")
    parser.add_argument("--admin-password-file", type=Path)
    args = parser.parse_args()
    if args.keys:
        ensure_keys(args.keys)
    if args.admin_password_file:
        from staff_console.config import ConsoleSettings

        url = args.database_url or ConsoleSettings().db_url()
        password = ensure_first_admin(url, args.admin_password_file)
        if password:
            print(f"first console login: {FIRST_ADMIN} / {password}")


if __name__ == "__main__":
    main()
