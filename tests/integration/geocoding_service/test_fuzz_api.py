"""API fuzzing: schemathesis drives every operation of /openapi.json in-process with a token of
the operation's role; no 5xx, answers match the document, the cache holds only valid points."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import negative_data_rejection
from support.fuzzing import CHECKS, FuzzFigures, operation_count
from support.testdb import TEST_DB

from geocoding_service.app import create_app
from geocoding_service.config import Settings
from shared.clock import FakeClock

pytestmark = pytest.mark.integration

FIGURES = FuzzFigures("geocoding_service")
INVARIANTS = {
    "point off the globe or negative hits": "SELECT count(*) FROM geocoding_service.geocode_cache "
    "WHERE lat NOT BETWEEN -90 AND 90 OR lon NOT BETWEEN -180 AND 180 OR hit_count < 0",
    "expires before it was refreshed": "SELECT count(*) FROM geocoding_service.geocode_cache "
    "WHERE expires_at < refreshed_at",
}
# Building the app opens no connection; the session fixture migrates before the first request.
SETTINGS = Settings(db_name=TEST_DB, database_url=None)
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
