"""Answers by signed link: the channel `link` for answers and their ledger entries.

Revision ID: communication_service_0006
Revises: communication_service_0005
Create Date: 2026-12-01
"""

from alembic import op

revision = "communication_service_0006"
down_revision = "communication_service_0005"
branch_labels = None
depends_on = None

SCHEMA = "communication_service"

# Frozen copies of the vocabulary at this revision (a unit test keeps CHANNELS equal to
# shared.vocabulary.Channel; therapists.preferred_channel keeps the contact channels of 0002).
CHANNELS = ("email", "phone", "link")
BEFORE = ("email", "phone")
CONSTRAINED = (
    ("responses", "ck_responses_channel"),
    ("contact_ledger", "ck_contact_ledger_channel"),
)


def _in(column: str, allowed: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in allowed)})"


def _replace(allowed: tuple[str, ...]) -> None:
    for table, name in CONSTRAINED:
        op.drop_constraint(name, table, schema=SCHEMA, type_="check")
        op.create_check_constraint(name, table, _in("channel", allowed), schema=SCHEMA)


def upgrade() -> None:
    _replace(CHANNELS)


def downgrade() -> None:
    # before this revision an answer by link can only be told as an answer to the e-mail
    for table, _ in CONSTRAINED:
        statement = f"UPDATE {SCHEMA}.{table} SET channel = 'email' WHERE channel = 'link'"  # noqa: S608 - constant names
        op.execute(statement)
    _replace(BEFORE)
