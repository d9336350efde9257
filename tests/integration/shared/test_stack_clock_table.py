"""The stack clock's row in every schema, through PgBouncer: one row after the migrations, the
monotonic UPDATE refuses an earlier instant, and a second process reading the same row follows
a change once its cache is half a second old."""

import importlib
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from support.testdb import TEST_DB

from shared.clock import StackClock
from shared.config import SERVICE_NAMES
from shared.stack_clock import StackClockTable

pytestmark = pytest.mark.integration
LATER = datetime(2031, 5, 5, 10, 0, tzinfo=UTC)


def context_of(service, **overrides):
    settings = importlib.import_module(f"{service}.config").Settings(
        db_name=TEST_DB, _env_file=None, **overrides
    )
    return importlib.import_module(f"{service}.app").build_service_context(settings)


@pytest.fixture
def patient_ctx(migrated_db):
    ctx = context_of("patient_service", allow_clock_override=True)
    table = StackClockTable(ctx.engine, ctx.tables["stack_clock"])
    table.clear()
    yield ctx, table
    table.clear()
    ctx.engine.dispose()


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_every_schema_has_one_stack_clock_row_at_real_time(service, migrated_db):
    ctx = context_of(service)
    t = ctx.tables["stack_clock"]
    try:
        with ctx.engine.connect() as conn:
            rows = conn.execute(select(t.c.id, t.c.simulated_now)).all()
    finally:
        ctx.engine.dispose()
    assert [tuple(row) for row in rows] == [(1, None)]


def test_the_update_moves_the_row_forward_only(patient_ctx):
    _, table = patient_ctx
    assert table.read() is None
    assert table.advance(LATER)
    assert table.read() == LATER
    assert table.advance(LATER)  # the same instant again (a retried PUT) is fine
    assert not table.advance(LATER - timedelta(microseconds=1))
    assert table.read() == LATER
    assert table.advance(LATER + timedelta(days=3))
    table.clear()
    assert table.read() is None


def test_another_process_follows_once_its_cache_is_half_a_second_old(patient_ctx):
    ctx, table = patient_ctx
    seconds = [0.0]
    reader = StackClock(table, monotonic=lambda: seconds[0])
    real = reader.now()
    assert abs((real - datetime.now(UTC)).total_seconds()) < 5
    assert ctx.clock.stack is not None
    assert ctx.clock.stack.advance(LATER)  # "the web process" sets it
    assert ctx.clock.now() == LATER
    seconds[0] = 0.4
    assert reader.simulated_now() is None  # still cached
    seconds[0] = 0.5
    assert reader.now() == LATER


def test_without_the_override_the_context_never_reads_the_row(patient_ctx):
    _, table = patient_ctx
    table.advance(LATER)
    ctx = context_of("patient_service")
    try:
        assert ctx.clock.stack is None
        assert ctx.clock.now() < LATER
    finally:
        ctx.engine.dispose()
