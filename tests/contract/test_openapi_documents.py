"""All six OpenAPI documents are valid OpenAPI 3 (openapi-spec-validator). Before this test
the patient service's document failed: `default: null` on fields typed `string` (PATCH fields
that may be left out but not sent as null)."""

from __future__ import annotations

import importlib

import pytest
from openapi_spec_validator import validate

from shared.config import SERVICE_NAMES


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_the_openapi_document_is_valid(service):
    app_module = importlib.import_module(f"{service}.app")
    config = importlib.import_module(f"{service}.config")
    app = app_module.create_app(config.Settings(_env_file=None))
    document = app.test_client().get("/openapi.json").get_json()
    validate(document)
    assert document["paths"], "the document lists the service's routes"
