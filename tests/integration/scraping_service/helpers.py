"""Helpers of the scraping integration tests: fixtures with unique ids, upload, outbox."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from sqlalchemy import select
from support.testdb import TEST_DB

from scraping_service.config import Settings
from scraping_service.models import infrastructure

SECRET = "scraping-test-secret-scraping-test-secret"
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "arztsuche"
EXPECTED = json.loads((FIXTURES / "expected_normalised.json").read_text(encoding="utf-8"))
FILES = ("aachen_page1.json", "aachen_page2_new_tsz.json", "koeln.json", "data_quality.json")


def settings(**overrides: Any) -> Settings:
    """Test settings: the test database through PgBouncer, a known JWT secret."""
    base: dict[str, Any] = {"queue_batch_runs": 100}
    return Settings(
        db_name=TEST_DB,
        database_url=None,
        jwt_secret=SECRET,
        _env_file=None,
        **{**base, **overrides},
    )


def fixture_response(name: str, tag: str) -> dict[str, Any]:
    """A fixture file with every id prefixed by `tag` (unique per test)."""
    response = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    return tagged(response, tag)


def tagged(response: dict[str, Any], tag: str) -> dict[str, Any]:
    out = copy.deepcopy(response)
    for item in out["arztPraxisDatas"]:
        if isinstance(item, dict) and item.get("id"):
            item["id"] = f"{tag}-{item['id']}"
    return out


def expected_counts(names: tuple[str, ...] = FILES) -> tuple[int, int]:
    """(accepted, rejected) of the fixture files according to the expected output."""
    entries = [e for n in names for e in EXPECTED[n]]
    accepted = sum(1 for e in entries if e["record"])
    return accepted, len(entries) - accepted


def upload(client, headers, body: Any, area: str, full_run: bool = True) -> int:
    response = client.post(
        f"/api/imports?area={area}&full_run={str(full_run).lower()}", json=body, headers=headers
    )
    assert response.status_code == 202, response.get_json()
    return response.get_json()["id"]


def process(client, headers) -> dict[str, Any]:
    response = client.post("/api/jobs/process-imports/run", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def run_body(client, headers, run_id: int, **query: Any) -> dict[str, Any]:
    response = client.get(f"/api/imports/{run_id}", query_string=query, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def import_and_process(
    client, headers, body: Any, area: str, full_run: bool = True
) -> dict[str, Any]:
    run_id = upload(client, headers, body, area, full_run)
    process(client, headers)
    run = run_body(client, headers, run_id)
    assert run["status"] == "succeeded", run
    return run


def run_events(app, run_id: int) -> list[dict[str, Any]]:
    """Envelopes this run wrote to the outbox, oldest first."""
    t = infrastructure["outbox"]
    ctx = app.extensions["psymatch"]
    with ctx.engine.connect() as conn:
        rows = conn.execute(
            select(t.c.envelope)
            .where(t.c.envelope["payload"]["import_run_id"].as_integer() == run_id)
            .order_by(t.c.id)
        )
        return list(rows.scalars())
