"""Status transitions, rediscovery and capacity freshness."""

from datetime import date

import pytest

from shared.vocabulary import Capacity
from shared.vocabulary import TherapistStatus as S
from therapist_service.domain import lifecycle as lc


@pytest.mark.parametrize(
    "current,target,allowed",
    [
        (S.ACTIVE, S.BLOCKED, True),
        (S.BLOCKED, S.ACTIVE, True),
        (S.ACTIVE, S.INACTIVE, True),
        (S.INACTIVE, S.ACTIVE, True),
        (S.INACTIVE, S.BLOCKED, False),
        (S.BLOCKED, S.BLOCKED, True),
    ],
)
def test_staff_transitions(current, target, allowed):
    assert lc.can_transition(current, target) is allowed


def test_rediscovered_therapist_returns_to_its_state_before_disappearing():
    assert lc.status_after_rediscovery(S.INACTIVE, lc.SOURCE_DISAPPEARED, None) == S.ACTIVE
    assert lc.status_after_rediscovery(S.INACTIVE, lc.SOURCE_DISAPPEARED, "rude") == S.BLOCKED


def test_rediscovery_never_undoes_a_staff_deactivation_or_a_block():
    assert lc.status_after_rediscovery(S.INACTIVE, lc.STAFF, None) == S.INACTIVE
    assert lc.status_after_rediscovery(S.BLOCKED, None, "rude") == S.BLOCKED


def test_an_older_capacity_statement_never_overwrites_a_newer_one():
    assert lc.capacity_applies(None, date(2026, 11, 1))
    assert lc.capacity_applies(date(2026, 11, 1), date(2026, 11, 1))
    assert not lc.capacity_applies(date(2026, 11, 2), date(2026, 11, 1))


def test_only_a_no_capacity_answer_changes_capacity():
    assert lc.capacity_from_outcomes(["accepted", "rejected_no_capacity"]) == Capacity.NO
    assert lc.capacity_from_outcomes(["accepted", "no_show"]) is None
