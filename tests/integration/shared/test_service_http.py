"""The common HTTP surface against the real database: readiness, jobs, idempotency."""

import importlib
import itertools
import uuid

import pytest
from flask_restful import Resource
from sqlalchemy import select
from support.brokers import free_port
from support.testdb import TEST_DB
from support.tokens import token_for

from shared.clock import FakeClock, OverridableClock
from shared.config import SERVICE_NAMES, BaseServiceSettings
from shared.context import ServiceContext
from shared.http.app_factory import context, create_service_app
from shared.http.idempotency import idempotent
from shared.http.operations import operation
from shared.jobs import Job, JobRegistry
from shared.outbox import OutboxWriter

pytestmark = pytest.mark.integration
SECRET = "integration-secret-integration-secret"


def service_app(service, **overrides):
    settings = importlib.import_module(f"{service}.config").Settings(
        db_name=TEST_DB, jwt_secret=SECRET, _env_file=None, **overrides
    )
    return importlib.import_module(f"{service}.app").create_app(settings)


def bearer(role):
    return {"Authorization": f"Bearer {token_for(SECRET, 'tester', role)}"}


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_every_service_is_ready_on_the_migrated_database(service, migrated_db, broker):
    response = service_app(service).test_client().get("/ready")
    assert response.status_code == 200, response.json
    assert response.json["checks"] == {"database": "ok", "migrations": "ok", "broker": "ok"}


def test_ready_is_503_with_reasons_when_database_and_broker_are_down(migrated_db):
    app = service_app(
        "patient_service", db_port=free_port(), kafka_bootstrap_servers=f"127.0.0.1:{free_port()}"
    )
    response = app.test_client().get("/ready")
    assert response.status_code == 503
    checks = response.json["checks"]
    assert checks["database"].startswith("unavailable")
    assert checks["broker"] == "unreachable"
    assert response.json["error"]["code"] == "service_unavailable"


COUNTER = itertools.count()


class CounterResource(Resource):
    @operation("Count a write", roles=("staff",))
    @idempotent
    def post(self):
        return {"n": next(COUNTER)}, 201


def scratch_app(scratch, allow_override):
    settings = BaseServiceSettings(
        service_name="patient_service",
        jwt_secret=SECRET,
        allow_clock_override=allow_override,
        _env_file=None,
    )
    seen = []
    jobs = JobRegistry([Job("remember", lambda now: seen.append(now) or {"now": str(now)}, 60)])
    ctx = ServiceContext(
        settings=settings,
        engine=scratch.engine,
        session_factory=scratch.session_factory,
        tables=scratch.tables,
        clock=OverridableClock(FakeClock()),
        outbox=OutboxWriter(scratch.tables["outbox"], "test", "t"),
        jobs=jobs,
    )
    app = create_service_app(ctx, "t", [(CounterResource, "/api/count")])
    return app, seen


def test_retried_write_with_idempotency_key_returns_the_first_answer(clean_scratch):
    client = scratch_app(clean_scratch, False)[0].test_client()
    headers = {**bearer("staff"), "Idempotency-Key": f"key-{uuid.uuid4()}"}
    first = client.post("/api/count", json={}, headers=headers)
    second = client.post("/api/count", json={}, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json == second.json
    assert second.headers["Idempotent-Replayed"] == "true"
    other = client.post("/api/count", json={"x": 1}, headers=headers)
    assert other.status_code == 422
    assert client.post("/api/count", json={}, headers=bearer("staff")).json != first.json


def test_job_endpoint_runs_now_and_records_the_run(clean_scratch):
    app, seen = scratch_app(clean_scratch, False)
    response = app.test_client().post("/api/jobs/remember/run", headers=bearer("admin"))
    assert response.status_code == 200, response.json
    runs = clean_scratch.tables["job_runs"]
    with clean_scratch.engine.connect() as conn:
        row = conn.execute(select(runs).where(runs.c.id == response.json["run_id"])).one()
    assert (row.job_name, row.status, row.trigger) == ("remember", "succeeded", "api")
    assert len(seen) == 1


def test_as_of_is_refused_unless_clock_override_is_allowed(clean_scratch):
    body = {"as_of": "2027-01-04T08:00:00+00:00"}
    refused = (
        scratch_app(clean_scratch, False)[0]
        .test_client()
        .post("/api/jobs/remember/run", json=body, headers=bearer("admin"))
    )
    assert refused.status_code == 403
    app, seen = scratch_app(clean_scratch, True)
    allowed = app.test_client().post("/api/jobs/remember/run", json=body, headers=bearer("admin"))
    assert allowed.status_code == 200
    assert seen[0].isoformat() == "2027-01-04T08:00:00+00:00"
    with app.app_context():
        assert context().clock.now().year == 2026, "the pin ends with the run"


def test_invalid_as_of_is_a_400_not_a_500(clean_scratch):
    app, _ = scratch_app(clean_scratch, True)
    response = app.test_client().post(
        "/api/jobs/remember/run", json={"as_of": "soon"}, headers=bearer("admin")
    )
    assert response.status_code == 400
    assert "as_of" in response.json["error"]["details"]
