"""The lockout rule, pure: N failed logins within the window lock the account for the window."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class LoginState:
    failed_logins: int
    first_failed_at: datetime | None
    locked_until: datetime | None


@dataclass(frozen=True)
class LockoutRule:
    max_failures: int
    window: timedelta

    def is_locked(self, state: LoginState, now: datetime) -> bool:
        return state.locked_until is not None and now < state.locked_until

    def after_failure(self, state: LoginState, now: datetime) -> LoginState:
        """Count a failure; failures older than the window start a new count."""
        stale = state.first_failed_at is None or now - state.first_failed_at >= self.window
        count = 1 if stale else state.failed_logins + 1
        first = now if stale else state.first_failed_at
        locked = now + self.window if count >= self.max_failures else state.locked_until
        return LoginState(count, first, locked)

    @staticmethod
    def after_success() -> LoginState:
        return LoginState(0, None, None)
