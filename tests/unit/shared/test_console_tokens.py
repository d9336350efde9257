"""Tokens the staff console mints per person (RS256) beside user and service tokens."""

from datetime import UTC, datetime, timedelta

import jwt
import pytest

from shared.config import BaseServiceSettings
from shared.http.auth import (
    CONSOLE_ISSUER,
    SERVICE_AUDIENCE,
    build_authenticator,
    issue_console_token,
    issue_token,
)
from shared.http.errors import ApiError
from staff_console.bootstrap import new_private_key, public_key_of


def key_pair() -> tuple[str, str]:
    """A console key pair, made the way `make up` and make-secrets make it."""
    private = new_private_key()
    return private, public_key_of(private)


PRIVATE, PUBLIC = key_pair()


def authenticator(public_key: str | None = PUBLIC):
    settings = BaseServiceSettings(
        _env_file=None, service_name="patient_service", console_jwt_public_key=public_key
    )
    return build_authenticator(settings), settings


def refused(verify, token: str) -> str:
    with pytest.raises(ApiError) as info:
        verify(token)
    assert info.value.status == 401
    return info.value.message


def test_a_console_token_names_the_person_and_their_role():
    auth, _ = authenticator()
    principal = auth.verify(issue_console_token(PRIVATE, "erika", "staff"))
    assert (principal.subject, principal.role) == ("console:erika", "staff")
    assert auth.verify(issue_console_token(PRIVATE, "root", "admin")).role == "admin"


def test_user_tokens_signed_with_jwt_secret_keep_working_beside_console_tokens():
    auth, settings = authenticator()
    token = issue_token(settings.jwt_secret.get_secret_value(), "dev-staff", "staff")
    assert auth.verify(token).subject == "dev-staff"


def test_console_tokens_are_refused_without_the_configured_key():
    auth, _ = authenticator(None)
    assert "console" in refused(auth.verify, issue_console_token(PRIVATE, "erika", "staff"))


def test_a_token_from_another_key_pair_is_refused():
    other_private, _ = key_pair()
    auth, _ = authenticator()
    refused(auth.verify, issue_console_token(other_private, "mallory", "admin"))


def test_hs256_claiming_the_console_issuer_is_refused():
    auth, settings = authenticator()
    forged = issue_token(
        settings.jwt_secret.get_secret_value(),
        "console:mallory",
        "admin",
        issuer=CONSOLE_ISSUER,
        audience=SERVICE_AUDIENCE,
    )
    refused(auth.verify, forged)


def test_console_tokens_expire_within_minutes_and_never_carry_service():
    auth, _ = authenticator()
    old = datetime.now(UTC) - timedelta(minutes=3)
    refused(auth.verify, issue_console_token(PRIVATE, "erika", "staff", now=old))
    with pytest.raises(ValueError):
        issue_console_token(PRIVATE, "erika", "service")
    forged = jwt.encode(
        {
            "sub": "console:x",
            "role": "service",
            "iss": CONSOLE_ISSUER,
            "aud": SERVICE_AUDIENCE,
            "exp": datetime.now(UTC) + timedelta(minutes=1),
        },
        PRIVATE,
        algorithm="RS256",
    )
    refused(auth.verify, forged)


def test_the_console_issuer_is_reserved_for_user_tokens():
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="reserved"):
        BaseServiceSettings(jwt_issuer=CONSOLE_ISSUER, _env_file=None)


def test_the_console_key_may_come_from_a_file(tmp_path, monkeypatch):
    path = tmp_path / "console.pub.pem"
    path.write_text(PUBLIC)
    monkeypatch.setenv("CONSOLE_JWT_PUBLIC_KEY_FILE", str(path))
    settings = BaseServiceSettings(_env_file=None, service_name="patient_service")
    assert settings.console_jwt_public_key and "BEGIN PUBLIC KEY" in settings.console_jwt_public_key
