"""Address fields: postal code, street and house number, coordinates inside Germany."""

from __future__ import annotations

import re
from typing import Any

from .text import clean

# Germany's bounding box with a margin: coordinates outside it are data errors.
LAT_RANGE = (47.0, 55.2)
LON_RANGE = (5.5, 15.5)
_STREET_NUMBER = re.compile(r"^(.*?\D)\s+(\d+\s?[a-zA-Z]?(?:\s?[-/]\s?\d+\s?[a-zA-Z]?)?)$")


def clean_postal_code(value: Any) -> str | None:
    """Five digits; a four-digit number lost its leading zero ("1067" → "01067")."""
    text = clean(value)
    if text is None:
        return None
    text = text.replace(" ", "")
    if text.isdigit() and len(text) == 4:
        text = "0" + text
    return text if text.isdigit() and len(text) == 5 else None


def split_street(street: Any, house_number: Any) -> tuple[str | None, str | None]:
    """Street and house number; a number written into the street field is split off."""
    name, number = clean(street), clean(house_number)
    if name and not number:
        match = _STREET_NUMBER.match(name)
        if match:
            name, number = match.group(1).strip(), match.group(2).replace(" ", "")
    return name, number


def valid_coordinates(lat: Any, lon: Any) -> tuple[float, float] | None:
    """(lat, lon) inside Germany, else None (0/0, swapped or missing values)."""
    try:
        point = (float(lat), float(lon))
    except (TypeError, ValueError):
        return None
    inside = LAT_RANGE[0] <= point[0] <= LAT_RANGE[1] and LON_RANGE[0] <= point[1] <= LON_RANGE[1]
    return point if inside else None
