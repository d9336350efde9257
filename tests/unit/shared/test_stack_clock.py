"""The stack clock: the simulated instant when one is set (frozen), else the system's; the row
is read at most every half second on the monotonic clock, so every process follows in 1 s."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import MetaData, create_engine
from support.fakes import FakeStackClockStore as FakeStore

from shared.clock import (
    FakeClock,
    OverridableClock,
    StackClock,
    SystemClock,
    clock_view,
    follow,
)
from shared.config import BaseServiceSettings
from shared.context import base_clock
from shared.db import infrastructure_tables

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LATER = datetime(2027, 1, 4, 8, 0, tzinfo=UTC)


class FakeMonotonic:
    def __init__(self) -> None:
        self.at = 100.0

    def __call__(self) -> float:
        return self.at


def stack(store: FakeStore, monotonic: FakeMonotonic | None = None) -> StackClock:
    return StackClock(store, FakeClock(T0), monotonic=monotonic or FakeMonotonic())


def test_without_a_simulated_instant_it_is_the_system_time():
    assert stack(FakeStore()).now() == T0


def test_a_simulated_instant_stands_still():
    clock = stack(FakeStore(LATER))
    assert clock.now() == clock.now() == LATER
    assert clock.simulated_now() == LATER


def test_the_row_is_read_once_per_half_second():
    store, monotonic = FakeStore(), FakeMonotonic()
    clock = stack(store, monotonic)
    clock.now()
    store.simulated = LATER  # another process moves the stack clock
    monotonic.at += 0.49
    assert clock.now() == T0  # cached
    assert store.reads == 1
    monotonic.at += 0.01
    assert clock.now() == LATER  # half a second on: read again
    assert store.reads == 2


def test_a_failed_read_keeps_the_last_instant_and_is_retried_after_the_ttl():
    store, monotonic = FakeStore(LATER), FakeMonotonic()
    clock = stack(store, monotonic)
    assert clock.now() == LATER
    store.failing = True
    monotonic.at += 1
    assert clock.now() == LATER
    store.failing, store.simulated = False, LATER + timedelta(days=1)
    assert clock.now() == LATER  # the failed read counts: no new read within the ttl
    monotonic.at += 0.5
    assert clock.now() == LATER + timedelta(days=1)


def test_follow_makes_the_next_question_read_the_row_again():
    """A request, an event or a job run starts with `follow`: what starts after another process
    moved the clock sees the new instant at once, not half a second later."""
    store, monotonic = FakeStore(), FakeMonotonic()
    clock = OverridableClock(stack(store, monotonic))
    assert clock.now() == T0
    store.simulated = LATER  # PUT /api/clock in another process
    assert clock.now() == T0  # within the ttl: cached
    follow(clock)
    assert clock.now() == LATER
    assert store.reads == 2
    follow(FakeClock(T0))  # without a stack clock: nothing to do


def test_advance_only_moves_forward_and_is_seen_at_once_by_its_own_process():
    store = FakeStore()
    clock = stack(store)
    assert clock.now() == T0
    assert clock.advance(LATER)
    assert clock.now() == LATER  # no wait for the ttl after an own change
    assert not clock.advance(LATER - timedelta(seconds=1))
    assert clock.now() == LATER
    clock.clear()
    assert clock.now() == T0


def test_a_job_run_pins_as_of_over_the_stack_clock():
    clock = OverridableClock(stack(FakeStore(LATER)))
    clock.pin(T0)
    assert clock.now() == T0
    clock.pin(None)
    assert clock.now() == LATER
    assert clock_view(clock) == {"now": LATER.isoformat(), "simulated": True}


def test_the_view_says_real_time_without_a_stack_clock():
    view = clock_view(OverridableClock(FakeClock(T0)))
    assert view == {"now": T0.isoformat(), "simulated": False}


def test_without_the_override_there_is_no_stack_clock_and_no_read():
    engine = create_engine("postgresql+psycopg2://nobody@127.0.0.1:1/none")
    tables = infrastructure_tables(MetaData(schema="patient_service"))
    settings = BaseServiceSettings(_env_file=None)
    assert isinstance(base_clock(settings, engine, tables, None), SystemClock)
    fake = FakeClock(T0)
    assert base_clock(settings, engine, tables, fake) is fake
    allowed = BaseServiceSettings(allow_clock_override=True, _env_file=None)
    assert isinstance(base_clock(allowed, engine, tables, fake), StackClock)
