"""Builds each service's OpenAPI 3.1 document from the `@operation` declarations of its routes."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from pydantic import BaseModel

from shared.http.operations import OperationSpec

_CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")
_TYPES = {"int": {"type": "integer"}, "float": {"type": "number"}}

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "details": {},
            },
        }
    },
}


def build_openapi(app: Flask, title: str, version: str = "1.0.0") -> dict[str, Any]:
    """Walk the URL map; every documented method becomes an operation."""
    components: dict[str, Any] = {"Error": ERROR_SCHEMA}
    paths: dict[str, Any] = {}
    for rule, method, spec in documented_routes(app):
        path = _CONVERTER.sub(r"{\2}", rule.rule)
        item = paths.setdefault(path, {})
        item[method.lower()] = _operation(rule.rule, method, spec, components)
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version},
        "paths": paths,
        # Bearer token by default ("Authorize" in Swagger UI); public operations say `[]`.
        "security": [{"bearerAuth": []}],
        "components": {
            "schemas": components,
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            },
        },
    }


def documented_routes(app: Flask) -> list[tuple[Any, str, OperationSpec]]:
    """(rule, method, spec) for every route method that carries an `@operation`."""
    found = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        view_class = getattr(view, "view_class", None)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            target = getattr(view_class, method.lower(), None) if view_class else view
            spec = getattr(target, "__openapi__", None)
            if spec is not None:
                found.append((rule, method, spec))
    return found


def _operation(rule: str, method: str, spec: OperationSpec, components: dict) -> dict[str, Any]:
    op: dict[str, Any] = {
        "summary": spec.summary,
        "operationId": f"{method.lower()}_{re.sub(r'[^a-z0-9]+', '_', rule.lower()).strip('_')}",
        "parameters": _path_params(rule) + _query_params(spec.query, components),
        "responses": _responses(spec, components),
    }
    if spec.tags:
        op["tags"] = list(spec.tags)
    if spec.roles is not None:
        op["security"] = [{"bearerAuth": []}]
        op["x-roles"] = list(spec.roles)
    else:
        op["security"] = []  # public: no token needed
    if spec.body is not None:
        op["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _ref(spec.body, components)}},
        }
    return op


def _path_params(rule: str) -> list[dict[str, Any]]:
    return [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": _TYPES.get(conv or "", {"type": "string"}),
        }
        for conv, name in _CONVERTER.findall(rule)
    ]


def _query_params(model: type[BaseModel] | None, components: dict) -> list[dict[str, Any]]:
    if model is None:
        return []
    schema = _schema(model, components)
    required = set(schema.get("required", []))
    return [
        {"name": name, "in": "query", "required": name in required, "schema": prop}
        for name, prop in schema.get("properties", {}).items()
    ]


def _responses(spec: OperationSpec, components: dict) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for status, (description, model) in spec.responses.items():
        entry: dict[str, Any] = {"description": description}
        if model is not None:
            entry["content"] = {"application/json": {"schema": _ref(model, components)}}
        out[str(status)] = entry
    errors = {400: "Invalid input", 503: "A dependency is unavailable"}
    if spec.roles is not None:
        errors.update({401: "Missing or invalid token", 403: "Role not allowed"})
    for status, description in errors.items():
        out.setdefault(
            str(status),
            {
                "description": description,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            },
        )
    return out


def _schema(model: type[BaseModel], components: dict) -> dict[str, Any]:
    schema = _without_null_defaults(
        model.model_json_schema(ref_template="#/components/schemas/{model}")
    )
    for name, sub in schema.pop("$defs", {}).items():
        components[name] = sub
    return schema


def _without_null_defaults(node: Any) -> Any:
    """Drop `default: null` where null is not a valid value (PATCH fields that may be left out
    but not sent as null): OpenAPI requires a default to be valid against its schema."""
    if isinstance(node, list):
        return [_without_null_defaults(item) for item in node]
    if not isinstance(node, dict):
        return node
    cleaned = {key: _without_null_defaults(value) for key, value in node.items()}
    if "default" in cleaned and cleaned["default"] is None and not _allows_null(cleaned):
        del cleaned["default"]
    return cleaned


def _allows_null(schema: dict[str, Any]) -> bool:
    kinds = schema.get("type")
    if kinds == "null" or (isinstance(kinds, list) and "null" in kinds):
        return True
    options = schema.get("anyOf", []) + schema.get("oneOf", [])
    return any(isinstance(o, dict) and o.get("type") == "null" for o in options) or (
        "type" not in schema and not options and "$ref" not in schema and "allOf" not in schema
    )


def _ref(model: type[BaseModel], components: dict) -> dict[str, str]:
    components[model.__name__] = _schema(model, components)
    return {"$ref": f"#/components/schemas/{model.__name__}"}
