"""A web process's /metrics shows its own outbox backlog (read at scrape time) and job runs."""

from datetime import UTC, datetime

import pytest
from prometheus_client.parser import text_string_to_metric_families

from shared.clock import FakeClock, OverridableClock
from shared.config import BaseServiceSettings
from shared.context import ServiceContext
from shared.events.patient import PROFILE_EXAMPLE, PatientRegistered
from shared.http.app_factory import create_service_app
from shared.http.auth import issue_token
from shared.jobs import Job, JobRegistry
from shared.outbox import OutboxWriter

pytestmark = pytest.mark.integration
SECRET = "metrics-secret-metrics-secret-metrics"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def failing(now):
    raise RuntimeError("broken on purpose")


def scratch_app(scratch):
    settings = BaseServiceSettings(
        service_name="geocoding_service", jwt_secret=SECRET, _env_file=None
    )
    ctx = ServiceContext(
        settings=settings,
        engine=scratch.engine,
        session_factory=scratch.session_factory,
        tables=scratch.tables,
        clock=OverridableClock(FakeClock(NOW)),
        outbox=OutboxWriter(scratch.tables["outbox"], "geocoding_service", "t"),
        jobs=JobRegistry([Job("broken", failing, 60)]),
    )
    return create_service_app(ctx, "t"), ctx


def sample(client, name: str, **labels) -> float | None:
    text = client.get("/metrics").get_data(as_text=True)
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
                return s.value
    return None


def test_metrics_show_the_outbox_backlog_of_this_service_at_scrape_time(clean_scratch):
    app, ctx = scratch_app(clean_scratch)
    client = app.test_client()
    assert sample(client, "outbox_backlog", service="geocoding_service") == 0
    with ctx.session_factory() as session:
        for patient_id in (1, 2, 3):
            event = PatientRegistered.model_validate({**PROFILE_EXAMPLE, "patient_id": patient_id})
            ctx.outbox.add(session, event, NOW)
        session.commit()
    assert sample(client, "outbox_backlog", service="geocoding_service") == 3


def test_a_failed_job_run_is_counted_on_metrics(clean_scratch):
    client = scratch_app(clean_scratch)[0].test_client()
    labels = {"service": "geocoding_service", "job": "broken", "status": "failed"}
    before = sample(client, "job_runs_total", **labels) or 0
    admin = {"Authorization": f"Bearer {issue_token(SECRET, 'admin-1', 'admin')}"}
    assert client.post("/api/jobs/broken/run", headers=admin).status_code == 500
    assert sample(client, "job_runs_total", **labels) == before + 1
