"""CORS only for configured origins; foreign origins get no headers; never `*` with credentials."""

import pytest
from pydantic import ValidationError
from unit.security.apps import bearer, build_app

from shared.config import BaseServiceSettings
from shared.http.cors import CorsPolicy

ALLOWED = "https://verwaltung.psymatch.example"
FOREIGN = "https://evil.example"


def preflight(client, origin):
    return client.options(
        "/api/notes",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Authorization, Content-Type",
        },
    )


def cors_headers(response):
    return {k: v for k, v in response.headers.items() if k.startswith("Access-Control-")}


def test_preflight_from_an_allowed_origin_gets_the_cors_headers():
    client = build_app(cors_origins=f"{ALLOWED}, https://other.example").test_client()
    response = preflight(client, ALLOWED)
    assert response.status_code == 200
    headers = cors_headers(response)
    assert headers["Access-Control-Allow-Origin"] == ALLOWED
    assert "POST" in headers["Access-Control-Allow-Methods"]
    assert "Authorization" in headers["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in headers
    assert "Origin" in response.headers["Vary"]


def test_a_foreign_origin_gets_no_cors_headers():
    client = build_app(cors_origins=ALLOWED).test_client()
    assert cors_headers(preflight(client, FOREIGN)) == {}
    actual = client.get("/api/notes", headers={**bearer(), "Origin": FOREIGN})
    assert actual.status_code == 200
    assert cors_headers(actual) == {}


def test_an_actual_request_from_an_allowed_origin_is_readable_with_credentials():
    app = build_app(cors_origins=ALLOWED, cors_allow_credentials=True)
    response = app.test_client().get("/api/notes", headers={**bearer(), "Origin": ALLOWED})
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert response.headers["Access-Control-Allow-Credentials"] == "true"
    assert "X-Request-ID" in response.headers["Access-Control-Expose-Headers"]


def test_no_origins_configured_means_no_cors_headers_at_all():
    client = build_app().test_client()
    assert cors_headers(preflight(client, ALLOWED)) == {}
    assert cors_headers(client.get("/health", headers={"Origin": ALLOWED})) == {}


def test_wildcard_origin_with_credentials_is_refused_by_the_settings():
    with pytest.raises(ValidationError, match="CORS_ORIGINS"):
        BaseServiceSettings(cors_origins="*", cors_allow_credentials=True, _env_file=None)


def test_wildcard_without_credentials_answers_star_never_the_echoed_origin():
    app = build_app(cors_origins="*")
    response = preflight(app.test_client(), FOREIGN)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_the_policy_itself_refuses_wildcard_with_credentials():
    with pytest.raises(ValueError, match="wildcard"):
        CorsPolicy(("*",), allow_credentials=True)
