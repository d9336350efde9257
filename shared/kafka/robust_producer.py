"""RobustKafkaProducer: acks=all, idempotent, bounded, retried; never drops silently."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from kafka import KafkaProducer
from kafka.errors import KafkaError
from prometheus_client import Counter, Gauge
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

log = logging.getLogger(__name__)

SENT = Counter("kafka_producer_sent_total", "Records acknowledged by the broker", ["client"])
FAILED = Counter("kafka_producer_failed_total", "Records not acknowledged", ["client"])
HEALTHY = Gauge(
    "kafka_producer_healthy",
    "1 when the last send succeeded",
    ["client"],
    multiprocess_mode="livemostrecent",
)


class ProducerError(RuntimeError):
    """A record could not be delivered (the caller must keep it and try again)."""


@dataclass(frozen=True)
class Record:
    topic: str
    key: str
    value: bytes


@dataclass(frozen=True)
class SendResult:
    record: Record
    error: Exception | None = None
    partition: int | None = None
    offset: int | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


class RobustKafkaProducer:
    """A KafkaProducer wrapper that reports every failure and rebuilds itself after one."""

    def __init__(
        self,
        bootstrap_servers: str,
        client_id: str,
        *,
        delivery_timeout_ms: int = 15000,
        request_timeout_ms: int = 5000,
        max_block_ms: int = 5000,
        max_pending: int = 10_000,
        linger_ms: int = 5,
        factory: Callable[..., Any] = KafkaProducer,
    ) -> None:
        self.client_id = client_id
        self._config = {
            "bootstrap_servers": bootstrap_servers.split(","),
            "client_id": client_id,
            "acks": "all",
            "enable_idempotence": True,
            "max_in_flight_requests_per_connection": 5,
            "retry_backoff_ms": 200,
            "delivery_timeout_ms": delivery_timeout_ms,
            "request_timeout_ms": request_timeout_ms,
            "max_block_ms": max_block_ms,
            "linger_ms": linger_ms,
            "reconnect_backoff_max_ms": 2000,
        }
        self._factory = factory
        self._max_pending = max_pending
        self._producer: Any = None
        self._lock = threading.Lock()
        self.last_error: str | None = None
        self.last_success_at: float | None = None

    def _get(self) -> Any:
        with self._lock:
            if self._producer is None:
                self._producer = self._factory(**self._config)
            return self._producer

    def _reset(self, error: Exception) -> None:
        self.last_error = repr(error)
        HEALTHY.labels(self.client_id).set(0)
        with self._lock:
            producer, self._producer = self._producer, None
        if producer is not None:
            try:
                producer.close(timeout=1)
            except Exception:  # noqa: BLE001 - closing a broken producer must not mask the error
                log.debug("closing a failed producer raised", exc_info=True)

    def send_batch(self, records: Sequence[Record], timeout_s: float = 20.0) -> list[SendResult]:
        """Send records in order and wait for every acknowledgement; one result per record."""
        if len(records) > self._max_pending:
            raise ValueError(f"at most {self._max_pending} records per batch (bounded queue)")
        try:
            producer = self._get()
            futures = [producer.send(r.topic, key=r.key.encode(), value=r.value) for r in records]
        except (KafkaError, OSError, ValueError) as exc:
            self._reset(exc)
            FAILED.labels(self.client_id).inc(len(records))
            return [SendResult(r, error=exc) for r in records]
        return self._collect(records, futures, timeout_s)

    def _collect(
        self, records: Sequence[Record], futures: list[Any], timeout_s: float
    ) -> list[SendResult]:
        deadline = time.monotonic() + timeout_s
        results: list[SendResult] = []
        failure: Exception | None = None
        for record, future in zip(records, futures, strict=True):
            try:
                meta = future.get(timeout=max(0.1, deadline - time.monotonic()))
                results.append(SendResult(record, partition=meta.partition, offset=meta.offset))
            except Exception as exc:  # noqa: BLE001 - every failure is reported to the caller
                failure = failure or exc
                results.append(SendResult(record, error=exc))
        self._account(results, failure)
        return results

    def _account(self, results: list[SendResult], failure: Exception | None) -> None:
        ok = sum(1 for r in results if r.ok)
        SENT.labels(self.client_id).inc(ok)
        FAILED.labels(self.client_id).inc(len(results) - ok)
        if failure is not None:
            self._reset(failure)
        elif results:
            self.last_success_at = time.time()
            HEALTHY.labels(self.client_id).set(1)

    @retry(
        retry=retry_if_exception_type(ProducerError),
        stop=stop_after_attempt(3),
        wait=wait_exponential(multiplier=0.5, max=5),
        reraise=True,
    )
    def send_and_wait(self, topic: str, key: str, value: bytes, timeout_s: float = 10.0) -> None:
        """Send one record and wait for it, with retries; raise ProducerError on failure."""
        (result,) = self.send_batch([Record(topic, key, value)], timeout_s)
        if not result.ok:
            raise ProducerError(f"could not deliver to {topic}: {result.error!r}")

    def healthy(self) -> bool:
        """True when a producer exists and is connected to a bootstrap broker."""
        try:
            return bool(self._get().bootstrap_connected())
        except (KafkaError, OSError, ValueError) as exc:
            self._reset(exc)
            return False

    def flush(self, timeout_s: float = 10.0) -> None:
        if self._producer is not None:
            self._producer.flush(timeout=timeout_s)

    def close(self, timeout_s: float = 10.0) -> None:
        """Flush what is buffered, then close."""
        with self._lock:
            producer, self._producer = self._producer, None
        if producer is not None:
            try:
                producer.flush(timeout=timeout_s)
            finally:
                producer.close(timeout=timeout_s)
