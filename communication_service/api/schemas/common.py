"""What several schemas share: the id range, storable text, one answer about one request."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from shared.vocabulary import ResponseOutcome

MAX_ID = 2**63 - 1
Id = Field(ge=1, le=MAX_ID)


class OutcomeIn(BaseModel):
    """The therapist's answer about one placement request."""

    model_config = ConfigDict(extra="forbid")

    placement_request_id: int = Field(ge=1, le=MAX_ID)
    outcome: ResponseOutcome
