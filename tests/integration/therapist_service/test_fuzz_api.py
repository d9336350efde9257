"""API fuzzing: schemathesis drives /openapi.json in-process with a staff token; never a 5xx."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from integration.therapist_service.helpers import SECRET
from integration.therapist_service.helpers import settings as service_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from shared.clock import FakeClock
from shared.http.auth import issue_token
from therapist_service.app import create_app

pytestmark = pytest.mark.integration

# negative_data_rejection is left out: in schemathesis 4.32 it reports valid requests whose only
# "violation" was a dropped Authorization header plus an unserialised extra query parameter
# (upstream false positive, fixed later in schemathesis PR #4762). Bad input → 4xx is asserted
# field by field in test_therapist_api.py and test_search.py.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Building the app opens no connection; the session fixture migrates before the first request.
APP = create_app(service_settings(), clock=FakeClock())
schema = schemathesis.openapi.from_wsgi("/openapi.json", APP).include(path_regex="^/api/therapists")


@schema.parametrize()
@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_answers_conform_and_never_fail(case):
    token = issue_token(SECRET, "fuzz", "staff")
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
