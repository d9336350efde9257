"""GET /api/pipeline's parts without a broker: lag arithmetic, the settled decision, the lag
reader's client handling, and the route's roles and answers over a stubbed pipeline."""

import importlib
from datetime import UTC, datetime

import pytest
from kafka.errors import KafkaTimeoutError, NodeNotReadyError
from kafka.structs import OffsetAndMetadata, OffsetAndTimestamp
from support.tokens import token_for

from shared.config import SERVICE_NAMES
from shared.events.topics import SUBSCRIPTIONS
from shared.kafka.lag import ConsumerLag, LagUnavailable, OffsetSource
from shared.pipeline import is_settled, partition_lag, pipeline_report, topic_lags

SECRET = "pipeline-secret-pipeline-secret-pipeline"
WHEN = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("end", "beginning", "committed", "lag"),
    [
        (10, 0, 4, 6),  # committed: end minus committed
        (10, 0, 10, 0),  # at the end
        (10, 0, None, 10),  # never committed: the whole partition
        (10, 0, -1, 10),  # the broker's "no offset" (-1) is no commit either
        (10, 7, None, 3),  # truncated log, no commit: from the first offset still there
        (10, 7, 2, 3),  # commit below the first offset: the consumer restarts at the first
        (0, 0, None, 0),  # empty partition
        (5, 0, 6, 0),  # a commit read after the end offset never makes the lag negative
    ],
)
def test_partition_lag(end, beginning, committed, lag):
    assert partition_lag(end, beginning, committed) == lag


def test_topic_lag_sums_its_partitions_and_counts_uncommitted_ones_whole():
    end = {("a", 0): 5, ("a", 1): 3, ("a", 2): 4, ("b", 0): 9}
    beginning = {("a", 0): 0, ("a", 1): 0, ("a", 2): 1, ("b", 0): 0}
    committed = {("a", 0): 5, ("a", 1): 1, ("a", 2): None, ("b", 0): 9}
    lags = topic_lags(["a", "b", "c"], end, beginning, committed)
    assert lags == {"a": 0 + 2 + 3, "b": 0, "c": 0}


def test_a_partition_missing_from_the_committed_answer_counts_whole():
    assert topic_lags(["a"], {("a", 0): 4}, {("a", 0): 0}, {}) == {"a": 4}


@pytest.mark.parametrize(
    ("backlog", "lag", "settled"),
    [
        (0, {}, True),
        (0, {"a": 0, "b": 0}, True),
        (1, {"a": 0}, False),
        (0, {"a": 0, "b": 2}, False),
        (3, {"a": 1}, False),
    ],
)
def test_settled_only_when_backlog_and_every_lag_are_zero(backlog, lag, settled):
    assert is_settled(backlog, lag) is settled


def test_the_report_has_the_documented_shape():
    report = pipeline_report("matching_service", 0, "p-matching_service", {"p-a": 0}, WHEN)
    assert report == {
        "service": "matching_service",
        "outbox_backlog": 0,
        "consumer_group": "p-matching_service",
        "lag": {"p-a": 0},
        "last_event_applied_at": "2026-03-02T09:30:00+00:00",
        "settled": True,
    }
    none = pipeline_report("scraping_service", 2, None, {}, None)
    assert none["last_event_applied_at"] is None and none["settled"] is False


class FakeAdmin:
    """Offsets of two partitions of topic `t`; `fail` makes every lookup raise."""

    created = 0

    def __init__(self, **config):
        FakeAdmin.created += 1
        self.config, self.closed, self.fail = config, False, None

    def _check(self):
        if self.fail is not None:
            raise self.fail

    def describe_topics(self, topics):
        self._check()
        known = {"t": [{"partition_index": 0}, {"partition_index": 1}]}
        return [
            {
                "name": name,
                "error_code": 0 if name in known else 3,
                "partitions": known.get(name, []),
            }
            for name in topics
        ]

    def list_partition_offsets(self, specs):
        self._check()
        ends = {-1: {0: 7, 1: 5}, -2: {0: 0, 1: 2}}  # LATEST, EARLIEST
        return {
            tp: OffsetAndTimestamp(ends[int(spec)][tp.partition], -1, 0)
            for tp, spec in specs.items()
        }

    def list_group_offsets(self, group_specs):
        self._check()
        ((group, tps),) = group_specs.items()
        committed = {0: 3, 1: -1}
        return {group: {tp: OffsetAndMetadata(committed[tp.partition], None, -1) for tp in tps}}

    def close(self):
        self.closed = True


def test_lag_is_read_from_committed_and_end_offsets_with_one_reused_client():
    FakeAdmin.created = 0
    source = OffsetSource("127.0.0.1:1", factory=FakeAdmin)
    assert FakeAdmin.created == 0, "no client before the first lookup"
    lag = ConsumerLag(source)
    # partition 0: 7 - 3; partition 1 never committed: 5 - 2 (its first offset)
    assert lag.read("g", ["t", "missing"]) == {"t": 4 + 3, "missing": 0}
    assert lag.read("g", ["t"]) == {"t": 7}
    assert FakeAdmin.created == 1
    assert source._admin().config["request_timeout_ms"] == 2000
    assert source._admin().config["bootstrap_timeout_ms"] == 2000


@pytest.mark.parametrize("error", [KafkaTimeoutError("down"), NodeNotReadyError("gone")])
def test_a_broker_error_is_lag_unavailable_and_the_client_is_replaced(error):
    FakeAdmin.created = 0
    source = OffsetSource("127.0.0.1:1", factory=FakeAdmin)
    lag = ConsumerLag(source)
    broken = source._admin()
    broken.fail = error
    with pytest.raises(LagUnavailable, match=type(error).__name__):
        lag.read("g", ["t"])
    assert broken.closed
    assert lag.read("g", ["t"]) == {"t": 7}
    assert FakeAdmin.created == 2


def test_a_client_that_cannot_bootstrap_is_lag_unavailable():
    def unreachable(**config):
        raise KafkaTimeoutError("Unable to bootstrap")

    with pytest.raises(LagUnavailable):
        ConsumerLag(OffsetSource("127.0.0.1:1", factory=unreachable)).read("g", ["t"])


def test_every_subscription_names_known_producers_and_every_service_has_one():
    assert set(SUBSCRIPTIONS) == set(SERVICE_NAMES)
    for service, producers in SUBSCRIPTIONS.items():
        assert set(producers) <= set(SERVICE_NAMES) - {service}


def test_the_worker_and_the_route_read_the_same_group_and_topics():
    settings_cls = importlib.import_module("matching_service.config").Settings
    settings = settings_cls(kafka_topic_prefix="p1-", _env_file=None)
    assert settings.consumed_topics == [
        "p1-patient-events",
        "p1-therapist-events",
        "p1-communication-events",
    ]
    assert settings.consumer_group == "p1-matching_service"


# ------------------------------------------------------------------ the route


def build_app(service):
    settings_cls = importlib.import_module(f"{service}.config").Settings
    create_app = importlib.import_module(f"{service}.app").create_app
    return create_app(settings_cls(jwt_secret=SECRET, _env_file=None))


class StubPipeline:
    def __init__(self, answer=None, error=None):
        self.answer, self.error, self.calls = answer, error, 0

    def report(self):
        self.calls += 1
        if self.error is not None:
            raise self.error
        return self.answer


def get(app, role):
    headers = {"Authorization": f"Bearer {token_for(SECRET, 'tester', role)}"}
    return app.test_client().get("/api/pipeline", headers=headers)


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_every_service_answers_admins_and_services_and_refuses_staff(service):
    app = build_app(service)
    answer = pipeline_report(service, 0, None, {}, None)
    app.extensions["pipeline"] = stub = StubPipeline(answer)
    assert get(app, "staff").status_code == 403
    assert stub.calls == 0
    for role in ("admin", "service"):
        response = get(app, role)
        assert response.status_code == 200, response.json
        assert response.json == answer


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_the_route_is_documented_for_admins_and_services(service):
    operation = build_app(service).extensions["openapi"]["paths"]["/api/pipeline"]["get"]
    assert operation["x-roles"] == ["admin", "service"]
    assert "503" in operation["responses"]
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/PipelineState"}
