"""Every /api route of every service: 401 without/expired/forged token, 403 for a wrong role."""

import importlib
from datetime import UTC, datetime, timedelta

import pytest
from support.tokens import token_for

from shared.config import SERVICE_NAMES
from shared.http.auth import ROLES, issue_token
from shared.http.openapi import documented_routes

SECRET = "route-walk-secret-route-walk-secret"


def build_app(service):
    settings_cls = importlib.import_module(f"{service}.config").Settings
    create_app = importlib.import_module(f"{service}.app").create_app
    return create_app(settings_cls(jwt_secret=SECRET, _env_file=None))


APPS = {service: build_app(service) for service in SERVICE_NAMES}


def api_routes(app):
    for rule, method, spec in documented_routes(app):
        path = rule.rule
        for arg in rule.arguments:
            path = (
                path.replace(f"<int:{arg}>", "1")
                .replace(f"<string:{arg}>", "x")
                .replace(f"<{arg}>", "x")
            )
        yield path, method, spec


def call(client, method, path, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.open(path, method=method, headers=headers, json={})


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_every_api_route_declares_roles(service):
    for path, method, spec in api_routes(APPS[service]):
        if path.startswith("/api/"):
            assert spec.roles, f"{method} {path} has no roles"


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_missing_expired_and_forged_tokens_get_401(service):
    client = APPS[service].test_client()
    expired = issue_token(
        SECRET, "x", "admin", ttl=timedelta(minutes=1), now=datetime.now(UTC) - timedelta(hours=1)
    )
    forged = issue_token("not-the-secret-not-the-secret-xx", "x", "admin")
    for path, method, spec in api_routes(APPS[service]):
        if spec.roles is None:
            continue
        for token in (None, expired, forged, "garbage"):
            response = call(client, method, path, token)
            assert response.status_code == 401, (method, path, token, response.json)
            assert response.json["error"]["code"] == "unauthorized"


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_wrong_roles_get_403(service):
    client = APPS[service].test_client()
    for path, method, spec in api_routes(APPS[service]):
        for role in set(ROLES) - set(spec.roles or ROLES):
            response = call(client, method, path, token_for(SECRET, "x", role))
            assert response.status_code == 403, (method, path, role)


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_health_is_open_and_documents_are_served(service):
    client = APPS[service].test_client()
    assert client.get("/health").status_code == 200
    spec = client.get("/openapi.json").json
    assert spec["openapi"].startswith("3.")
    assert "/api/jobs/{name}/run" in spec["paths"]
    assert client.get("/docs").status_code == 200


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_unknown_routes_and_methods_get_json_errors(service):
    client = APPS[service].test_client()
    assert client.get("/api/does-not-exist").json["error"]["code"] == "not_found"
    response = client.delete("/health")
    assert response.status_code == 405
    assert response.json["error"]["code"] == "method_not_allowed"


def test_as_of_needs_the_clock_override_setting():
    client = APPS["patient_service"].test_client()
    token = issue_token(SECRET, "x", "admin")
    response = client.post(
        "/api/jobs/nope/run",
        json={"as_of": "2026-01-01T00:00:00Z"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 404


# The only routes without a bearer token: the ops routes of every service, and the answer page
# of outreach e-mails (communication; the signed link is its key).
CORE_PUBLIC = {("/health", "GET"), ("/ready", "GET"), ("/metrics", "GET")}
CORE_PUBLIC |= {("/openapi.json", "GET"), ("/docs", "GET"), ("/docs/assets/<string:name>", "GET")}
PUBLIC = {
    service: CORE_PUBLIC
    | (
        {("/antwort/<string:token>", "GET"), ("/antwort/<string:token>", "POST")}
        if service == "communication_service"
        else set()
    )
    for service in SERVICE_NAMES
}


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_exactly_the_allowed_routes_are_public(service):
    public = {
        (rule.rule, method)
        for rule, method, spec in documented_routes(APPS[service])
        if spec.roles is None
    }
    assert public == PUBLIC[service]
    undocumented = {
        rule.rule
        for rule in APPS[service].url_map.iter_rules()
        if rule.endpoint != "static"
        and rule.rule not in {r.rule for r, _, _ in documented_routes(APPS[service])}
    }
    assert undocumented == set()  # every route goes through @operation (roles declared)


def test_the_answer_page_reveals_nothing_without_a_valid_link():
    client = APPS["communication_service"].test_client()
    for method in ("GET", "POST"):
        response = client.open("/antwort/not-a-signed-token", method=method)
        assert response.status_code == 403
        assert response.mimetype == "text/html"
        assert "Link ungültig" in response.get_data(as_text=True)


# Both failed before user and service tokens were told apart (issue 20): a user token with
# role `service` passed every service route, and a service token was a user-style token.


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_a_user_token_claiming_role_service_gets_401_on_service_routes(service):
    client = APPS[service].test_client()
    impostor = issue_token(SECRET, "impostor", "service")  # the user secret, role service
    genuine = token_for(SECRET, "peer", "service")  # signed with SERVICE_JWT_SECRET
    checked = 0
    for path, method, spec in api_routes(APPS[service]):
        if not spec.roles or "service" not in spec.roles:
            continue
        checked += 1
        response = call(client, method, path, impostor)
        assert response.status_code == 401, (method, path, response.json)
        assert call(client, method, path, genuine).status_code not in (401, 403), (method, path)
    if service in ("therapist_service", "geocoding_service"):
        assert checked, "expected routes open to role service"


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_service_tokens_get_403_on_user_only_routes(service):
    client = APPS[service].test_client()
    genuine = token_for(SECRET, "peer", "service")
    for path, method, spec in api_routes(APPS[service]):
        if spec.roles and "service" not in spec.roles:
            assert call(client, method, path, genuine).status_code == 403, (method, path)
