"""Sending retries with backoff and the reconciliation of e-mails left in `sending`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from communication_service.domain.emails import (
    EmailState,
    RetryRules,
    after_failed_attempt,
    inquiry_template,
    reconcile_sending,
)

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
RULES = RetryRules(max_attempts=5, backoff_base_s=60, backoff_max_s=600)


def test_backoff_doubles_and_is_capped():
    delays = [after_failed_attempt(n, NOW, RULES).next_attempt_at - NOW for n in range(1, 5)]
    assert delays == [timedelta(seconds=s) for s in (60, 120, 240, 480)]
    capped = after_failed_attempt(4, NOW, RetryRules(10, 60, 100)).next_attempt_at
    assert capped == NOW + timedelta(seconds=100)


def test_fifth_failure_gives_up():
    assert not after_failed_attempt(4, NOW, RULES).give_up
    final = after_failed_attempt(5, NOW, RULES)
    assert final.give_up and final.next_attempt_at is None


def test_permanent_errors_give_up_at_once():
    assert after_failed_attempt(1, NOW, RULES, permanent=True).give_up


def test_sending_left_behind_is_never_sent_twice_unless_known_missing():
    assert reconcile_sending(True).state is EmailState.SENT
    unknown = reconcile_sending(None)
    assert unknown.state is EmailState.SENT and unknown.delivery_confirmed is False
    assert reconcile_sending(False).state is EmailState.QUEUED


def test_single_or_batch_inquiry_by_patient_count():
    assert inquiry_template(1) == "therapist_single_inquiry"
    assert inquiry_template(2) == "therapist_batch_inquiry"
