"""Arztsuche response documents: decoding (JSON, gzip) and their accepted top-level shapes."""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass
from typing import Any

GZIP_MAGIC = b"\x1f\x8b"


class PayloadError(ValueError):
    """A document that is not an Arztsuche response (or a list/wrapper of them)."""


@dataclass(frozen=True)
class Batch:
    """The responses of one import, with the area/full-run hints a wrapper may give."""

    responses: list[dict[str, Any]]
    area: str | None = None
    full_run: bool | None = None


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


def _responses(values: Any) -> list[dict[str, Any]]:
    if not isinstance(values, list) or not values:
        raise PayloadError("expected at least one response")
    for index, value in enumerate(values):
        if not isinstance(value, dict) or not isinstance(value.get("arztPraxisDatas"), list):
            raise PayloadError(f"response {index}: needs an 'arztPraxisDatas' list")
    return values


def compress(response: dict[str, Any]) -> tuple[bytes, int, str]:
    """(gzip bytes, raw size, sha256) of one response as stored for audit."""
    raw = json.dumps(response, ensure_ascii=False, separators=(",", ":")).encode()
    return gzip.compress(raw, compresslevel=6), len(raw), hashlib.sha256(raw).hexdigest()


def decompress(payload: bytes) -> dict[str, Any]:
    """One stored response back as a dict."""
    return json.loads(gzip.decompress(payload))
