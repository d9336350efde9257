"""The append-only audit trail: `<schema>.audit_entries`, its writer and its read query.

Rows hold ids only (token subject, route template, record type and id), never names,
addresses, e-mail addresses or request bodies. The migrations revoke UPDATE, DELETE and
TRUNCATE from the service role and a trigger refuses them, so the trail is append-only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Integer,
    MetaData,
    Row,
    String,
    Table,
    func,
    insert,
    select,
)
from sqlalchemy.orm import Session

from shared.unit_of_work import UnitOfWork

AUDIT_TABLE = "audit_entries"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
RECORD_TYPE = re.compile(r"[a-z][a-z_]{0,49}")
RECORD_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")
_LIMITS = {"subject": 200, "role": 20, "route": 300, "request_id": 64}


def audit_entries_table(metadata: MetaData) -> Table:
    """`<schema>.audit_entries` (created by each service's `*_audit` migration)."""
    return Table(
        AUDIT_TABLE,
        metadata,
        Column("id", BigInteger, primary_key=True, autoincrement=True),
        Column("at", DateTime(timezone=True), nullable=False),
        Column("subject", String(200), nullable=False),
        Column("role", String(20), nullable=True),
        Column("action", String(20), nullable=False),
        Column("method", String(10), nullable=False),
        Column("route", String(300), nullable=False),
        Column("record_type", String(50), nullable=True),
        Column("record_id", String(100), nullable=True),
        Column("status", Integer, nullable=False),
        Column("request_id", String(64), nullable=True),
    )


@dataclass(frozen=True)
class RecordRef:
    """A record as the trail names it: `patient:42`, `job:send-emails`."""

    record_type: str
    record_id: str

    @classmethod
    def parse(cls, text: str) -> RecordRef:
        """`<record_type>:<record_id>`; ValueError when it has another form."""
        record_type, sep, record_id = text.partition(":")
        if not (sep and RECORD_TYPE.fullmatch(record_type) and RECORD_ID.fullmatch(record_id)):
            raise ValueError(text)
        return cls(record_type, record_id)

    def __str__(self) -> str:
        return f"{self.record_type}:{self.record_id}"


@dataclass(frozen=True)
class AuditEntry:
    """One row of the trail: who, when, what (action, method, route), which record, outcome."""

    at: datetime
    subject: str
    role: str | None
    action: str
    method: str
    route: str
    record: RecordRef | None
    status: int
    request_id: str | None

    def row(self) -> dict[str, Any]:
        """Column values, clipped to the column sizes."""
        values = {k: v for k, v in asdict(self).items() if k != "record"}
        for name, limit in _LIMITS.items():
            if values[name] is not None:
                values[name] = values[name][:limit]
        values["record_type"] = self.record.record_type if self.record else None
        values["record_id"] = self.record.record_id if self.record else None
        return values


def action_for(method: str, route: str) -> str:
    """read / create / update / delete, or `action` for a POST to one record (`.../cancel`)."""
    if method == "DELETE":
        return "delete"
    if method in ("PUT", "PATCH"):
        return "update"
    if method == "POST":
        return "action" if "<" in route else "create"
    return "read"


class AuditWriter:
    """Appends entries in a transaction of their own (the request's work is already committed)."""

    def __init__(self, session_factory: Callable[[], Session], table: Table) -> None:
        self._session_factory = session_factory
        self._table = table

    def write(self, entries: Sequence[AuditEntry]) -> None:
        if not entries:
            return
        with UnitOfWork(self._session_factory) as uow:
            uow.session.execute(insert(self._table), [entry.row() for entry in entries])
            uow.commit()


def find_entries(
    session: Session,
    table: Table,
    subject: str | None,
    record: RecordRef | None,
    offset: int,
    limit: int,
) -> tuple[list[dict[str, Any]], int]:
    """One page of entries (newest first) filtered by subject and/or record, and the total."""
    conditions = []
    if subject is not None:
        conditions.append(table.c.subject == subject)
    if record is not None:
        conditions.append(table.c.record_type == record.record_type)
        conditions.append(table.c.record_id == record.record_id)
    total = session.execute(select(func.count()).select_from(table).where(*conditions)).scalar()
    rows = session.execute(
        select(table).where(*conditions).order_by(table.c.id.desc()).offset(offset).limit(limit)
    ).all()
    return [entry_body(row) for row in rows], int(total or 0)


def entry_body(row: Row[Any]) -> dict[str, Any]:
    """The JSON form of one row (`at` as ISO 8601)."""
    body = dict(row._mapping)
    body["at"] = body["at"].isoformat()
    return body


def audit_writer(
    session_factory: Callable[[], Session], tables: dict[str, Table]
) -> AuditWriter | None:
    """The writer for a service whose metadata registers the audit table, else None."""
    table = tables.get(AUDIT_TABLE)
    return AuditWriter(session_factory, table) if table is not None else None
