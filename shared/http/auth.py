"""JWT bearer auth with roles (staff, admin, service): 401 without a valid token, 403 wrong role.

Two kinds of token, each with its own key: user tokens (staff, admin) come from the identity
provider (or `make token`) and are checked with JWT_ALGORITHM/JWT_SECRET or JWT_PUBLIC_KEY,
JWT_ISSUER and JWT_AUDIENCE; service tokens (role `service`) are signed by the services
themselves with SERVICE_JWT_SECRET (HS256, issuer and audience `psymatch-services`, minutes
of lifetime). A user token never carries role `service`, a service token never another role.
A third kind comes from the staff console: RS256 tokens it mints for the logged-in person
(issuer `psymatch-staff-console`, audience `psymatch-services`, role staff or admin), checked
with CONSOLE_JWT_PUBLIC_KEY; without that key they are refused.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import jwt
from flask import g, request

from shared.http.errors import ApiError

if TYPE_CHECKING:
    from shared.config import BaseServiceSettings

USER_ROLES = ("staff", "admin")
SERVICE_ROLE = "service"
ROLES = (*USER_ROLES, SERVICE_ROLE)
# Issuer and audience of the tokens the services sign for each other.
SERVICE_ISSUER = "psymatch-services"
SERVICE_AUDIENCE = "psymatch-services"
SERVICE_TOKEN_TTL = timedelta(minutes=5)
# Issuer of the tokens the staff console mints per person (audience: the services).
CONSOLE_ISSUER = "psymatch-staff-console"


@dataclass(frozen=True)
class Principal:
    subject: str
    role: str


@dataclass(frozen=True)
class TokenVerifier:
    """Checks signature, expiry and claims; HS256 with a secret or RS256 with a public key.

    `issuer` and `audience` are checked (and required in the token) when set; `roles` are the
    roles a token of this kind may carry.
    """

    key: str
    algorithm: str = "HS256"
    issuer: str | None = None
    audience: str | None = None
    roles: tuple[str, ...] = ROLES

    def verify(self, token: str) -> Principal:
        try:
            claims = jwt.decode(
                token,
                self.key,
                algorithms=[self.algorithm],
                issuer=self.issuer,
                audience=self.audience,
                options={
                    "require": ["sub", "exp", "role"],
                    "verify_aud": self.audience is not None,
                },
            )
        except jwt.ExpiredSignatureError as exc:
            raise ApiError(401, "Token expired.", "unauthorized") from exc
        except jwt.InvalidTokenError as exc:
            raise ApiError(401, "Invalid token.", "unauthorized") from exc
        if claims["role"] not in ROLES:
            raise ApiError(401, "Unknown role in token.", "unauthorized")
        if claims["role"] not in self.roles:
            raise ApiError(
                401, f"This kind of token may not carry role '{claims['role']}'.", "unauthorized"
            )
        return Principal(subject=str(claims["sub"]), role=str(claims["role"]))


@dataclass(frozen=True)
class Authenticator:
    """User tokens and service tokens, each checked with its own key, issuer and audience.

    The (unverified) issuer picks the verifier: `psymatch-services` means a service token,
    anything else a user token; the chosen verifier then checks signature and claims.
    """

    users: TokenVerifier
    services: TokenVerifier
    console: TokenVerifier | None = None

    def verify(self, token: str) -> Principal:
        try:
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.InvalidTokenError as exc:
            raise ApiError(401, "Invalid token.", "unauthorized") from exc
        issuer = unverified.get("iss") if isinstance(unverified, dict) else None
        if issuer == SERVICE_ISSUER:
            return self.services.verify(token)
        if issuer == CONSOLE_ISSUER:
            if self.console is None:
                raise ApiError(
                    401, "Console tokens are not accepted here (no console key).", "unauthorized"
                )
            return self.console.verify(token)
        return self.users.verify(token)


def build_authenticator(settings: BaseServiceSettings) -> Authenticator:
    """The verifiers the settings describe (JWT_* for users, SERVICE_JWT_SECRET for services)."""
    if settings.jwt_algorithm == "RS256":
        if not settings.jwt_public_key:
            raise ValueError("JWT_PUBLIC_KEY is required for RS256")
        user_key = settings.jwt_public_key
    else:
        user_key = settings.jwt_secret.get_secret_value()
    users = TokenVerifier(
        user_key, settings.jwt_algorithm, settings.jwt_issuer, settings.jwt_audience, USER_ROLES
    )
    services = TokenVerifier(
        settings.service_jwt_secret.get_secret_value(),
        "HS256",
        SERVICE_ISSUER,
        SERVICE_AUDIENCE,
        (SERVICE_ROLE,),
    )
    console = None
    if settings.console_jwt_public_key:
        console = TokenVerifier(
            settings.console_jwt_public_key, "RS256", CONSOLE_ISSUER, SERVICE_AUDIENCE, USER_ROLES
        )
    return Authenticator(users, services, console)


def issue_token(
    secret: str,
    subject: str,
    role: str,
    ttl: timedelta = timedelta(hours=12),
    algorithm: str = "HS256",
    now: datetime | None = None,
    issuer: str | None = None,
    audience: str | None = None,
) -> str:
    """Sign a token (dev user tokens, tests); service calls use `issue_service_token`."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    issued = now or datetime.now(UTC)
    claims: dict[str, Any] = {"sub": subject, "role": role, "iat": issued, "exp": issued + ttl}
    if issuer is not None:
        claims["iss"] = issuer
    if audience is not None:
        claims["aud"] = audience
    return jwt.encode(claims, secret, algorithm=algorithm)


def issue_service_token(
    secret: str,
    subject: str,
    ttl: timedelta = SERVICE_TOKEN_TTL,
    now: datetime | None = None,
) -> str:
    """A service-to-service token: HS256 with SERVICE_JWT_SECRET, issuer/audience of services."""
    return issue_token(
        secret,
        subject,
        SERVICE_ROLE,
        ttl=ttl,
        now=now,
        issuer=SERVICE_ISSUER,
        audience=SERVICE_AUDIENCE,
    )


CONSOLE_TOKEN_TTL = timedelta(minutes=2)


def issue_console_token(
    private_key: str,
    account: str,
    role: str,
    ttl: timedelta = CONSOLE_TOKEN_TTL,
    now: datetime | None = None,
) -> str:
    """What the staff console sends per call: RS256, subject `console:<account>`, the person's
    role (staff or admin), minutes of lifetime; the services check it with the public key."""
    if role not in USER_ROLES:
        raise ValueError(f"a console token carries staff or admin, not {role!r}")
    return issue_token(
        private_key,
        f"console:{account}",
        role,
        ttl=ttl,
        algorithm="RS256",
        now=now,
        issuer=CONSOLE_ISSUER,
        audience=SERVICE_AUDIENCE,
    )


def service_token_factory(
    settings: BaseServiceSettings, subject: str | None = None
) -> Callable[[], str]:
    """A callable giving a fresh service token per call (the HTTP clients of the services)."""
    secret = settings.service_jwt_secret.get_secret_value()
    name = subject or settings.service_name
    ttl = timedelta(seconds=settings.service_token_ttl_s)
    return lambda: issue_service_token(secret, name, ttl)


def authenticate(verifier: TokenVerifier) -> Principal:
    """The principal of the current request; ApiError 401 when there is none."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "Missing bearer token.", "unauthorized")
    return verifier.verify(token.strip())


def current_principal() -> Principal:
    return g.principal


ANONYMOUS = "anonymous"


def actor() -> str:
    """Who is acting, for audit rows: the token subject, or "anonymous" outside auth."""
    principal = getattr(g, "principal", None)
    return principal.subject if principal else ANONYMOUS


def roles_required(*roles: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare who may call a view; the declaration also feeds the OpenAPI document."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {unknown}")

    def wrap(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            from flask import current_app

            principal = authenticate(current_app.extensions["token_verifier"])
            if principal.role not in roles:
                raise ApiError(403, f"Role '{principal.role}' may not do this.", "forbidden")
            g.principal = principal
            return view(*args, **kwargs)

        guarded.roles = tuple(roles)  # type: ignore[attr-defined]
        return guarded

    return wrap
