"""A batch of source responses to import, with the area and full-run hints it may carry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Batch:
    """The responses of one import, with the area/full-run hints a wrapper may give."""

    responses: list[dict[str, Any]]
    area: str | None = None
    full_run: bool | None = None

    def area_or(self, *fallbacks: str | None) -> str | None:
        """The batch's own area, else the first fallback that is set (`a or b or c`)."""
        area = self.area
        for fallback in fallbacks:
            area = area or fallback
        return area

    def full_run_or(self, default: bool) -> bool:
        """The batch's own full-run flag, else `default`."""
        return default if self.full_run is None else self.full_run
