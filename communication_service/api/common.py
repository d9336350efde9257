"""What every communication resource shares: the staff role, response texts, outgoing bodies
checked against their schema, ids within the bigint range, the typed context."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from communication_service.api.schemas.common import MAX_ID
from communication_service.context import CommunicationContext
from shared.http.app_factory import context_of
from shared.http.errors import ApiError

STAFF = ("staff",)
NOT_FOUND = ("Not found", None)


def communication_context() -> CommunicationContext:
    """The communication service's context of the current app."""
    return context_of(CommunicationContext)


def dump(model: type[BaseModel], data: Any) -> dict[str, Any]:
    """Validate an outgoing body against its documented schema."""
    return model.model_validate(data).model_dump(mode="json")


def existing_id(value: int, what: str) -> int:
    """Ids beyond bigint cannot exist (and must not reach PostgreSQL)."""
    if value > MAX_ID:
        raise ApiError(404, f"{what} {value} not found.")
    return value
