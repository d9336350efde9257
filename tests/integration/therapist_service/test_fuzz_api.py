"""API fuzzing: schemathesis drives every operation of /openapi.json in-process with a token of
the operation's role; no 5xx, answers match the document, therapist states stay consistent."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from integration.therapist_service.helpers import SECRET
from integration.therapist_service.helpers import settings as service_settings
from support.fuzzing import FuzzFigures, operation_count

from shared.clock import FakeClock
from therapist_service.app import create_app

pytestmark = pytest.mark.integration

# negative_data_rejection is left out: in schemathesis 4.32 it reports valid requests whose only
# "violation" was a dropped Authorization header plus an unserialised extra query parameter
# (upstream false positive, fixed later in schemathesis PR #4762). Bad input → 4xx is asserted
# field by field in test_therapist_api.py and test_search.py.
FIGURES = FuzzFigures("therapist_service")
INVARIANTS = {
    "status outside active/blocked/inactive": "SELECT count(*) FROM therapist_service.therapists "
    "WHERE status NOT IN ('active','blocked','inactive')",
    "blocked without a reason": "SELECT count(*) FROM therapist_service.therapists "
    "WHERE status = 'blocked' AND block_reason IS NULL",
}
# Building the app opens no connection; the session fixture migrates before the first request.
APP = create_app(service_settings(), clock=FakeClock())
schema = schemathesis.openapi.from_wsgi("/openapi.json", APP)


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_answers_conform_and_never_fail(case):
    FIGURES.call(case, SECRET)


def test_state_rules_hold_after_fuzzing():
    broken = FIGURES.check_invariants(APP.extensions["psymatch"].engine, INVARIANTS)
    FIGURES.write(operation_count(schema))
    assert broken == {}
