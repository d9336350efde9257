"""Secure defaults in all six services: body size limit (413 JSON), dev secret refused in
production, no stack trace in a 500, limiter and CORS wired into every app."""

import importlib

import pytest
from pydantic import ValidationError
from support.tokens import token_for
from unit.security.apps import LEAKED_DETAIL, bearer, build_app

from shared.config import DEV_JWT_SECRET, SERVICE_NAMES
from shared.http.openapi import documented_routes

SECRET = "defaults-test-secret-defaults-test-secret"


def settings_class(service):
    return importlib.import_module(f"{service}.config").Settings


def service_app(service, **overrides):
    settings = settings_class(service)(jwt_secret=SECRET, db_port=1, _env_file=None, **overrides)
    return importlib.import_module(f"{service}.app").create_app(settings)


def body_reading_write(app):
    """(path, method, role) of a write that reads its body: a declared body, else a job run."""
    for rule, method, spec in documented_routes(app):
        if spec.body is not None and rule.rule.startswith("/api/"):
            path = rule.rule
            for arg in rule.arguments:
                path = path.replace(f"<int:{arg}>", "1").replace(f"<string:{arg}>", "x")
            return path, method, "staff" if "staff" in spec.roles else spec.roles[0]
    job = app.extensions["psymatch"].jobs.all()[0].name
    return f"/api/jobs/{job}/run", "POST", "admin"


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_production_refuses_the_dev_jwt_secret(service, monkeypatch):
    monkeypatch.delenv("JWT_SECRET", raising=False)
    with pytest.raises(ValidationError, match="JWT_SECRET"):
        settings_class(service)(environment="production", _env_file=None)
    with pytest.raises(ValidationError, match="JWT_SECRET"):
        settings_class(service)(environment="production", jwt_secret=DEV_JWT_SECRET, _env_file=None)
    real = settings_class(service)(
        environment="production",
        jwt_secret="r" * 48,
        _env_file=None,
        **PRODUCTION_BASE,
        **PRODUCTION_SECRETS.get(service, {}),
    )
    assert real.environment == "production"


# Secrets every service needs beyond JWT_SECRET in production (issue 20).
PRODUCTION_BASE = {"service_jwt_secret": "s" * 48, "db_password": "p" * 40}
# Settings a service needs beyond those before it starts in production.
PRODUCTION_SECRETS = {
    "communication_service": {
        "answer_link_secret": "a" * 48,
        "public_base_url": "https://vermittlung.example",
    }
}


def test_production_refuses_the_dev_answer_link_secret_and_a_plain_http_base_url(monkeypatch):
    monkeypatch.delenv("ANSWER_LINK_SECRET", raising=False)
    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    settings = settings_class("communication_service")
    production = {
        "environment": "production",
        "jwt_secret": "r" * 48,
        "_env_file": None,
        **PRODUCTION_BASE,
    }
    with pytest.raises(ValidationError, match="ANSWER_LINK_SECRET"):
        settings(**production, public_base_url="https://vermittlung.example")
    with pytest.raises(ValidationError, match="PUBLIC_BASE_URL"):
        settings(**production, answer_link_secret="a" * 48, public_base_url="http://x.example")
    assert settings(**production, **PRODUCTION_SECRETS["communication_service"])


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_every_service_caps_the_request_body(service):
    assert service_app(service).config["MAX_CONTENT_LENGTH"] == 1_048_576


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_a_body_over_the_limit_gets_413_with_the_uniform_body(service):
    app = service_app(service, max_request_bytes=2_000)
    path, method, role = body_reading_write(app)
    headers = {"Authorization": f"Bearer {token_for(SECRET, 'big', role)}"}
    body = {"as_of": "x" * 5_000}
    response = app.test_client().open(path, method=method, json=body, headers=headers)
    assert response.status_code == 413, (path, response.json)
    assert response.json["error"]["code"] == "payload_too_large"


def test_an_unexpected_exception_is_a_500_without_trace_or_message(caplog):
    response = build_app().test_client().get("/api/broken", headers=bearer())
    assert response.status_code == 500
    assert response.json == {
        "error": {"code": "internal_error", "message": "Internal error.", "details": {}}
    }
    text = response.get_data(as_text=True)
    for leak in ("Traceback", "RuntimeError", "hunter2", "secret_module", LEAKED_DETAIL):
        assert leak not in text
    assert LEAKED_DETAIL in caplog.text  # the operator still sees it in the log


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_every_service_app_has_the_write_limiter_and_cors(service):
    app = service_app(service, rate_limit_enabled=True, cors_origins="https://a.example")
    assert "rate_limiter" in app.extensions
    preflight = app.test_client().options(
        "/health",
        headers={"Origin": "https://a.example", "Access-Control-Request-Method": "GET"},
    )
    assert preflight.headers["Access-Control-Allow-Origin"] == "https://a.example"
