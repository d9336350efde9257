"""The driver's client: repeatable requests survive a brief outage, other writes are sent once."""

from __future__ import annotations

import pytest
import requests
import responses

from simulation import stack_api
from simulation.stack_api import URLS, StackApi, repeatable


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch):
    monkeypatch.setattr(stack_api, "RETRY_BACKOFF_S", 0.0)


def test_only_reads_the_clock_and_job_runs_are_repeatable():
    assert repeatable("GET", "/api/patients?status=placed")
    assert repeatable("PUT", "/api/clock")
    assert repeatable("POST", "/api/jobs/send-emails/run")
    assert not repeatable("POST", "/api/patients")
    assert not repeatable("PUT", "/api/phone-calls/4/outcome")
    assert not repeatable("POST", "/api/responses")


@responses.activate
def test_a_read_is_tried_again_after_a_503_and_a_lost_connection():
    url = f"{URLS['patient']}/api/pipeline"
    responses.get(url, status=503)
    responses.get(url, body=requests.ConnectionError("refused"))
    responses.get(url, json={"settled": True})
    api = StackApi(subject="test")
    assert api.call("GET", "patient", "/api/pipeline", admin=True) == {"settled": True}
    assert api.transient_retries == 2


@responses.activate
def test_a_transient_failure_that_lasts_is_reported_after_the_last_try():
    url = f"{URLS['matching']}/api/jobs/matching-round/run"
    responses.post(url, status=503)
    api = StackApi(subject="test")
    assert (
        api.send("POST", "matching", "/api/jobs/matching-round/run", admin=True).status_code == 503
    )
    assert len(responses.calls) == stack_api.RETRIES


@responses.activate
def test_a_write_that_is_not_repeatable_is_sent_once():
    url = f"{URLS['communication']}/api/responses"
    responses.post(url, status=503)
    api = StackApi(subject="test")
    assert api.send("POST", "communication", "/api/responses", json={}).status_code == 503
    assert len(responses.calls) == 1
