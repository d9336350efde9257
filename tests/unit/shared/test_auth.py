"""Tokens: signature, expiry, roles; HS256 and RS256."""

from datetime import UTC, datetime, timedelta

import jwt
import pytest

from shared.http.auth import TokenVerifier, issue_token
from shared.http.errors import ApiError

SECRET = "unit-test-secret-unit-test-secret"


def test_valid_token_gives_subject_and_role():
    principal = TokenVerifier(SECRET).verify(issue_token(SECRET, "alice", "staff"))
    assert (principal.subject, principal.role) == ("alice", "staff")


def test_expired_token_is_refused():
    old = datetime.now(UTC) - timedelta(hours=2)
    token = issue_token(SECRET, "alice", "staff", ttl=timedelta(hours=1), now=old)
    with pytest.raises(ApiError, match="expired") as info:
        TokenVerifier(SECRET).verify(token)
    assert info.value.status == 401


def test_forged_token_is_refused():
    token = issue_token("another-secret-another-secret-xx", "mallory", "admin")
    with pytest.raises(ApiError) as info:
        TokenVerifier(SECRET).verify(token)
    assert info.value.status == 401


def test_token_without_role_is_refused():
    token = jwt.encode({"sub": "x", "exp": datetime.now(UTC) + timedelta(hours=1)}, SECRET)
    with pytest.raises(ApiError):
        TokenVerifier(SECRET).verify(token)


def test_unknown_role_cannot_be_issued():
    with pytest.raises(ValueError):
        issue_token(SECRET, "x", "root")


def test_rs256_with_public_key():
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public_pem = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    token = issue_token(private_pem, "idp-user", "admin", algorithm="RS256")
    assert TokenVerifier(public_pem, "RS256").verify(token).role == "admin"
