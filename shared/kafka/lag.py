"""Consumer-group lag read from the broker: committed offsets against each partition's ends.

One admin client per process, created on first use and reused; every request is bounded by a
short timeout, and a client that failed is dropped so that the next call starts afresh (the
broker may have been restarted). The arithmetic is `shared.pipeline.topic_lags`.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable, Mapping
from typing import Any

from kafka import KafkaAdminClient, TopicPartition
from kafka.admin import OffsetSpec
from kafka.errors import KafkaError
from kafka.net.compat import KafkaNetClient

from shared.pipeline import Partition, topic_lags

log = logging.getLogger(__name__)

LAG_TIMEOUT_MS = 2000


class LagUnavailable(RuntimeError):
    """The broker did not answer (in time): the lag is unknown."""


class OffsetSource:
    """The three offset lookups the lag needs, over one lazily created admin client."""

    def __init__(
        self,
        bootstrap_servers: str,
        timeout_ms: int = LAG_TIMEOUT_MS,
        factory: Callable[..., Any] = KafkaAdminClient,
    ) -> None:
        self._config = {
            "bootstrap_servers": bootstrap_servers.split(","),
            "client_id": "psymatch-lag",
            "request_timeout_ms": timeout_ms,
            "bootstrap_timeout_ms": timeout_ms,
            "reconnect_backoff_max_ms": timeout_ms,
            # the admin client takes no connection-setup timeout itself (default 10 s)
            "kafka_client": functools.partial(
                KafkaNetClient,
                socket_connection_setup_timeout_ms=timeout_ms,
                socket_connection_setup_timeout_max_ms=timeout_ms,
            ),
        }
        self._factory = factory
        self._client: Any = None
        self._lock = threading.Lock()

    def _admin(self) -> Any:
        with self._lock:
            if self._client is None:
                self._client = self._factory(**self._config)
            return self._client

    def reset(self) -> None:
        """Drop the client (after a failure); the next lookup creates a new one."""
        with self._lock:
            client, self._client = self._client, None
        if client is not None:
            try:
                client.close()
            except Exception:  # noqa: BLE001 - a broken client is being replaced anyway
                log.debug("closing the lag admin client raised", exc_info=True)

    def partitions(self, topics: list[str]) -> list[Partition]:
        """The partitions of existing topics (a topic not created yet has none)."""
        return [
            (topic["name"], part["partition_index"])
            for topic in self._admin().describe_topics(topics)
            if topic.get("error_code", 0) == 0
            for part in topic["partitions"]
        ]

    def ends(self, partitions: list[Partition], spec: OffsetSpec) -> dict[Partition, int]:
        specs = {TopicPartition(t, p): spec for t, p in partitions}
        found = self._admin().list_partition_offsets(specs)
        return {(tp.topic, tp.partition): answer.offset for tp, answer in found.items()}

    def committed(self, group_id: str, partitions: list[Partition]) -> dict[Partition, int | None]:
        tps = [TopicPartition(t, p) for t, p in partitions]
        found = self._admin().list_group_offsets({group_id: tps}).get(group_id, {})
        return {(tp.topic, tp.partition): meta.offset for tp, meta in found.items()}


class ConsumerLag:
    """Lag per topic of a consumer group: sum over partitions of end minus committed offset."""

    def __init__(self, source: OffsetSource) -> None:
        self._source = source

    def read(self, group_id: str, topics: list[str]) -> Mapping[str, int]:
        """Raises `LagUnavailable` when the broker does not answer within the timeout."""
        try:
            partitions = self._source.partitions(topics)
            if not partitions:
                return dict.fromkeys(topics, 0)
            end = self._source.ends(partitions, OffsetSpec.LATEST)
            beginning = self._source.ends(partitions, OffsetSpec.EARLIEST)
            committed = self._source.committed(group_id, partitions)
        except (KafkaError, OSError) as exc:
            self._source.reset()
            raise LagUnavailable(f"{type(exc).__name__}: {exc}") from exc
        return topic_lags(topics, end, beginning, committed)


def consumer_lag(bootstrap_servers: str, timeout_ms: int = LAG_TIMEOUT_MS) -> ConsumerLag:
    """The lag reader of a process (its admin client is created on first use)."""
    return ConsumerLag(OffsetSource(bootstrap_servers, timeout_ms))
