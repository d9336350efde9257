"""Open requests follow the criteria: after a patient or therapist change, and at an
acceptance, every open request that no longer passes the hard criteria is cancelled with
`criteria_changed` (inside the caller's unit of work)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from matching_service.domain.criteria import open_request_failure
from matching_service.domain.profiles import Rules, match_context
from matching_service.domain.states import OPEN
from matching_service.services import transitions
from matching_service.store.profiles import patient_profile, therapist_profile
from matching_service.store.unit_of_work import MatchingUnitOfWork
from shared.vocabulary import CancelReason

Row = Mapping[str, Any]


def still_matches(uow: MatchingUnitOfWork, rules: Rules, request: Row, now: datetime) -> bool:
    """Whether the pair of one request passes the hard criteria now (an unknown side: no)."""
    patient = uow.patients.get(request["patient_id"])
    therapist = uow.therapists.get(request["therapist_id"])
    if patient is None or therapist is None or not therapist["has_profile"]:
        return False
    profile = patient_profile(patient, uow.exclusions.of_patient(request["patient_id"]))
    failure = open_request_failure(profile, therapist_profile(therapist), match_context(rules, now))
    return failure is None


def cancel_failing(
    uow: MatchingUnitOfWork, rules: Rules, requests: Iterable[Row], now: datetime
) -> list[int]:
    """Cancel those of these (open, locked) requests whose pair no longer matches; the patients
    whose requests were cancelled."""
    failing = [request for request in requests if not still_matches(uow, rules, request, now)]
    transitions.cancel_all(uow, failing, CancelReason.CRITERIA_CHANGED, now)
    return sorted({request["patient_id"] for request in failing})


def recheck_patient(uow: MatchingUnitOfWork, rules: Rules, patient_id: int, now: datetime) -> int:
    """A searching patient's profile changed: cancel the open requests that no longer match."""
    return len(cancel_failing(uow, rules, uow.requests.locked_of_patient(patient_id), now))


def recheck_therapist(
    uow: MatchingUnitOfWork, rules: Rules, therapist_id: int, now: datetime
) -> list[int]:
    """A therapist's profile changed: cancel its open requests that no longer match; the
    patients to top up."""
    requests = uow.requests.locked_of_therapist(therapist_id, statuses=OPEN)
    return cancel_failing(uow, rules, requests, now)
