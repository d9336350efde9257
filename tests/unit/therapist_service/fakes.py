"""In-memory therapist stores, unit of work and context for the use-case tests."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from support.fakes import FakeUnitOfWork

from shared.clock import FakeClock
from therapist_service.domain.fields import FieldChange
from therapist_service.domain.practices import practice_keys
from therapist_service.domain.search import Filters
from therapist_service.models import therapists as therapists_table

COLUMNS = tuple(therapists_table.c.keys())
# What the migration's server defaults fill in when an insert leaves a column out.
SERVER_DEFAULTS: dict[str, Any] = {
    "gender": "unspecified",
    "languages": [],
    "offers": [],
    "statutory_licence": True,
    "barrier_free": False,
    "phone_hours": {},
    "consultation_hours": {},
    "accepting_new_patients": "unknown",
    "preferred_channel": "email",
    "opted_out": False,
    "patient_genders": [],
    "prefers_group": False,
    "status": "active",
}


class FakeTherapists:
    """The therapists table as a dict: id → row; unknown columns are errors, as in SQL."""

    def __init__(self) -> None:
        self.rows: dict[int, dict[str, Any]] = {}
        self.locked: list[int] = []

    def get(self, therapist_id: int, lock: bool = False) -> dict[str, Any] | None:
        if lock:
            self.locked.append(therapist_id)
        row = self.rows.get(therapist_id)
        return dict(row) if row is not None else None

    def by_external_id(self, external_id: str) -> dict[str, Any] | None:
        for therapist_id, row in self.rows.items():
            if row["external_id"] == external_id:
                return self.get(therapist_id, lock=True)
        return None

    def external_id_taken(self, external_id: str) -> bool:
        return any(row["external_id"] == external_id for row in self.rows.values())

    def insert(self, values: dict[str, Any]) -> dict[str, Any]:
        _check_columns(values)
        therapist_id = len(self.rows) + 1
        row = {name: None for name in COLUMNS} | SERVER_DEFAULTS | values | {"id": therapist_id}
        self.rows[therapist_id] = row
        return dict(row)

    def update(self, therapist_id: int, values: dict[str, Any]) -> dict[str, Any]:
        _check_columns(values)
        self.rows[therapist_id].update(values)
        return dict(self.rows[therapist_id])

    def add(self, **values: Any) -> dict[str, Any]:
        """Test setup: a stored therapist (defaults for everything not given)."""
        return self.insert({"last_name": "Testfeld", **values})


def _check_columns(values: dict[str, Any]) -> None:
    unknown = set(values) - set(COLUMNS)
    if unknown:
        raise KeyError(f"no such columns: {sorted(unknown)}")


class FakeChanges:
    """`therapist_changes` as a list, oldest first."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    def add(
        self,
        therapist_id: int,
        changes: Iterable[FieldChange],
        *,
        source: str,
        at: datetime,
        import_run_id: int | None = None,
        event_id: str | None = None,
    ) -> None:
        for change in changes:
            self.rows.append(
                {
                    "id": len(self.rows) + 1,
                    "therapist_id": therapist_id,
                    "field": change.field,
                    "old_value": change.old,
                    "new_value": change.new,
                    "source": source,
                    "import_run_id": import_run_id,
                    "event_id": event_id,
                    "changed_at": at,
                }
            )

    def page(
        self, therapist_id: int, source: str | None, offset: int, limit: int
    ) -> tuple[list[dict[str, Any]], int]:
        mine = [
            row
            for row in self.rows
            if row["therapist_id"] == therapist_id and (not source or row["source"] == source)
        ]
        return mine[offset : offset + limit], len(mine)

    def of(self, therapist_id: int) -> list[tuple[Any, ...]]:
        """(field, old, new, source, import run) of one therapist, oldest first."""
        return [
            (row["field"], row["old_value"], row["new_value"], row["source"], row["import_run_id"])
            for row in self.rows
            if row["therapist_id"] == therapist_id
        ]


@dataclass
class AuditEntry:
    therapist_id: int | None
    actor: str
    action: str
    details: dict[str, Any]
    at: datetime


class FakeAudit:
    """`audit_log` as a list."""

    def __init__(self) -> None:
        self.entries: list[AuditEntry] = []

    def add(
        self,
        therapist_id: int | None,
        actor: str,
        action: str,
        details: dict[str, Any],
        at: datetime,
    ) -> None:
        self.entries.append(AuditEntry(therapist_id, actor, action, details, at))

    def actions(self) -> list[tuple[int | None, str, str]]:
        return [(entry.therapist_id, entry.actor, entry.action) for entry in self.entries]


class FakePractices:
    """Practice keys → practice id; a key that links two practices folds them into the lower."""

    def __init__(self, therapists: FakeTherapists) -> None:
        self.therapists = therapists
        self.keys: dict[str, int] = {}
        self.created = 0
        self.moved: set[int] = set()

    def take_moved(self) -> list[int]:
        moved, self.moved = sorted(self.moved), set()
        return moved

    def resolve(self, email: str | None, phone: str | None, now: datetime) -> int | None:
        keys = practice_keys(email, phone)
        if not keys:
            return None
        found = {self.keys[key] for key in keys if key in self.keys}
        if not found:
            self.created += 1
            target = self.created
        else:
            target = min(found)
            self._merge(target, found - {target})
        for key in keys:
            self.keys.setdefault(key, target)
        return target

    def _merge(self, target: int, others: set[int]) -> None:
        for row in self.therapists.rows.values():
            if row["practice_id"] in others:
                row["practice_id"] = target
                self.moved.add(row["id"])
        for key, practice in self.keys.items():
            if practice in others:
                self.keys[key] = target


class FakeSearch:
    """The list query over the fake table: status and postal-code prefix only, by id."""

    def __init__(self, therapists: FakeTherapists) -> None:
        self.therapists = therapists
        self.asked: list[Filters] = []

    def page(self, filters: Filters, offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
        self.asked.append(filters)
        rows = [
            dict(row)
            for _, row in sorted(self.therapists.rows.items())
            if (not filters.status or row["status"] == filters.status)
            and (
                not filters.postal_code
                or (row["postal_code"] or "").startswith(filters.postal_code)
            )
        ]
        return rows[offset : offset + limit], len(rows)


class FakeTherapistUnitOfWork(FakeUnitOfWork):
    """One in-memory "database" shared by every transaction of a test."""

    def __init__(self) -> None:
        super().__init__()
        self.therapists = FakeTherapists()
        self.changes = FakeChanges()
        self.audit = FakeAudit()
        self.practices = FakePractices(self.therapists)
        self.search = FakeSearch(self.therapists)


@dataclass
class FakeContext:
    """The parts of TherapistContext the use cases read."""

    clock: FakeClock = field(default_factory=FakeClock)
    uow: FakeTherapistUnitOfWork = field(default_factory=FakeTherapistUnitOfWork)

    def unit_of_work(self) -> FakeTherapistUnitOfWork:
        return self.uow
