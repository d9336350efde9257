"""Arztsuche response documents: decoding (JSON, gzip), accepted top-level shapes, the items."""

from __future__ import annotations

import gzip
import json
from typing import Any

from scraping_service.domain.batches import Batch

GZIP_MAGIC = b"\x1f\x8b"
ITEMS = "arztPraxisDatas"


class PayloadError(ValueError):
    """A document that is not an Arztsuche response (or a list/wrapper of them)."""


def decode(raw: bytes) -> Any:
    """JSON from bytes, gunzipped first when compressed."""
    try:
        data = gzip.decompress(raw) if raw[:2] == GZIP_MAGIC else raw
        return json.loads(data)
    except (OSError, EOFError, ValueError) as exc:
        raise PayloadError(f"not JSON: {exc}") from exc


def read_batch(data: Any) -> Batch:
    """A response, a list of responses, or `{"area", "full_run", "responses": [...]}`."""
    if isinstance(data, dict) and "responses" in data:
        area, full_run = data.get("area"), data.get("full_run")
        if area is not None and (not isinstance(area, str) or not 0 < len(area) <= 200):
            raise PayloadError("area must be a text of 1-200 characters")
        if full_run is not None and not isinstance(full_run, bool):
            raise PayloadError("full_run must be true or false")
        return Batch(_responses(data["responses"]), area, full_run)
    return Batch(_responses(data if isinstance(data, list) else [data]))


def read_document(raw: bytes) -> Batch:
    """The batch of an uploaded or recorded file (JSON or gzip)."""
    return read_batch(decode(raw))


def _responses(values: Any) -> list[dict[str, Any]]:
    if not isinstance(values, list) or not values:
        raise PayloadError("expected at least one response")
    for index, value in enumerate(values):
        if not isinstance(value, dict) or not isinstance(value.get(ITEMS), list):
            raise PayloadError(f"response {index}: needs an '{ITEMS}' list")
    return values


def items_of(response: dict[str, Any]) -> list[Any]:
    """The practice items of one response (none when the list is missing or null)."""
    return response.get(ITEMS) or []
