"""Every service's context has the prune-outbox job, scheduled by OUTBOX_PRUNE_INTERVAL_S."""

import pytest

from shared.config import SERVICE_NAMES
from shared.context import PRUNE_OUTBOX


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_every_service_schedules_the_prune_outbox_job(service, monkeypatch):
    monkeypatch.setenv("OUTBOX_PRUNE_INTERVAL_S", "3600")
    app = __import__(f"{service}.app", fromlist=["build_service_context"])
    config = __import__(f"{service}.config", fromlist=["Settings"])
    ctx = app.build_service_context(config.Settings(_env_file=None))
    try:
        job = ctx.jobs.get(PRUNE_OUTBOX)
        assert job is not None and job.interval_s == 3600
    finally:
        ctx.engine.dispose()
