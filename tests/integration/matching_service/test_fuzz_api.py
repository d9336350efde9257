"""API fuzzing: schemathesis drives every operation of /openapi.json in-process with a token of
the operation's role; no 5xx, answers match the document, placement requests stay consistent."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import negative_data_rejection
from support.fuzzing import CHECKS, FuzzFigures, operation_count
from support.testdb import TEST_DB

from matching_service.app import create_app
from matching_service.config import Settings
from shared.clock import FakeClock

pytestmark = pytest.mark.integration

FIGURES = FuzzFigures("matching_service")
INVARIANTS = {
    "one pair asked twice": "SELECT count(*) FROM (SELECT patient_id, therapist_id "
    "FROM matching_service.placement_requests GROUP BY 1, 2 HAVING count(*) > 1) AS pairs",
    "status outside the request lifecycle": "SELECT count(*) FROM "
    "matching_service.placement_requests WHERE status NOT IN ('proposed','queued','contacted',"
    "'follow_up_scheduled','accepted','rejected','no_response','expired','cancelled')",
}
# Building the app opens no connection; the session fixture migrates before the first request.
SETTINGS = Settings(_env_file=None, db_name=TEST_DB)
APP = create_app(SETTINGS, clock=FakeClock())
schema = schemathesis.openapi.from_wsgi("/openapi.json", APP)


@schema.parametrize()
@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_answers_conform_and_never_fail(case):
    FIGURES.call(case, SETTINGS.jwt_secret.get_secret_value(), CHECKS + [negative_data_rejection])


def test_state_rules_hold_after_fuzzing():
    broken = FIGURES.check_invariants(APP.extensions["psymatch"].engine, INVARIANTS)
    FIGURES.write(operation_count(schema))
    assert broken == {}
