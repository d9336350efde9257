"""Schemas of `POST /api/responses`."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from communication_service.api.schemas.common import MAX_ID, OutcomeIn
from communication_service.domain.responses import OutcomeEffect
from shared.text import storable
from shared.vocabulary import Channel, ResponseOutcome


class ResponseCreate(BaseModel):
    """`POST /api/responses`."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    therapist_id: int = Field(ge=1, le=MAX_ID)
    # staff record answers by e-mail or phone; `link` answers come through the answer page
    channel: Literal[Channel.EMAIL, Channel.PHONE]
    outcomes: list[OutcomeIn] = Field(min_length=1, max_length=50)
    note: str | None = Field(default=None, max_length=2000)

    @field_validator("note", mode="before")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        return storable(value)

    @field_validator("outcomes")
    @classmethod
    def _one_outcome_per_request(cls, value: list[OutcomeIn]) -> list[OutcomeIn]:
        ids = [outcome.placement_request_id for outcome in value]
        if len(ids) != len(set(ids)):
            raise ValueError("one outcome per placement request")
        return value


class OutcomeRead(BaseModel):
    placement_request_id: int
    patient_id: int
    outcome: ResponseOutcome
    outcome_effect: OutcomeEffect = Field(
        description=(
            "What recording it did: `recorded` (a rejection or no-show closes the request); "
            "`placement_requested` (accepted, request open: matching places the patient unless "
            "an earlier acceptance won); `late_acceptance` (accepted after the request ended "
            "unanswered - expired, no_response, cancelled after contact - while the patient "
            "searches: matching places the patient); `place_gone` (the patient is placed "
            "already: the therapist gets the e-mail `therapist_place_taken`); `held_for_staff` "
            "(the patient is paused or no longer searching: nobody is placed, the answer is on "
            "the staff attention list)."
        )
    )


class ResponseRead(BaseModel):
    therapist_id: int
    response_id: int
    channel: Channel
    outcomes: list[OutcomeRead]
    recorded_at: datetime
    note: str | None
