"""With RATE_LIMIT_STORAGE_URI=redis://... (as in docker-compose.yml) the write budget is shared
by every process of a service (issue 20). Failed before this change: the `redis` client was
not installed, so a redis:// storage URI could not be used at all (flask-limiter's
ConfigurationError), and compose had no redis service."""

from __future__ import annotations

import fakeredis
import pytest
import redis

from geocoding_service.app import create_app
from geocoding_service.config import Settings
from shared.http.auth import issue_token

SECRET = "shared-storage-secret-shared-storage-x"
STORAGE = "redis://redis:6379/0"  # the URI compose gives every container


def app_with(storage_uri: str):
    settings = Settings(
        jwt_secret=SECRET,
        rate_limit_enabled=True,
        rate_limit_writes="2/minute",
        rate_limit_storage_uri=storage_uri,
        _env_file=None,
    )
    return create_app(settings)


def write(app) -> int:
    token = issue_token(SECRET, "ops-admin", "admin")
    headers = {"Authorization": f"Bearer {token}"}
    return app.test_client().post("/api/jobs/nope/run", json={}, headers=headers).status_code


@pytest.fixture
def one_redis_server(monkeypatch):
    """Every redis client the limiter opens talks to the same in-memory Redis server."""
    server = fakeredis.FakeServer()
    monkeypatch.setattr(
        redis, "from_url", lambda url, **kw: fakeredis.FakeRedis(server=server, **kw)
    )
    return server


def test_two_processes_share_one_write_budget_through_redis(one_redis_server):
    first, second = app_with(STORAGE), app_with(STORAGE)  # two gunicorn workers, say
    assert [write(first), write(first)] == [404, 404]  # counted, then the view answers
    assert write(second) == 429


def test_with_the_default_memory_storage_each_process_counts_alone():
    """Why compose needs Redis: per-process counters multiply the budget by the workers."""
    first, second = app_with("memory://"), app_with("memory://")
    assert [write(first), write(first)] == [404, 404]
    assert write(second) == 404
