"""JWT bearer auth with roles (staff, admin, service): 401 without a valid token, 403 wrong role."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from flask import g, request

from shared.http.errors import ApiError

ROLES = ("staff", "admin", "service")


@dataclass(frozen=True)
class Principal:
    subject: str
    role: str


@dataclass(frozen=True)
class TokenVerifier:
    """Checks signature, expiry and claims; HS256 with a secret or RS256 with a public key."""

    key: str
    algorithm: str = "HS256"
    issuer: str | None = None

    def verify(self, token: str) -> Principal:
        try:
            claims = jwt.decode(
                token,
                self.key,
                algorithms=[self.algorithm],
                issuer=self.issuer,
                options={"require": ["sub", "exp", "role"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise ApiError(401, "Token expired.", "unauthorized") from exc
        except jwt.InvalidTokenError as exc:
            raise ApiError(401, "Invalid token.", "unauthorized") from exc
        if claims["role"] not in ROLES:
            raise ApiError(401, "Unknown role in token.", "unauthorized")
        return Principal(subject=str(claims["sub"]), role=str(claims["role"]))


def issue_token(
    secret: str,
    subject: str,
    role: str,
    ttl: timedelta = timedelta(hours=12),
    algorithm: str = "HS256",
    now: datetime | None = None,
) -> str:
    """Sign a token (dev tokens, service-to-service calls, tests)."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    issued = now or datetime.now(UTC)
    claims = {"sub": subject, "role": role, "iat": issued, "exp": issued + ttl}
    return jwt.encode(claims, secret, algorithm=algorithm)


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
