"""Write routes are limited per caller (429, uniform body, Retry-After); reads never are."""

import pytest
from pydantic import ValidationError
from unit.security.apps import bearer, build_app

LIMIT = 3
NOTE = {"text": "Rückruf vereinbart"}


def limited_client(**overrides):
    settings = {"rate_limit_enabled": True, "rate_limit_writes": f"{LIMIT}/minute", **overrides}
    return build_app(**settings).test_client()


def test_the_write_after_the_limit_gets_429_with_the_uniform_body_and_retry_after():
    client = limited_client()
    answers = [client.post("/api/notes", json=NOTE, headers=bearer()) for _ in range(LIMIT + 1)]
    assert [a.status_code for a in answers] == [201] * LIMIT + [429]
    refused = answers[-1]
    assert set(refused.json) == {"error"}
    assert refused.json["error"]["code"] == "too_many_requests"
    assert "Zu viele Schreibanfragen" in refused.json["error"]["message"]
    assert "3 per 1 minute" in refused.json["error"]["message"]
    assert refused.json["error"]["details"] == {}
    assert 0 < int(refused.headers["Retry-After"]) <= 60


def test_reads_are_never_limited():
    client = limited_client()
    for _ in range(LIMIT + 1):
        client.post("/api/notes", json=NOTE, headers=bearer())
    reads = [client.get("/api/notes", headers=bearer()).status_code for _ in range(LIMIT * 4)]
    assert reads == [200] * (LIMIT * 4)
    assert client.get("/health").status_code == 200


def test_each_token_subject_has_its_own_budget():
    client = limited_client()
    for _ in range(LIMIT + 1):
        client.post("/api/notes", json=NOTE, headers=bearer(subject="anna"))
    other = client.post("/api/notes", json=NOTE, headers=bearer(subject="bernd"))
    assert other.status_code == 201


def test_writes_without_a_valid_token_count_against_the_client_address():
    client = limited_client()
    forged = {"Authorization": "Bearer not-a-token"}
    statuses = [client.post("/api/notes", json=NOTE, headers=forged).status_code for _ in range(4)]
    assert statuses == [401] * LIMIT + [429]
    assert client.post("/api/notes", json=NOTE).status_code == 429


def test_refused_writes_count_too_so_invalid_bodies_cannot_probe_for_free():
    client = limited_client()
    statuses = [
        client.post("/api/notes", json={"nope": 1}, headers=bearer()).status_code
        for _ in range(LIMIT + 1)
    ]
    assert statuses == [400] * LIMIT + [429]


def test_disabled_limit_lets_every_write_through():
    client = limited_client(rate_limit_enabled=False)
    statuses = {
        client.post("/api/notes", json=NOTE, headers=bearer()).status_code for _ in range(10)
    }
    assert statuses == {201}


def test_the_openapi_document_lists_429_on_writes_only():
    paths = build_app(rate_limit_enabled=True).extensions["openapi"]["paths"]
    assert "429" in paths["/api/notes"]["post"]["responses"]
    assert "429" not in paths["/api/notes"]["get"]["responses"]
    assert "429" not in paths["/health"]["get"]["responses"]
    assert "Retry-After" in paths["/api/notes"]["post"]["responses"]["429"]["headers"]


def test_a_malformed_limit_is_refused_at_start():
    with pytest.raises(ValidationError, match="rate_limit_writes"):
        build_app(rate_limit_writes="viele")
