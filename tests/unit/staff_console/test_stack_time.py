"""The console's time of the day's work: the stack's clock, kept half a second; system time
without the setting or when the service does not answer."""

from __future__ import annotations

from datetime import UTC, datetime

from staff_console.clock import CACHE_S, StackTime
from staff_console.services import ServiceUnavailable

SYSTEM = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
SIMULATED = datetime(2027, 1, 11, 7, 0, tzinfo=UTC)


class Ticks:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_without_the_setting_it_is_the_system_time():
    assert StackTime(None, system=lambda: SYSTEM).now() == SYSTEM


def test_it_asks_the_stack_at_most_every_half_second():
    asked: list[datetime] = []
    answers = iter([SIMULATED, SIMULATED.replace(day=12)])

    def fetch() -> datetime:
        asked.append(next(answers))
        return asked[-1]

    ticks = Ticks()
    clock = StackTime(fetch, monotonic=ticks, system=lambda: SYSTEM)
    assert clock.now() == SIMULATED
    ticks.now += CACHE_S / 2
    assert clock.now() == SIMULATED and len(asked) == 1
    ticks.now += CACHE_S
    assert clock.now() == SIMULATED.replace(day=12) and len(asked) == 2


def test_an_unreachable_service_falls_back_to_the_system_time():
    def fetch() -> datetime:
        raise ServiceUnavailable("patient")

    assert StackTime(fetch, system=lambda: SYSTEM).now() == SYSTEM
