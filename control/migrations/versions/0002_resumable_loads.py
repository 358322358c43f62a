"""Resumable loads: each load remembers its last completed step and why the machinery failed, and
a lease per dataset keeps two runs of one dataset from working on it at once.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

STEPS = ("landed", "staged", "addressed", "validated", "published")


def upgrade() -> None:
    with op.batch_alter_table("loads") as batch:
        batch.add_column(sa.Column("step", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("error", sa.Text(), nullable=True))
    # a load that was never failed says by its status how far it got
    op.execute(sa.text("UPDATE loads SET step = status WHERE status IN ("
                       + ", ".join(f"'{s}'" for s in STEPS) + ")"))
    op.create_table("load_leases",
                    sa.Column("dataset", sa.String(length=80), nullable=False),
                    sa.Column("holder", sa.String(length=200), nullable=False),
                    sa.Column("acquired_at", sa.DateTime(timezone=True), nullable=False),
                    sa.Column("renewed_at", sa.DateTime(timezone=True), nullable=False),
                    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
                    sa.PrimaryKeyConstraint("dataset"))


def downgrade() -> None:
    op.drop_table("load_leases")
    with op.batch_alter_table("loads") as batch:
        batch.drop_column("error")
        batch.drop_column("step")
