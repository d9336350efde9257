"""Address and web fields: postal code, street/house number, coordinates, website."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from .text import clean

# Germany's bounding box with a margin: coordinates outside it are data errors.
LAT_RANGE = (47.0, 55.2)
LON_RANGE = (5.5, 15.5)
_STREET_NUMBER = re.compile(r"^(.*?\D)\s+(\d+\s?[a-zA-Z]?(?:\s?[-/]\s?\d+\s?[a-zA-Z]?)?)$")
_HOST = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$")


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


def clean_website(value: Any) -> tuple[str | None, str | None]:
    """(url, problem): `https://` added when no scheme is given, host lower-case."""
    text = clean(value)
    if text is None:
        return None, None
    if "://" not in text:
        text = "https://" + text.lstrip("/")
    parts = urlsplit(text)
    host = (parts.hostname or "").lower()
    if parts.scheme.lower() not in ("http", "https") or not _HOST.match(host) or " " in text:
        return None, f"web: not a website {value!r}"
    netloc = host + (f":{parts.port}" if parts.port else "")
    path = "" if parts.path == "/" else parts.path
    return urlunsplit((parts.scheme.lower(), netloc, path, parts.query, "")), None
