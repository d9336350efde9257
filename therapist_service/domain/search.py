"""What a therapist search asks for: filters and an optional radius around a point."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Near:
    """A radius search: centre and radius."""

    lat: float
    lon: float
    radius_km: float


@dataclass(frozen=True)
class Filters:
    """List filters (None = not filtered)."""

    status: str | None = None
    postal_code: str | None = None
    near: Near | None = None
    procedure: str | None = None
    age_group: str | None = None
    setting: str | None = None
    language: str | None = None
    accepting: str | None = None
    q: str | None = None
