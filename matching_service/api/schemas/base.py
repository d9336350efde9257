"""Fields every matching schema shares: id bounds and the score parts."""

from __future__ import annotations

from pydantic import BaseModel

MAX_ID = 2**63 - 1


class ScorePartsRead(BaseModel):
    distance: float
    capacity: float
    response_rate: float
    availability: float
