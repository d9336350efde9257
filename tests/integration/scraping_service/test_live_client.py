"""The live client against a local fake Arztsuche: session, headers, tiling, retries, stop."""

from __future__ import annotations

import secrets

import pytest
from integration.scraping_service.fake_arztsuche import FakeArztsuche, population, serve
from integration.scraping_service.helpers import run_body, run_events

from scraping_service.services import live

pytestmark = pytest.mark.integration
CENTER = (50.7753, 6.0839)
PRACTICES = 160


@pytest.fixture
def credential() -> str:
    return f"user{secrets.token_hex(4)}:{secrets.token_hex(8)}"


@pytest.fixture
def fake(tag, credential):
    found = FakeArztsuche(
        credential,
        population(tag, PRACTICES, *CENTER, 9.0),
        slow_requests={2},
        expire_sessions_at={5},
    )
    yield from serve(found)


def _live_app(make_app, fake, tag, credential, **overrides):
    values = {
        "live_enabled": True,
        "live_api_url": f"{fake.url}/api/data",
        "live_site_url": f"{fake.url}/",
        "live_basic_auth": credential,
        "live_areas": f"{tag}-live:{CENTER[0]},{CENTER[1]},10",
        "live_min_interval_s": 0,
        "live_timeout_s": 0.5,
        "live_backoff_s": 0,
        "live_attempts": 4,
        "live_min_radius_km": 1.0,
    }
    app = make_app(**{**values, **overrides})
    live.set_live_stop(app.extensions["psymatch"], False, None, "live-tests")
    return app


def _run_live(client, admin) -> dict:
    response = client.post("/api/jobs/live-import/run", headers=admin)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["result"]


def test_a_live_run_covers_the_area_by_tiling_and_survives_timeouts_and_lost_sessions(
    make_app, fake, tag, credential, admin
):
    app = _live_app(make_app, fake, tag, credential)
    client = app.test_client()
    result = _run_live(client, admin)["runs"][0]
    assert result["status"] == "succeeded", result
    assert result["subdivided"] >= 1 and result["capped"] == [] and result["failed"] == []
    assert result["retries"] >= 2
    assert {"slow", "500-no-session"} <= set(fake.answers) and fake.problems == []
    run = run_body(client, admin, result["run_id"])
    assert run["source"] == "live" and run["full_run"] is True and run["area"] == f"{tag}-live"
    assert run["counts"]["new"] == PRACTICES and run["counts"]["rejected"] == 0
    assert run["duplicates"] > 0
    discovered = [
        e for e in run_events(app, run["id"]) if e["event_type"] == "scraping.therapist_discovered"
    ]
    assert len(discovered) == PRACTICES


def test_a_second_live_run_finds_the_same_practices_unchanged(
    make_app, fake, tag, credential, admin
):
    client = _live_app(make_app, fake, tag, credential).test_client()
    _run_live(client, admin)
    fake.practices.pop()
    second = run_body(client, admin, _run_live(client, admin)["runs"][0]["run_id"])
    assert second["counts"]["unchanged"] == PRACTICES - 1 and second["counts"]["new"] == 0


def test_a_wrong_credential_fails_the_run_without_retrying_forever(make_app, fake, tag, admin):
    client = _live_app(make_app, fake, tag, "wrong:credential").test_client()
    result = _run_live(client, admin)["runs"][0]
    assert result["status"] == "failed" and result["failed"] and result["requests"] == 2
    run = run_body(client, admin, result["run_id"])
    assert run["full_run"] is False and run["counts"]["new"] == 0


def test_a_capped_tile_at_the_minimum_radius_makes_the_run_partial(
    make_app, fake, tag, credential, admin
):
    client = _live_app(make_app, fake, tag, credential, live_min_radius_km=6.0).test_client()
    result = _run_live(client, admin)["runs"][0]
    assert result["capped"] and result["status"] == "succeeded"
    assert run_body(client, admin, result["run_id"])["full_run"] is False


def test_the_stop_switch_keeps_the_live_import_from_running(make_app, fake, tag, credential, admin):
    client = _live_app(make_app, fake, tag, credential).test_client()
    client.put("/api/live/stop", json={"stopped": True, "reason": "test"}, headers=admin)
    try:
        assert _run_live(client, admin) == {"runs": [], "stopped": True}
        assert fake.posts == 0
    finally:
        client.put("/api/live/stop", json={"stopped": False}, headers=admin)


def test_the_live_import_is_off_by_default(client, admin):
    assert "skipped" in _run_live(client, admin)
