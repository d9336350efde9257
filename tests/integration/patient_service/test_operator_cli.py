"""The operator's `psymatch` command line against the real patient service (issue 20): jobs
listed and run, erasure started and followed, a token printed; errors end with a message and a
non-zero exit code, never a traceback."""

from __future__ import annotations

import json
from types import SimpleNamespace

import jwt
import pytest
from click.testing import CliRunner
from integration.patient_service.conftest import PATIENT, SECRET

from shared import cli
from shared.http.auth import issue_token


@pytest.fixture
def psymatch(app, monkeypatch):
    """Run `psymatch ...` with its HTTP calls answered by the app (no network)."""
    client = app.test_client()
    seen: list[tuple[str, str]] = []

    def request(method, url, headers=None, timeout=None, json=None):
        path = url.removeprefix(cli.service_url("patient"))
        seen.append((method, path))
        answer = client.open(path, method=method, headers=headers, json=json)
        return SimpleNamespace(
            ok=answer.status_code < 400,
            status_code=answer.status_code,
            content=answer.data,
            json=answer.get_json,
        )

    monkeypatch.setattr(cli.requests, "request", request)
    monkeypatch.setenv("PSYMATCH_TOKEN", issue_token(SECRET, "operator-olga", "admin"))

    def run(*args: str, input: str | None = None):
        result = CliRunner().invoke(cli.main, list(args), input=input)
        return result, seen

    return run


def test_jobs_are_listed_and_run(psymatch):
    listed, _ = psymatch("jobs", "list", "patient")
    assert listed.exit_code == 0, listed.output
    assert "resolve-locations" in listed.output
    ran, seen = psymatch("jobs", "run", "patient", "resolve-locations")
    assert ran.exit_code == 0, ran.output
    assert ("POST", "/api/jobs/resolve-locations/run") in seen
    run = json.loads(ran.output)
    assert run["job"] == "resolve-locations" and isinstance(run["run_id"], int)


def test_erasure_is_started_after_confirmation_and_followed(psymatch, client, auth):
    patient = client.post("/api/patients", json=PATIENT, headers=auth).get_json()
    refused, _ = psymatch("erasure", "start", str(patient["id"]), input="n\n")
    assert refused.exit_code != 0 and "Aborted" in refused.output
    started, _ = psymatch("erasure", "start", str(patient["id"]), "--yes")
    assert started.exit_code == 0, started.output
    status, _ = psymatch("erasure", "status", str(patient["id"]))
    assert json.loads(status.output)["patient_id"] == patient["id"]


def test_an_error_answer_ends_with_its_message_and_exit_code_1(psymatch):
    result, _ = psymatch("erasure", "status", "999999")
    assert result.exit_code == 1
    assert "HTTP 404" in result.output and "Traceback" not in result.output


def test_a_token_is_printed_with_the_role_asked_for(monkeypatch):
    monkeypatch.setenv("JWT_SECRET", SECRET)
    result = CliRunner().invoke(cli.main, ["token", "--role", "staff", "--subject", "anna"])
    claims = jwt.decode(result.output.strip(), SECRET, algorithms=["HS256"])
    assert (claims["sub"], claims["role"]) == ("anna", "staff")
