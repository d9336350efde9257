"""API fuzzing: schemathesis drives every operation of /openapi.json in-process with a token of
the operation's role; no 5xx, answers match the document, import runs stay consistent."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from integration.scraping_service.helpers import SECRET
from integration.scraping_service.helpers import settings as service_settings
from schemathesis.specs.openapi.checks import negative_data_rejection
from support.fuzzing import CHECKS, FuzzFigures, operation_count

from scraping_service.app import create_app
from scraping_service.services import live
from shared.clock import FakeClock

pytestmark = pytest.mark.integration

FIGURES = FuzzFigures("scraping_service")
INVARIANTS = {
    "negative counts": "SELECT count(*) FROM scraping_service.import_runs WHERE least(count_new, "
    "count_changed, count_unchanged, count_disappeared, count_rejected, count_duplicates, "
    "count_records, count_warnings) < 0",
    "finished before it started": "SELECT count(*) FROM scraping_service.import_runs "
    "WHERE finished_at < started_at",
}
# Building the app opens no connection; the session fixture migrates before the first request.
APP = create_app(service_settings(), clock=FakeClock())
schema = schemathesis.openapi.from_wsgi("/openapi.json", APP)


@pytest.fixture(scope="module", autouse=True)
def live_switch_reset():
    """Fuzzing flips the stop switch; leave it off for the tests after this one."""
    yield
    live.set_live_stop(APP.extensions["psymatch"], False, None, "fuzz-teardown")


@schema.parametrize()
@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_answers_conform_and_never_fail(case):
    FIGURES.call(case, SECRET, CHECKS + [negative_data_rejection])


def test_state_rules_hold_after_fuzzing():
    broken = FIGURES.check_invariants(APP.extensions["psymatch"].engine, INVARIANTS)
    FIGURES.write(operation_count(schema))
    assert broken == {}
