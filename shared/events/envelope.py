"""The event envelope of docs/architecture.md and the base class of typed event schemas."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError


class EnvelopeError(ValueError):
    """A message that is not a valid envelope (poison: goes to the DLQ)."""


class Envelope(BaseModel):
    """What travels on a topic: id, type, version, time, producer, correlation, payload."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    event_id: str
    event_type: str = Field(min_length=3)
    event_version: int = Field(default=1, ge=1)
    occurred_at: datetime
    producer: str
    correlation_id: str | None = None
    payload: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        data = self.model_dump()
        data["occurred_at"] = format_timestamp(self.occurred_at)
        return data

    def to_bytes(self) -> bytes:
        return json.dumps(self.to_dict(), separators=(",", ":"), sort_keys=True).encode()

    @classmethod
    def from_bytes(cls, raw: bytes | None) -> Envelope:
        """Parse a message value; raise EnvelopeError for anything that is not an envelope."""
        try:
            return cls.model_validate(json.loads(raw or b""))
        except (ValueError, ValidationError, TypeError) as exc:
            raise EnvelopeError(f"invalid event envelope: {exc}") from exc


def format_timestamp(when: datetime) -> str:
    """ISO 8601 in UTC with milliseconds and a `Z`, as in docs/architecture.md."""
    when = when.astimezone(UTC) if when.tzinfo else when.replace(tzinfo=UTC)
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


class DomainEvent(BaseModel):
    """Base of every typed event payload; subclasses set the class variables."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    event_type: ClassVar[str]
    event_version: ClassVar[int] = 1
    aggregate: ClassVar[str]
    aggregate_id_field: ClassVar[str]

    def key(self) -> str:
        """The message key: `<aggregate>:<id>`, so one aggregate's events stay in order."""
        return f"{self.aggregate}:{getattr(self, self.aggregate_id_field)}"

    def envelope(
        self, producer: str, occurred_at: datetime, correlation_id: str | None = None
    ) -> Envelope:
        return Envelope(
            event_id=str(uuid.uuid4()),
            event_type=self.event_type,
            event_version=self.event_version,
            occurred_at=occurred_at,
            producer=producer,
            correlation_id=correlation_id,
            payload=self.model_dump(mode="json"),
        )


EVENT_SCHEMAS: dict[tuple[str, int], type[DomainEvent]] = {}
EVENT_EXAMPLES: dict[tuple[str, int], dict[str, Any]] = {}


def register(example: dict[str, Any]):
    """Class decorator: add an event schema and its example payload to the catalogue."""

    def wrap(cls: type[DomainEvent]) -> type[DomainEvent]:
        ident = (cls.event_type, cls.event_version)
        if ident in EVENT_SCHEMAS:
            raise ValueError(f"event {ident} registered twice")
        EVENT_SCHEMAS[ident] = cls
        EVENT_EXAMPLES[ident] = example
        return cls

    return wrap


def parse_payload(envelope: Envelope) -> DomainEvent | None:
    """The typed payload of an envelope, or None for an unknown event type/version."""
    cls = EVENT_SCHEMAS.get((envelope.event_type, envelope.event_version))
    return cls.model_validate(envelope.payload) if cls else None
