"""Raw source responses of a run, kept gzip-compressed for audit and re-processing."""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from scraping_service.domain.runs import FINISHED
from scraping_service.models import import_runs, raw_responses


class RawResponses:
    """Raw response rows, on one session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(
        self, run_id: int, seq: int, label: str | None, response: dict[str, Any], now: datetime
    ) -> None:
        """Keep one response gzip-compressed (`seq` orders a run's responses)."""
        blob, size, digest = compress(response)
        self._session.execute(
            insert(raw_responses).values(
                run_id=run_id,
                seq=seq,
                label=(label or "")[:500] or None,
                payload_gzip=blob,
                size_bytes=size,
                sha256=digest,
                received_at=now,
            )
        )

    def of_run(self, run_id: int) -> Iterator[tuple[str, dict[str, Any]]]:
        """(label, response) of a run in the order they were received."""
        rows = self._session.execute(
            select(raw_responses.c.seq, raw_responses.c.label, raw_responses.c.payload_gzip)
            .where(raw_responses.c.run_id == run_id)
            .order_by(raw_responses.c.seq)
        )
        for row in rows:
            yield row.label or f"response {row.seq}", decompress(row.payload_gzip)

    def purge_before(self, cutoff: datetime) -> int:
        """Delete raw responses of finished runs received before `cutoff`; returns how many."""
        finished = select(import_runs.c.id).where(
            import_runs.c.status.in_([status.value for status in FINISHED])
        )
        result = self._session.execute(
            delete(raw_responses).where(
                raw_responses.c.received_at < cutoff, raw_responses.c.run_id.in_(finished)
            )
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


def compress(response: dict[str, Any]) -> tuple[bytes, int, str]:
    """(gzip bytes, raw size, sha256) of one response as stored for audit."""
    raw = json.dumps(response, ensure_ascii=False, separators=(",", ":")).encode()
    return gzip.compress(raw, compresslevel=6), len(raw), hashlib.sha256(raw).hexdigest()


def decompress(payload: bytes) -> dict[str, Any]:
    """One stored response back as a dict."""
    return json.loads(gzip.decompress(payload))
