"""Placement request states: forward only, terminal forever, first acceptance wins."""

from __future__ import annotations

from datetime import timedelta

import pytest

from matching_service.domain.states import (
    OPEN,
    TERMINAL,
    RequestStatus,
    advance,
    after_contact_event,
    close,
    decide_response,
    is_expired,
)

S = RequestStatus


def test_contact_events_move_requests_forward_only():
    assert after_contact_event("proposed", "email_sent") == S.CONTACTED
    assert after_contact_event("contacted", "call_scheduled") == S.FOLLOW_UP_SCHEDULED
    assert after_contact_event("proposed", "call_scheduled") == S.QUEUED
    assert after_contact_event("follow_up_scheduled", "email_sent") is None
    assert after_contact_event("queued", "call_completed") == S.CONTACTED


@pytest.mark.parametrize("terminal", sorted(TERMINAL))
def test_terminal_states_never_change(terminal):
    for target in OPEN:
        assert advance(terminal, target) is None
    for target in TERMINAL:
        assert close(terminal, target) is None
    # Adapted (issue 16, item 1): only a late acceptance for a searching patient reopens an
    # ended request (test_a_late_acceptance_*); for a patient not searching nothing changes.
    assert decide_response("accepted", terminal, False, patient_searching=False).new_status is None


def test_close_refuses_an_open_target():
    with pytest.raises(ValueError):
        close("proposed", S.CONTACTED)


def apply_acceptances(order: list[str]) -> dict[str, str]:
    """Two therapists accept the same patient; answers are applied in `order`."""
    statuses, placed = {"a": "contacted", "b": "contacted"}, False
    for which in order:
        decision = decide_response("accepted", statuses[which], placed)
        if decision.new_status:
            statuses[which] = decision.new_status
        if decision.place_patient:
            placed = True
            other = "b" if which == "a" else "a"
            statuses[other] = close(statuses[other], S.CANCELLED) or statuses[other]
    return statuses


@pytest.mark.parametrize("order", [["a", "b"], ["b", "a"]])
def test_first_acceptance_wins_in_either_order(order):
    statuses = apply_acceptances(order)
    assert statuses[order[0]] == S.ACCEPTED
    assert statuses[order[1]] == S.CANCELLED
    assert list(statuses.values()).count(S.ACCEPTED) == 1


def test_a_late_acceptance_of_an_open_request_is_cancelled_as_placed_elsewhere():
    decision = decide_response("accepted", "contacted", patient_placed=True)
    assert decision.new_status == S.CANCELLED and not decision.place_patient
    assert decision.reason == "placed_elsewhere"


@pytest.mark.parametrize(
    "current,contacted",
    [("expired", True), ("no_response", True), ("cancelled", True)],
)
def test_a_late_acceptance_of_an_ended_request_places_a_searching_patient(current, contacted):
    """Fails before issue 16 item 1: an acceptance of an ended request changed nothing."""
    decision = decide_response("accepted", current, False, contacted=contacted)
    assert decision.new_status == S.ACCEPTED and decision.place_patient
    assert decision.reason == "late_acceptance"


def test_a_late_acceptance_does_not_reopen_a_request_never_contacted_or_answered():
    assert decide_response("accepted", "cancelled", False, contacted=False).new_status is None
    assert decide_response("accepted", "rejected", False, contacted=True).new_status is None
    paused = decide_response("accepted", "cancelled", False, False, contacted=True)
    assert paused.new_status is None and not paused.place_patient


def test_an_acceptance_for_a_placed_patient_of_an_ended_request_tells_the_place_is_gone():
    """Fails before issue 16 item 1: nothing marked the therapist to be told."""
    decision = decide_response("accepted", "expired", patient_placed=True, contacted=True)
    assert decision.new_status is None and decision.place_gone and not decision.place_patient


@pytest.mark.parametrize(
    "outcome,excluded",
    [
        ("rejected_not_suitable", True),
        ("no_show", True),
        ("rejected_no_capacity", False),
        ("rejected_other", False),
    ],
)
def test_rejections_close_and_some_exclude(outcome, excluded):
    decision = decide_response(outcome, "contacted", False)
    assert decision.new_status == S.REJECTED
    assert decision.exclude_therapist is excluded
    assert decision.capacity_no is (outcome == "rejected_no_capacity")


def test_request_expires_exactly_28_days_after_first_contact(now):
    first = now - timedelta(days=28)
    assert is_expired(first, now, 28)
    assert not is_expired(first + timedelta(seconds=1), now, 28)
    assert not is_expired(None, now, 28)
