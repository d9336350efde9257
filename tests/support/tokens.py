"""Tokens as the services expect them: user tokens for staff/admin, service tokens for `service`."""

from __future__ import annotations

from typing import Any

from shared.config import DEV_SERVICE_JWT_SECRET
from shared.http.auth import SERVICE_ROLE, issue_service_token, issue_token


def token_for(secret: str, subject: str, role: str, **kwargs: Any) -> str:
    """Role `service`: a service token signed with the (default) SERVICE_JWT_SECRET, as the
    services sign their calls to each other; other roles: a user token signed with `secret`."""
    if role == SERVICE_ROLE:
        return issue_service_token(DEV_SERVICE_JWT_SECRET, subject, **kwargs)
    return issue_token(secret, subject, role, **kwargs)
