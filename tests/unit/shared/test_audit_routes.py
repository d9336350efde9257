"""Every service keeps an audit trail, serves GET /api/audit, and declares its routes' records."""

import importlib

import pytest

from shared.audit import AUDIT_TABLE, WRITE_METHODS
from shared.config import SERVICE_NAMES
from shared.http.openapi import documented_routes

SECRET = "audit-routes-secret-audit-routes-secret"


def build_app(service):
    settings_cls = importlib.import_module(f"{service}.config").Settings
    create_app = importlib.import_module(f"{service}.app").create_app
    return create_app(settings_cls(jwt_secret=SECRET, _env_file=None))


APPS = {service: build_app(service) for service in SERVICE_NAMES}


def api_routes(service):
    return [
        (rule, method, spec)
        for rule, method, spec in documented_routes(APPS[service])
        if rule.rule.startswith("/api/")
    ]


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_every_service_registers_the_audit_table(service):
    tables = APPS[service].extensions["psymatch"].tables
    assert tables[AUDIT_TABLE].schema == service


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_audit_endpoint_is_documented_for_admins_and_services(service):
    operation = APPS[service].extensions["openapi"]["paths"]["/api/audit"]["get"]
    assert operation["x-roles"] == ["admin", "service"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"subject", "record", "page", "per_page"} <= names


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_routes_about_one_patient_declare_the_patient(service):
    for rule, method, spec in api_routes(service):
        if "patient_id" in rule.arguments:
            declared = {(r.record_type, r.path) for r in spec.audit}
            assert ("patient", "patient_id") in declared, (method, rule.rule)


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_writes_to_one_record_declare_it(service):
    for rule, method, spec in api_routes(service):
        if method in WRITE_METHODS and rule.arguments:
            assert any(r.path in rule.arguments for r in spec.audit), (method, rule.rule)


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_declared_sources_exist_on_the_route(service):
    for rule, method, spec in api_routes(service):
        for record in spec.audit:
            if record.path is not None:
                assert record.path in rule.arguments, (method, rule.rule, record)
            if record.query is not None:
                assert spec.query is not None, (method, rule.rule, record)
                assert record.query in spec.query.model_fields, (method, rule.rule, record)


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_declared_answer_fields_exist_in_the_documented_answer(service):
    for rule, method, spec in api_routes(service):
        models = [model for _, model in spec.responses.values() if model is not None]
        for record in spec.audit:
            if record.response is not None and models:
                assert any(_has_path(m, record.response) for m in models), (method, rule.rule)


def _has_path(model, dotted):
    schema = model.model_json_schema()
    defs = schema.get("$defs", {})
    node = schema
    for key in dotted.split("."):
        node = _resolve(node, defs)
        if node.get("type") == "array":
            node = _resolve(node["items"], defs)
        if key not in node.get("properties", {}):
            return False
        node = node["properties"][key]
    return True


def _resolve(node, defs):
    if "$ref" in node:
        return defs[node["$ref"].rsplit("/", 1)[-1]]
    for option in node.get("anyOf", []):
        if "$ref" in option or option.get("type") in ("object", "array"):
            return _resolve(option, defs)
    return node
