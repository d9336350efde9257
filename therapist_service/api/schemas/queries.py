"""The search parameters of `GET /api/therapists` and the filters they describe."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field, model_validator

from shared.events.therapist import LanguageCode
from shared.http.pagination import PageQuery
from shared.text import storable
from shared.vocabulary import AgeGroup, Capacity, Procedure, Setting, TherapistStatus
from therapist_service.domain.search import Filters, Near

DEFAULT_RADIUS_KM = 25.0


class TherapistListQuery(PageQuery):
    """Filters of `GET /api/therapists` (unknown parameters are errors, e.g. typos)."""

    model_config = ConfigDict(allow_inf_nan=False, extra="forbid")

    status: TherapistStatus | None = None
    postal_code: str | None = Field(
        default=None, pattern=r"^\d{1,5}$", description="A postal code or its prefix"
    )
    near_lat: float | None = Field(default=None, ge=-90, le=90)
    near_lon: float | None = Field(default=None, ge=-180, le=180)
    radius_km: float = Field(default=DEFAULT_RADIUS_KM, gt=0, le=500)
    procedure: Procedure | None = None
    age_group: AgeGroup | None = None
    setting: Setting | None = None
    language: LanguageCode | None = None
    accepting: Capacity | None = None
    q: str | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        description="Text in name, city, e-mail or external id",
    )

    @model_validator(mode="before")
    @classmethod
    def _storable(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for value in data.values():
                storable(value)
        return data

    @model_validator(mode="after")
    def _near_is_a_pair(self) -> TherapistListQuery:
        if (self.near_lat is None) != (self.near_lon is None):
            raise ValueError("near_lat and near_lon are given together")
        return self

    def filters(self) -> Filters:
        """The search filters these parameters describe."""
        near = (
            Near(self.near_lat, self.near_lon, self.radius_km)
            if self.near_lat is not None and self.near_lon is not None
            else None
        )
        return Filters(
            status=self.status,
            postal_code=self.postal_code,
            near=near,
            procedure=self.procedure,
            age_group=self.age_group,
            setting=self.setting,
            language=self.language,
            accepting=self.accepting,
            q=self.q,
        )
