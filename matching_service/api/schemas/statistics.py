"""Schema of the statistics resource."""

from __future__ import annotations

from pydantic import BaseModel, Field


class AnswerRates(BaseModel):
    answered: float | None = Field(description="answered / (answered + expired + no_response)")
    accepted: float | None = Field(description="accepted / answered")


class StatisticsRead(BaseModel):
    searching_patients: int
    open_requests_by_status: dict[str, int]
    closed_requests_by_status: dict[str, int]
    placements: int
    median_days_to_placement: float | None
    answer_rates: AnswerRates
