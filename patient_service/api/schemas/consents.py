"""Schemas of `POST /api/patients/{id}/consent` and `.../consent/withdrawal`."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from patient_service.api.schemas.base import StrictModel
from patient_service.api.schemas.fields import IsoDateTime, PlainText


class ConsentIn(StrictModel):
    version: Annotated[PlainText, Field(min_length=1, max_length=50, pattern=r"\S")]
    given_at: IsoDateTime


class ConsentWithdrawal(StrictModel):
    withdrawn_at: IsoDateTime | None = Field(default=None, description="default: now")
