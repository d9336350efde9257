"""The therapist list query: filters, and the radius search through the GiST point index."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    RowMapping,
    Select,
    and_,
    cast,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from therapist_service.domain.geo import EARTH_RADIUS_KM, bounding_box
from therapist_service.domain.search import Filters, Near
from therapist_service.models import therapists

__all__ = ["Filters", "Near", "TherapistSearch", "search", "search_query"]

columns = therapists.c


def location_point() -> ColumnElement[Any]:
    """`point(longitude, latitude)`: exactly the expression the GiST index is built on."""
    return func.point(columns.longitude, columns.latitude)


def within_box(near: Near) -> ColumnElement[bool]:
    """Index-backed prefilter: the practice lies in the radius' bounding box."""
    box = bounding_box(near.lat, near.lon, near.radius_km)
    corners = func.box(func.point(box.west, box.south), func.point(box.east, box.north))
    return location_point().op("<@")(corners)


def distance_km(near: Near) -> ColumnElement[float]:
    """Haversine distance in SQL (km) from the search centre to the practice."""
    lat1, lat2 = func.radians(literal(near.lat, Float)), func.radians(columns.latitude)
    delta_lat = func.radians(columns.latitude - near.lat)
    delta_lon = func.radians(columns.longitude - near.lon)
    chord = func.power(func.sin(delta_lat / 2), 2) + func.cos(lat1) * func.cos(lat2) * func.power(
        func.sin(delta_lon / 2), 2
    )
    return 2 * EARTH_RADIUS_KM * func.asin(func.sqrt(func.least(1.0, chord)))


def _offer_filter(filters: Filters) -> ColumnElement[bool] | None:
    asked = (
        ("procedure", filters.procedure),
        ("age_group", filters.age_group),
        ("setting", filters.setting),
    )
    wanted = {name: value for name, value in asked if value}
    return columns.offers.op("@>")(cast([wanted], JSONB)) if wanted else None


def _text_filter(text: str) -> ColumnElement[bool]:
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    searched = (
        columns.last_name,
        columns.first_name,
        columns.city,
        columns.email,
        columns.external_id,
    )
    return or_(*(column.ilike(pattern, escape="\\") for column in searched))


def conditions(filters: Filters) -> list[ColumnElement[bool]]:
    """SQL conditions for the given filters."""
    where: list[ColumnElement[bool] | None] = [
        columns.status == filters.status if filters.status else None,
        columns.postal_code.startswith(filters.postal_code) if filters.postal_code else None,
        columns.accepting_new_patients == filters.accepting if filters.accepting else None,
        columns.languages.op("@>")(cast([filters.language], JSONB)) if filters.language else None,
        _offer_filter(filters),
        _text_filter(filters.q) if filters.q else None,
    ]
    if filters.near:
        where += [within_box(filters.near), distance_km(filters.near) <= filters.near.radius_km]
    return [condition for condition in where if condition is not None]


def search_query(filters: Filters) -> Select[Any]:
    """Rows (with `distance_km` when searching near a point), nearest first, then by id."""
    if filters.near is None:
        return select(therapists).where(*conditions(filters)).order_by(columns.id)
    distance = distance_km(filters.near).label("distance_km")
    return (
        select(therapists, distance)
        .where(and_(*conditions(filters)))
        .order_by(distance, columns.id)
    )


def search(
    session: Session, filters: Filters, offset: int, limit: int
) -> tuple[list[RowMapping], int]:
    """One page of matching therapists and the total count."""
    rows = session.execute(search_query(filters).offset(offset).limit(limit)).mappings().all()
    count = select(func.count()).select_from(therapists).where(*conditions(filters))
    return list(rows), session.execute(count).scalar_one()


class TherapistSearch:
    """The list query on one session (what `GET /api/therapists` runs)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def page(self, filters: Filters, offset: int, limit: int) -> tuple[list[RowMapping], int]:
        """One page of matching therapists and the total count."""
        return search(self._session, filters, offset, limit)
