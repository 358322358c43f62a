"""Findings per load, column, reason and severity: warn findings are published rows, error
findings quarantined ones; both count in the quality score.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if sa.inspect(op.get_bind()).has_table("quality_findings"):
        return  # made by create_all before migrations, as revision 0001 adopts the others
    op.create_table("quality_findings",
                    sa.Column("load_id", sa.String(length=40), nullable=False),
                    sa.Column("column_name", sa.String(length=80), nullable=False),
                    sa.Column("reason_code", sa.String(length=80), nullable=False),
                    sa.Column("severity", sa.String(length=10), nullable=False),
                    sa.Column("dataset", sa.String(length=80), nullable=False),
                    sa.Column("rows", sa.BigInteger(), nullable=False),
                    sa.PrimaryKeyConstraint("load_id", "column_name", "reason_code", "severity"))
    op.create_index(op.f("ix_quality_findings_dataset"), "quality_findings", ["dataset"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_quality_findings_dataset"), table_name="quality_findings")
    op.drop_table("quality_findings")
