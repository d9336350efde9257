"""Grid tiling: a capped circle is covered by seven circles of half its radius."""

from __future__ import annotations

import math
from dataclasses import dataclass

KM_PER_DEGREE_LAT = 111.32
# One centre circle plus six on a ring at √3/2·r cover a circle of radius r exactly; a small
# margin absorbs rounding in the source's own distance computation.
_RING = math.sqrt(3) / 2
_MARGIN = 1.05


@dataclass(frozen=True)
class Tile:
    """A search circle: centre and radius in km, and how often it was subdivided."""

    lat: float
    lon: float
    radius_km: float
    depth: int = 0

    def label(self) -> str:
        """A stable, readable name of the tile."""
        return f"{self.lat:.4f},{self.lon:.4f}/{self.radius_km:g}km"


def subdivide(tile: Tile) -> list[Tile]:
    """Seven tiles of half the radius that together cover `tile`."""
    half = tile.radius_km / 2
    children = [Tile(tile.lat, tile.lon, round(half * _MARGIN, 3), tile.depth + 1)]
    for k in range(6):
        angle = math.radians(60 * k)
        lat, lon = offset(
            tile.lat,
            tile.lon,
            tile.radius_km * _RING * math.cos(angle),
            tile.radius_km * _RING * math.sin(angle),
        )
        children.append(
            Tile(round(lat, 5), round(lon, 5), round(half * _MARGIN, 3), tile.depth + 1)
        )
    return children


def offset(lat: float, lon: float, north_km: float, east_km: float) -> tuple[float, float]:
    """The point `north_km`/`east_km` away (equirectangular; fine for tiles of a few km)."""
    d_lat = north_km / KM_PER_DEGREE_LAT
    d_lon = east_km / (KM_PER_DEGREE_LAT * math.cos(math.radians(lat)))
    return lat + d_lat, lon + d_lon


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))
