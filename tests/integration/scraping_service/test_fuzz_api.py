"""API fuzzing: schemathesis drives /openapi.json in-process; no 5xx, answers match the document."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from integration.scraping_service.helpers import SECRET
from integration.scraping_service.helpers import settings as service_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from scraping_service import services
from scraping_service.app import create_app
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
APP = create_app(service_settings(), clock=FakeClock())
schema = schemathesis.openapi.from_wsgi("/openapi.json", APP).include(
    path_regex="^/api/(imports|imports/{run_id}|live|live/stop)$"
)


@pytest.fixture(scope="module", autouse=True)
def live_switch_reset():
    """Fuzzing flips the stop switch; leave it off for the tests after this one."""
    yield
    services.set_live_stop(APP.extensions["psymatch"], False, None, "fuzz-teardown")


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_answers_conform_and_never_fail(case):
    token = issue_token(SECRET, "fuzz", "admin")
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
