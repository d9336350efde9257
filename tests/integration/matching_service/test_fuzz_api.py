"""API fuzzing: schemathesis drives /openapi.json in-process; no 5xx, answers match the document."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)
from support.testdb import TEST_DB

from matching_service.app import create_app
from matching_service.config import Settings
from shared.clock import FakeClock
from shared.http.auth import issue_token

pytestmark = pytest.mark.integration

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
# Building the app opens no connection; the session fixture migrates before the first request.
APP = create_app(Settings(_env_file=None, db_name=TEST_DB), clock=FakeClock())
schema = schemathesis.openapi.from_wsgi("/openapi.json", APP).include(
    path_regex="^/api/(placement-requests|patients|statistics)"
)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_answers_conform_and_never_fail(case):
    token = issue_token(Settings(_env_file=None).jwt_secret.get_secret_value(), "fuzz", "staff")
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
