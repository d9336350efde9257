"""Has a service caught up? Consumer lag from offsets and the answer of `GET /api/pipeline`.

Pure: offsets come in as plain mappings keyed by (topic, partition); no Kafka, no database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

Partition = tuple[str, int]


def partition_lag(end: int, beginning: int, committed: int | None) -> int:
    """Messages of one partition the group has not consumed yet: from its committed offset to
    the end; without a commit (None or negative) from the partition's first offset, and a
    commit below the first offset (the log was truncated) counts from the first offset too."""
    start = beginning if committed is None or committed < 0 else max(committed, beginning)
    return max(0, end - start)


def topic_lags(
    topics: Iterable[str],
    end: Mapping[Partition, int],
    beginning: Mapping[Partition, int],
    committed: Mapping[Partition, int | None],
) -> dict[str, int]:
    """Lag per topic, summed over the partitions in `end`; a topic without partitions has 0."""
    lags = dict.fromkeys(topics, 0)
    for (topic, partition), end_offset in end.items():
        first = beginning.get((topic, partition), 0)
        lags[topic] = lags.get(topic, 0) + partition_lag(
            end_offset, first, committed.get((topic, partition))
        )
    return lags


def is_settled(outbox_backlog: int, lag: Mapping[str, int]) -> bool:
    """Caught up: nothing waits in the outbox and no consumed topic has messages left."""
    return outbox_backlog == 0 and all(value == 0 for value in lag.values())


def pipeline_report(
    service: str,
    outbox_backlog: int,
    consumer_group: str | None,
    lag: Mapping[str, int],
    last_event_applied_at: datetime | None,
) -> dict[str, Any]:
    """The answer of `GET /api/pipeline`."""
    return {
        "service": service,
        "outbox_backlog": outbox_backlog,
        "consumer_group": consumer_group,
        "lag": dict(lag),
        "last_event_applied_at": (
            last_event_applied_at.isoformat() if last_event_applied_at is not None else None
        ),
        "settled": is_settled(outbox_backlog, lag),
    }
