"""Every request body of the six services refuses unknown fields (document and behaviour)."""

import importlib

import pytest
from pydantic import BaseModel
from support.tokens import token_for

from shared.config import SERVICE_NAMES
from shared.http.openapi import documented_routes

SECRET = "strict-json-secret-strict-json-secret"
UNKNOWN = "feld_das_es_nicht_gibt"


def build_app(service):
    settings = importlib.import_module(f"{service}.config").Settings(
        jwt_secret=SECRET, db_port=1, _env_file=None
    )
    return importlib.import_module(f"{service}.app").create_app(settings)


def body_operations():
    for service in SERVICE_NAMES:
        app = build_app(service)
        for rule, method, spec in documented_routes(app):
            if spec.body is not None:
                yield pytest.param(app, rule, method, spec, id=f"{service} {method} {rule.rule}")


BODY_OPERATIONS = list(body_operations())


def nested_models(model, seen=None):
    """The model and every pydantic model reachable through its field annotations."""
    seen = set() if seen is None else seen
    if model in seen:
        return seen
    seen.add(model)
    for field in model.model_fields.values():
        for candidate in _annotation_types(field.annotation):
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                nested_models(candidate, seen)
    return seen


def _annotation_types(annotation):
    yield annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        yield from _annotation_types(arg)


def concrete_path(rule):
    path = rule.rule
    for arg in rule.arguments:
        for converter in ("int:", "string:", ""):
            path = path.replace(f"<{converter}{arg}>", "1")
    return path


def test_there_are_body_operations_in_every_service():
    services = {p.values[0].name for p in BODY_OPERATIONS}
    assert len(services) >= 5, services


@pytest.mark.parametrize(("app", "rule", "method", "spec"), BODY_OPERATIONS)
def test_body_model_and_its_nested_models_forbid_unknown_fields(app, rule, method, spec):
    loose = [
        m.__name__ for m in nested_models(spec.body) if m.model_config.get("extra") != "forbid"
    ]
    assert loose == []


@pytest.mark.parametrize(("app", "rule", "method", "spec"), BODY_OPERATIONS)
def test_document_says_additional_properties_false(app, rule, method, spec):
    schemas = app.extensions["openapi"]["components"]["schemas"]
    assert schemas[spec.body.__name__].get("additionalProperties") is False


@pytest.mark.parametrize(("app", "rule", "method", "spec"), BODY_OPERATIONS)
def test_an_unknown_field_is_refused_with_400_naming_it(app, rule, method, spec):
    role = "staff" if "staff" in spec.roles else spec.roles[0]
    token = token_for(SECRET, "strict-json", role)
    response = app.test_client().open(
        concrete_path(rule),
        method=method,
        json={UNKNOWN: 1},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code in (400, 422), response.json
    assert UNKNOWN in response.json["error"]["details"]
