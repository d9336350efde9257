"""The console's lockout rule at its boundaries, on fake times: the 5th failure within 15
minutes locks for 15 minutes; older failures start a new count; a success clears it."""

from datetime import UTC, datetime, timedelta

from staff_console.config import ConsoleSettings
from staff_console.lockout import LockoutRule, LoginState

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DEFAULTS = ConsoleSettings(_env_file=None)
RULE = LockoutRule(
    DEFAULTS.console_max_failed_logins, timedelta(minutes=DEFAULTS.console_lockout_minutes)
)
CLEAN = LoginState(0, None, None)


def fail(times: int, every: timedelta, state: LoginState = CLEAN) -> tuple[LoginState, datetime]:
    now = START
    for n in range(times):
        now = START + n * every
        state = RULE.after_failure(state, now)
    return state, now


def test_the_defaults_are_five_failures_in_fifteen_minutes():
    assert (RULE.max_failures, RULE.window) == (5, timedelta(minutes=15))


def test_four_failures_do_not_lock_the_fifth_does():
    four, now = fail(4, timedelta(minutes=1))
    assert not RULE.is_locked(four, now)
    five = RULE.after_failure(four, now + timedelta(minutes=1))
    assert RULE.is_locked(five, now + timedelta(minutes=1))


def test_the_lock_lasts_exactly_the_window():
    locked, at = fail(5, timedelta(seconds=10))
    assert RULE.is_locked(locked, at + RULE.window - timedelta(seconds=1))
    assert not RULE.is_locked(locked, at + RULE.window)


def test_failures_spread_over_more_than_the_window_never_lock():
    # the 5th failure comes exactly one window after the 1st: a new count starts
    state, now = fail(5, RULE.window / 4)
    assert not RULE.is_locked(state, now)
    assert state.failed_logins == 1


def test_five_failures_one_second_inside_the_window_lock():
    state, now = fail(5, (RULE.window - timedelta(seconds=1)) / 4)
    assert RULE.is_locked(state, now)


def test_a_success_clears_the_count():
    four, _ = fail(4, timedelta(minutes=1))
    assert RULE.after_success() == CLEAN
    assert four.failed_logins == 4
