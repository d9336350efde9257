"""The therapist list query: filters, and the radius search through the GiST point index."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Float, Select, and_, cast, func, literal, or_, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from therapist_service.domain import EARTH_RADIUS_KM, bounding_box
from therapist_service.models import therapists as t


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


def location_point() -> ColumnElement[Any]:
    """`point(longitude, latitude)`: exactly the expression the GiST index is built on."""
    return func.point(t.c.longitude, t.c.latitude)


def within_box(near: Near) -> ColumnElement[bool]:
    """Index-backed prefilter: the practice lies in the radius' bounding box."""
    box = bounding_box(near.lat, near.lon, near.radius_km)
    corners = func.box(func.point(box.west, box.south), func.point(box.east, box.north))
    return location_point().op("<@")(corners)


def distance_km(near: Near) -> ColumnElement[float]:
    """Haversine distance in SQL (km) from the search centre to the practice."""
    lat1, lat2 = func.radians(literal(near.lat, Float)), func.radians(t.c.latitude)
    dlat = func.radians(t.c.latitude - near.lat)
    dlon = func.radians(t.c.longitude - near.lon)
    a = func.power(func.sin(dlat / 2), 2) + func.cos(lat1) * func.cos(lat2) * func.power(
        func.sin(dlon / 2), 2
    )
    return 2 * EARTH_RADIUS_KM * func.asin(func.sqrt(func.least(1.0, a)))


def _offer_filter(f: Filters) -> ColumnElement[bool] | None:
    wanted = {
        k: v
        for k, v in (("procedure", f.procedure), ("age_group", f.age_group), ("setting", f.setting))
        if v
    }
    return t.c.offers.op("@>")(cast([wanted], JSONB)) if wanted else None


def _text_filter(q: str) -> ColumnElement[bool]:
    pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    columns = (t.c.last_name, t.c.first_name, t.c.city, t.c.email, t.c.external_id)
    return or_(*(column.ilike(pattern, escape="\\") for column in columns))


def conditions(f: Filters) -> list[ColumnElement[bool]]:
    """SQL conditions for the given filters."""
    where: list[ColumnElement[bool] | None] = [
        t.c.status == f.status if f.status else None,
        t.c.postal_code.startswith(f.postal_code) if f.postal_code else None,
        t.c.accepting_new_patients == f.accepting if f.accepting else None,
        t.c.languages.op("@>")(cast([f.language], JSONB)) if f.language else None,
        _offer_filter(f),
        _text_filter(f.q) if f.q else None,
    ]
    if f.near:
        where += [within_box(f.near), distance_km(f.near) <= f.near.radius_km]
    return [w for w in where if w is not None]


def search_query(f: Filters) -> Select[Any]:
    """Rows (with `distance_km` when searching near a point), nearest first, then by id."""
    if f.near is None:
        return select(t).where(*conditions(f)).order_by(t.c.id)
    distance = distance_km(f.near).label("distance_km")
    return select(t, distance).where(and_(*conditions(f))).order_by(distance, t.c.id)


def search(session: Session, f: Filters, offset: int, limit: int) -> tuple[list[Any], int]:
    """One page of matching therapists and the total count."""
    rows = session.execute(search_query(f).offset(offset).limit(limit)).mappings().all()
    count = select(func.count()).select_from(t).where(*conditions(f))
    return list(rows), session.execute(count).scalar_one()
