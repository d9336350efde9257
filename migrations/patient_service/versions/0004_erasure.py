"""Art. 17 erasure: tombstoned patients and each service's completion of the erasure.

Revision ID: patient_service_0004
Revises: patient_service_0003
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "patient_service_0004"
down_revision = "patient_service_0003"
branch_labels = None
depends_on = None

SCHEMA = "patient_service"
TS = sa.DateTime(timezone=True)
# Personal columns a tombstone leaves empty (the rest were nullable already).
TOMBSTONED = {
    "first_name": sa.String(100),
    "last_name": sa.String(100),
    "birth_date": sa.Date(),
    "postal_code": sa.String(5),
    "city": sa.String(100),
}


def upgrade() -> None:
    op.add_column("patients", sa.Column("erased_at", TS, nullable=True), schema=SCHEMA)
    for column, type_ in TOMBSTONED.items():
        op.alter_column("patients", column, existing_type=type_, nullable=True, schema=SCHEMA)
    op.create_check_constraint(
        "ck_patients_personal_data_unless_erased",
        "patients",
        "erased_at IS NOT NULL OR (first_name IS NOT NULL AND last_name IS NOT NULL "
        "AND birth_date IS NOT NULL AND postal_code IS NOT NULL AND city IS NOT NULL)",
        schema=SCHEMA,
    )
    op.create_table(
        "erasure_steps",
        sa.Column(
            "patient_id",
            sa.BigInteger,
            sa.ForeignKey(f"{SCHEMA}.patients.id"),
            primary_key=True,
        ),
        sa.Column("service", sa.String(50), primary_key=True),
        sa.Column("requested_at", TS, nullable=False),
        sa.Column("requested_by", sa.String(200), nullable=False),
        sa.Column("completed_at", TS, nullable=True),
        sa.Column("counts", JSONB, nullable=True),
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_table("erasure_steps", schema=SCHEMA)
    op.drop_constraint(
        "ck_patients_personal_data_unless_erased", "patients", type_="check", schema=SCHEMA
    )
    for column, type_ in TOMBSTONED.items():
        op.alter_column("patients", column, existing_type=type_, nullable=False, schema=SCHEMA)
    op.drop_column("patients", "erased_at", schema=SCHEMA)
