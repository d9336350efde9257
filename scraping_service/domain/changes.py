"""Change tracking per external id: new, changed (field diff), unchanged, missed, disappeared."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Seen:
    """A normalised record seen in this run."""

    external_id: str
    record_hash: str
    record: dict[str, Any]


@dataclass(frozen=True)
class Known:
    """What earlier runs left behind for one external id."""

    external_id: str
    record_hash: str
    record: dict[str, Any]
    area: str | None
    missed_runs: int = 0
    disappeared: bool = False
    last_seen_at: datetime | None = None


@dataclass(frozen=True)
class FieldChange:
    """One changed field: old → new."""

    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class Disappearance:
    """A practice missing from `missed_runs` consecutive full runs of its area."""

    external_id: str
    missed_runs: int
    last_seen_at: datetime | None


@dataclass
class ChangeSet:
    """The verdict of one run against the known state."""

    new: list[Seen] = field(default_factory=list)
    changed: list[tuple[Seen, list[FieldChange]]] = field(default_factory=list)
    unchanged: list[Seen] = field(default_factory=list)
    missed: dict[str, int] = field(default_factory=dict)
    disappeared: list[Disappearance] = field(default_factory=list)


def field_diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[FieldChange]:
    """The fields whose values differ, in a stable (sorted) order."""
    names = sorted(set(old) | set(new))
    return [FieldChange(n, old.get(n), new.get(n)) for n in names if old.get(n) != new.get(n)]


def plan_changes(
    seen: Iterable[Seen],
    known: Mapping[str, Known],
    present: set[str],
    area: str | None,
    full_run: bool,
    threshold: int,
) -> ChangeSet:
    """Compare a run with the known state; `present` = ids seen, even if rejected."""
    changes = ChangeSet()
    for item in seen:
        _classify(changes, item, known.get(item.external_id))
    if full_run:
        _count_misses(changes, known, present, area, threshold)
    return changes


def _classify(changes: ChangeSet, item: Seen, before: Known | None) -> None:
    if before is None or before.disappeared:
        changes.new.append(item)
    elif before.record_hash == item.record_hash:
        changes.unchanged.append(item)
    else:
        changes.changed.append((item, field_diff(before.record, item.record)))


def _count_misses(
    changes: ChangeSet,
    known: Mapping[str, Known],
    present: set[str],
    area: str | None,
    threshold: int,
) -> None:
    """Only practices of this area that this full run did not list count as missed."""
    for state in known.values():
        if state.disappeared or state.area != area or state.external_id in present:
            continue
        missed = state.missed_runs + 1
        if missed >= threshold:
            changes.disappeared.append(Disappearance(state.external_id, missed, state.last_seen_at))
        else:
            changes.missed[state.external_id] = missed
