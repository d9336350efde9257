"""PgBouncer stopped during traffic: 503 with a clear body, `/ready` says why, recovery alone."""

import pytest
from support.pgbouncer import PrivatePgBouncer
from support.testdb import TEST_DB

from patient_service.app import create_app
from patient_service.config import Settings
from shared.http.auth import issue_token

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]
SECRET = "fault-secret-fault-secret-fault-secret"


@pytest.fixture
def pgbouncer():
    bouncer = PrivatePgBouncer()
    yield bouncer
    bouncer.close()


def test_database_outage_gives_503_and_recovers_without_restart(migrated_db, pgbouncer):
    app = create_app(
        Settings(db_name=TEST_DB, db_port=pgbouncer.port, jwt_secret=SECRET, _env_file=None)
    )
    client = app.test_client()
    headers = {"Authorization": f"Bearer {issue_token(SECRET, 'staff-1', 'staff')}"}
    assert client.get("/api/patients", headers=headers).status_code == 200
    assert client.get("/ready").json["checks"]["database"] == "ok"

    pgbouncer.stop()
    down = client.get("/api/patients", headers=headers)
    assert down.status_code == 503
    assert down.json["error"]["code"] == "service_unavailable"
    assert "Traceback" not in down.get_data(as_text=True)
    ready = client.get("/ready")
    assert ready.status_code == 503
    assert ready.json["checks"]["database"].startswith("unavailable")

    pgbouncer.start()
    assert client.get("/api/patients", headers=headers).status_code == 200
    assert client.get("/ready").json["checks"]["database"] == "ok"
