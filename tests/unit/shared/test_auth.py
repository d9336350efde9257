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


# ------------------------------------------------------------------ user vs. service tokens
# All of the following failed before user and service tokens were told apart (issue 20):
# TokenVerifier had no audience, issue_token no issuer/audience, and there was no
# Authenticator, issue_service_token, build_authenticator or SERVICE_JWT_SECRET.

SERVICE_SECRET = "unit-test-service-secret-unit-test-service"


def authenticator(**overrides):
    from shared.config import BaseServiceSettings
    from shared.http.auth import build_authenticator

    settings = BaseServiceSettings(
        jwt_secret=SECRET, service_jwt_secret=SERVICE_SECRET, _env_file=None, **overrides
    )
    return build_authenticator(settings)


def refused(verifier, token) -> ApiError:
    with pytest.raises(ApiError) as info:
        verifier.verify(token)
    assert info.value.status == 401
    return info.value


def test_audience_is_checked_when_set():
    """Failed before: TokenVerifier took no audience (JWT_AUDIENCE did not exist)."""
    verifier = TokenVerifier(SECRET, audience="psymatch-staff")
    ok = issue_token(SECRET, "alice", "staff", audience="psymatch-staff")
    assert verifier.verify(ok).subject == "alice"
    refused(verifier, issue_token(SECRET, "alice", "staff"))
    refused(verifier, issue_token(SECRET, "alice", "staff", audience="someone-else"))


def test_user_tokens_are_checked_with_issuer_and_audience_from_the_settings():
    """Failed before: no JWT_AUDIENCE setting, no build_authenticator."""
    verifier = authenticator(jwt_issuer="https://idp.example", jwt_audience="psymatch")
    good = issue_token(SECRET, "alice", "admin", issuer="https://idp.example", audience="psymatch")
    assert verifier.verify(good).role == "admin"
    refused(verifier, issue_token(SECRET, "a", "admin", issuer="https://idp.example"))
    refused(verifier, issue_token(SECRET, "a", "admin", audience="psymatch"))
    refused(verifier, issue_token(SECRET, "a", "admin", issuer="https://evil", audience="psymatch"))


def test_without_an_audience_setting_a_token_audience_is_not_checked():
    """Failed before: PyJWT refused any token with an `aud` claim when none was configured."""
    verifier = authenticator()
    assert verifier.verify(issue_token(SECRET, "a", "staff", audience="whatever")).role == "staff"


def test_service_tokens_are_signed_and_checked_with_their_own_secret():
    """Failed before: service calls were user-style tokens signed with JWT_SECRET."""
    from shared.http.auth import SERVICE_AUDIENCE, SERVICE_ISSUER, issue_service_token

    verifier = authenticator(jwt_issuer="https://idp.example", jwt_audience="psymatch")
    token = issue_service_token(SERVICE_SECRET, "patient_service")
    claims = jwt.decode(token, SERVICE_SECRET, algorithms=["HS256"], audience=SERVICE_AUDIENCE)
    assert (claims["iss"], claims["aud"], claims["role"]) == (
        SERVICE_ISSUER,
        SERVICE_AUDIENCE,
        "service",
    )
    assert claims["exp"] - claims["iat"] == 300  # minutes, not the 12 hours of a user token
    principal = verifier.verify(token)
    assert (principal.subject, principal.role) == ("patient_service", "service")
    # the user secret does not make service tokens, the service secret no user tokens
    refused(verifier, issue_service_token(SECRET, "forged"))
    refused(
        verifier,
        issue_token(
            SERVICE_SECRET, "x", "admin", issuer="https://idp.example", audience="psymatch"
        ),
    )


def test_a_user_token_claiming_role_service_is_refused():
    """Failed before: any valid token with role `service` passed service routes."""
    verifier = authenticator(jwt_issuer="https://idp.example", jwt_audience="psymatch")
    token = issue_token(
        SECRET, "mallory", "service", issuer="https://idp.example", audience="psymatch"
    )
    assert "role 'service'" in refused(verifier, token).message
    refused(authenticator(), issue_token(SECRET, "mallory", "service"))


def test_a_service_token_claiming_a_user_role_is_refused():
    """Failed before: there was no service token kind to hold to role `service`."""
    from shared.http.auth import SERVICE_AUDIENCE, SERVICE_ISSUER

    token = issue_token(
        SERVICE_SECRET, "x", "admin", issuer=SERVICE_ISSUER, audience=SERVICE_AUDIENCE
    )
    assert "role 'admin'" in refused(authenticator(), token).message


def test_rs256_user_tokens_and_hs256_service_tokens_side_by_side():
    """Failed before: with JWT_ALGORITHM=RS256 every service-to-service call was 401."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    from shared.config import BaseServiceSettings
    from shared.http.auth import service_token_factory

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public_pem = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    rs256 = {"jwt_algorithm": "RS256", "jwt_public_key": public_pem}
    verifier = authenticator(jwt_issuer="https://idp.example", jwt_audience="psymatch", **rs256)
    user = issue_token(
        private_pem,
        "anna",
        "staff",
        algorithm="RS256",
        issuer="https://idp.example",
        audience="psymatch",
    )
    assert verifier.verify(user).subject == "anna"
    settings = BaseServiceSettings(
        service_jwt_secret=SERVICE_SECRET, _env_file=None, service_name="patient_service", **rs256
    )
    assert verifier.verify(service_token_factory(settings)()).role == "service"
    refused(verifier, issue_token(SECRET, "anna", "staff"))  # HS256 with JWT_SECRET: no


def test_the_service_issuer_is_reserved_and_rs256_needs_a_public_key():
    from pydantic import ValidationError

    from shared.config import BaseServiceSettings

    with pytest.raises(ValidationError, match="reserved"):
        BaseServiceSettings(jwt_issuer="psymatch-services", _env_file=None)
    with pytest.raises(ValidationError, match="JWT_PUBLIC_KEY"):
        BaseServiceSettings(jwt_algorithm="RS256", _env_file=None)
