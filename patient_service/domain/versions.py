"""Optimistic locking: the version a caller says it changes (`If-Match` or the body)."""

from __future__ import annotations

import re

from patient_service.domain.errors import MalformedVersion, VersionsDisagree

_IF_MATCH = re.compile(r'^(?:W/)?(?:"(\d{1,9})"|(\d{1,9}))$')


def parse_version(header: str | None) -> int | None:
    """`If-Match: 3` / `"3"` / `W/"3"` → 3; None when absent; MalformedVersion otherwise."""
    if header is None or not header.strip():
        return None
    match = _IF_MATCH.match(header.strip())
    if match is None:
        raise MalformedVersion()
    return int(match.group(1) or match.group(2))


def requested_version(header: str | None, body_version: int | None) -> int | None:
    """`If-Match`, else the body's `version`; refused when malformed or when both disagree."""
    from_header = parse_version(header)
    if from_header is not None and body_version is not None and from_header != body_version:
        raise VersionsDisagree()
    return from_header if from_header is not None else body_version
