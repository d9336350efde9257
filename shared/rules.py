"""The rule numbers of docs/domain.md, once; services expose them as settings with these defaults.

Two services that enforce the same rule (cooling is checked by matching and by communication)
read the same environment variable and fall back to the same default from here.
"""

from __future__ import annotations

MAX_OPEN_REQUESTS_PER_PATIENT = 10
MIN_DAYS_BETWEEN_EMAILS = 7
MAX_PATIENTS_PER_EMAIL = 5
FOLLOW_UP_AFTER_DAYS = 7
MAX_CALL_ATTEMPTS = 3
COOLING_PERIOD_DAYS = 28
# Which answers start it: "any_answer" (docs/domain.md) or "not_after_acceptance"
# (shared.vocabulary.CoolingAfter).
COOLING_AFTER = "any_answer"
REQUEST_EXPIRY_DAYS = 28
CAPACITY_FRESH_DAYS = 30
MIN_AVAILABILITY_OVERLAP_MINUTES = 60
DEFAULT_MAX_DISTANCE_KM = 25.0
MAX_SEND_ATTEMPTS = 5
CALL_SLOT_MINUTES = 5
CALL_HORIZON_DAYS = 14
# A scheduled call whose slot ended this long ago without an outcome counts as not reached.
CALL_OUTCOME_GRACE_HOURS = 24
# A request contacted this many days ago with neither an answer nor a call is on matching's
# attention list (`contacted_without_answer`).
CONTACTED_WITHOUT_ANSWER_DAYS = 14
# The patient service's `consistency-check` job: once a day.
CONSISTENCY_CHECK_INTERVAL_S = 86400.0
