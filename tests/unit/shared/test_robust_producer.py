"""The producer reports failures instead of dropping records, and rebuilds itself."""

import pytest

from shared.kafka.relay import successful_prefix
from shared.kafka.robust_producer import ProducerError, Record, RobustKafkaProducer, SendResult


class FakeFuture:
    def __init__(self, error=None, offset=0):
        self.error, self.offset = error, offset

    def get(self, timeout):
        if self.error:
            raise self.error
        return type("Meta", (), {"partition": 0, "offset": self.offset})()


class FakeKafkaProducer:
    instances = 0

    def __init__(self, fail_on=(), **config):
        FakeKafkaProducer.instances += 1
        self.fail_on = set(fail_on)
        self.sent = []
        self.closed = False

    def send(self, topic, key, value):
        self.sent.append(value)
        return FakeFuture(TimeoutError("no ack") if value in self.fail_on else None, len(self.sent))

    def close(self, timeout=None):
        self.closed = True

    def flush(self, timeout=None):
        pass

    def bootstrap_connected(self):
        return True


def records(*values):
    return [Record("t", "k", v) for v in values]


def test_every_record_gets_a_result():
    producer = RobustKafkaProducer("x:1", "c", factory=FakeKafkaProducer)
    results = producer.send_batch(records(b"a", b"b"))
    assert [r.ok for r in results] == [True, True]


def test_a_failed_record_is_reported_and_the_producer_is_rebuilt():
    FakeKafkaProducer.instances = 0
    producer = RobustKafkaProducer(
        "x:1", "c", factory=lambda **cfg: FakeKafkaProducer(fail_on={b"b"}, **cfg)
    )
    results = producer.send_batch(records(b"a", b"b", b"c"))
    assert [r.ok for r in results] == [True, False, True]
    assert producer.last_error and "no ack" in producer.last_error
    producer.send_batch(records(b"d"))
    assert FakeKafkaProducer.instances == 2


def test_send_and_wait_raises_after_retries():
    producer = RobustKafkaProducer(
        "x:1", "c", factory=lambda **cfg: FakeKafkaProducer(fail_on={b"v"}, **cfg)
    )
    producer.send_and_wait.retry.sleep = lambda s: None  # tenacity: no real waiting in a unit test
    with pytest.raises(ProducerError):
        producer.send_and_wait("t", "k", b"v")


def test_unreachable_broker_at_construction_is_reported():
    def broken(**cfg):
        raise OSError("connection refused")

    results = RobustKafkaProducer("x:1", "c", factory=broken).send_batch(records(b"a"))
    assert not results[0].ok


def test_relay_marks_only_the_acknowledged_prefix():
    ok, bad = SendResult(Record("t", "k", b"")), SendResult(Record("t", "k", b""), error=OSError())
    assert successful_prefix([ok, ok, bad, ok]) == 2
    assert successful_prefix([ok, ok]) == 2
    assert successful_prefix([bad, ok]) == 0
