"""Each service role reaches only its own schema (checked through PgBouncer)."""

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import ProgrammingError
from support.testdb import TEST_DB

pytestmark = pytest.mark.integration


def engine_for(role, port=6432):
    return create_engine(f"postgresql+psycopg2://{role}:{role}-dev@127.0.0.1:{port}/{TEST_DB}")


def test_a_role_can_use_its_own_schema(migrated_db):
    with engine_for("matching_service").connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM matching_service.outbox")).scalar() >= 0


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT count(*) FROM patient_service.outbox",
        "CREATE TABLE patient_service.intruder (id int)",
        "CREATE TABLE public.intruder (id int)",
    ],
)
def test_a_role_cannot_touch_another_schema(migrated_db, statement):
    with engine_for("matching_service").connect() as conn, pytest.raises(ProgrammingError):
        conn.execute(text(statement))
