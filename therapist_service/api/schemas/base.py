"""The strict base of request bodies: unknown fields refused, text storable, contacts normalised."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from shared.events.therapist import OfferItem
from shared.text import storable
from therapist_service.domain.contacts import normalise_email, normalise_website, to_e164


class OfferIn(OfferItem):
    """An offer in a request body: unlike the (tolerant) event model, unknown fields are errors."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Input(BaseModel):
    """Base of request bodies: unknown fields are errors, text is storable."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, allow_inf_nan=False)

    @field_validator("*", mode="before")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        return storable(value)


Phone = Annotated[str, Field(max_length=40), AfterValidator(to_e164)]
Email = Annotated[str, Field(max_length=254), AfterValidator(normalise_email)]
Website = Annotated[str, Field(max_length=500), AfterValidator(normalise_website)]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Age = Annotated[int, Field(ge=0, le=120)]
