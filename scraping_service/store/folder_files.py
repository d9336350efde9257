"""Files of the folder source already picked up (by path and content hash), with their run."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from scraping_service.models import folder_files


class FolderFiles:
    """Folder file rows, on one session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def taken(self) -> set[tuple[str, str]]:
        """(path, sha256) of every file picked up so far."""
        rows = self._session.execute(select(folder_files.c.path, folder_files.c.sha256))
        return {(row.path, row.sha256) for row in rows}

    def claim(self, path: str, sha256: str, size: int, error: str | None, now: datetime) -> bool:
        """Record a file as picked up; False when another worker already took it."""
        claimed = self._session.execute(
            pg_insert(folder_files)
            .values(path=path, sha256=sha256, size_bytes=size, error=error, picked_at=now)
            .on_conflict_do_nothing()
            .returning(folder_files.c.path)
        ).first()
        return claimed is not None

    def link_run(self, path: str, sha256: str, run_id: int) -> None:
        """The run a picked-up file was queued as."""
        self._session.execute(
            update(folder_files)
            .where(folder_files.c.path == path, folder_files.c.sha256 == sha256)
            .values(run_id=run_id)
        )
