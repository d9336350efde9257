"""Clocks move only when told; the job registry refuses duplicates."""

from datetime import UTC, datetime, timedelta

import pytest

from shared.clock import FakeClock, OverridableClock
from shared.jobs import Job, JobRegistry


def test_fake_clock_moves_only_when_advanced():
    clock = FakeClock(datetime(2026, 1, 1, tzinfo=UTC))
    assert clock.now() == clock.now()
    clock.advance(days=7)
    assert clock.now() == datetime(2026, 1, 8, tzinfo=UTC)


def test_overridable_clock_pins_and_releases():
    base = FakeClock(datetime(2026, 1, 1, tzinfo=UTC))
    clock = OverridableClock(base)
    clock.pin(datetime(2026, 3, 1))
    assert clock.now() == datetime(2026, 3, 1, tzinfo=UTC)
    clock.pin(None)
    assert clock.now() == base.now()


def test_job_registry_refuses_duplicate_names():
    registry = JobRegistry([Job("outreach", lambda now: {}, 60)])
    with pytest.raises(ValueError):
        registry.add(Job("outreach", lambda now: {}, 60))
    assert registry.names() == ["outreach"]


def test_timedelta_arithmetic_on_fake_clock_is_exact_at_28_days():
    clock = FakeClock(datetime(2026, 1, 1, tzinfo=UTC))
    start = clock.now()
    clock.advance(days=28)
    assert clock.now() - start == timedelta(days=28)
