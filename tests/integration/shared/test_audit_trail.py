"""The audit trail of all six services on the real database: writes, GET /api/audit, append-only."""

import importlib
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError
from support.testdb import TEST_DB
from support.tokens import token_for

from shared.config import SERVICE_NAMES

pytestmark = pytest.mark.integration
SECRET = "audit-integration-secret-audit-integration"


@pytest.fixture(scope="module")
def apps(migrated_db):
    built = {}
    for service in SERVICE_NAMES:
        settings = importlib.import_module(f"{service}.config").Settings(
            db_name=TEST_DB, database_url=None, jwt_secret=SECRET, _env_file=None
        )
        built[service] = importlib.import_module(f"{service}.app").create_app(settings)
    yield built
    for app in built.values():
        app.extensions["psymatch"].engine.dispose()


def bearer(role, subject):
    return {"Authorization": f"Bearer {token_for(SECRET, subject, role)}"}


def run_unknown_job(client, subject, job):
    response = client.post(f"/api/jobs/{job}/run", headers=bearer("admin", subject))
    assert response.status_code == 404
    return response


def audit(client, role="admin", **params):
    return client.get("/api/audit", query_string=params, headers=bearer(role, "auditor"))


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_a_write_is_recorded_and_found_by_subject_and_record(apps, service):
    client = apps[service].test_client()
    subject, job = f"admin-{uuid.uuid4().hex[:8]}", f"no-such-job-{uuid.uuid4().hex[:8]}"
    sent = run_unknown_job(client, subject, job)
    by_subject = audit(client, subject=subject)
    assert by_subject.status_code == 200, by_subject.json
    [item] = by_subject.json["items"]
    assert item["subject"] == subject and item["role"] == "admin"
    assert (item["action"], item["method"], item["status"]) == ("action", "POST", 404)
    assert item["route"] == "/api/jobs/<string:name>/run"
    assert (item["record_type"], item["record_id"]) == ("job", job)
    assert item["request_id"] == sent.headers["X-Request-ID"]
    assert item["at"].endswith("+00:00")
    by_record = audit(client, "service", record=f"job:{job}")
    assert by_record.json["items"] == [item] and by_record.json["total"] == 1


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_filters_combine_and_pages_are_newest_first(apps, service):
    client = apps[service].test_client()
    subject, other = f"admin-{uuid.uuid4().hex[:8]}", f"admin-{uuid.uuid4().hex[:8]}"
    jobs = [f"job-{uuid.uuid4().hex[:8]}" for _ in range(3)]
    for job in jobs:
        run_unknown_job(client, subject, job)
    run_unknown_job(client, other, jobs[0])
    first = audit(client, subject=subject, per_page=2).json
    second = audit(client, subject=subject, per_page=2, page=2).json
    assert first["total"] == 3 and (first["page"], first["per_page"]) == (1, 2)
    listed = [i["record_id"] for i in first["items"] + second["items"]]
    assert listed == list(reversed(jobs))
    both = audit(client, subject=other, record=f"job:{jobs[0]}").json
    assert [i["subject"] for i in both["items"]] == [other]


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_only_admins_and_services_read_the_trail(apps, service):
    client = apps[service].test_client()
    assert client.get("/api/audit").status_code == 401
    assert audit(client, "staff").status_code == 403
    assert audit(client, "service").status_code == 200


@pytest.mark.parametrize("record", ["42", "patient", "patient:", "Patient:1", "patient:4 2"])
def test_a_malformed_record_filter_is_a_clear_400(apps, record):
    response = audit(apps["patient_service"].test_client(), record=record)
    assert response.status_code == 400
    assert "<record_type>:<record_id>" in response.json["error"]["message"]


def role_engine(service):
    url = f"postgresql+psycopg2://{service}:{service}-dev@127.0.0.1:6432/{TEST_DB}"
    return create_engine(url)


@pytest.mark.parametrize("service", SERVICE_NAMES)
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE {schema}.audit_entries SET subject = 'someone else'",
        "DELETE FROM {schema}.audit_entries",
        "TRUNCATE {schema}.audit_entries",
    ],
)
def test_the_service_role_cannot_change_or_remove_entries(apps, service, statement):
    run_unknown_job(apps[service].test_client(), "admin-append", "append-only-check")
    engine = role_engine(service)
    try:
        with engine.connect() as conn, pytest.raises(DBAPIError, match="permission denied"):
            conn.execute(text(statement.format(schema=service)))
        with engine.connect() as conn:
            count = conn.execute(text(f"SELECT count(*) FROM {service}.audit_entries")).scalar()
        assert count >= 1
    finally:
        engine.dispose()
