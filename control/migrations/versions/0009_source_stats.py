"""Landing looks before it reads: the size, mtime, ctime and inode each source file had when its
bytes were last hashed, so an unchanged file is skipped without being read.

Revision ID: 0009
Revises: 0005
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("source_stats",
                    sa.Column("dataset", sa.String(length=80), nullable=False),
                    sa.Column("source", sa.Text(), nullable=False),
                    sa.Column("bytes", sa.BigInteger(), nullable=False),
                    sa.Column("mtime_ns", sa.BigInteger(), nullable=False),
                    sa.Column("ctime_ns", sa.BigInteger(), nullable=False),
                    sa.Column("inode", sa.BigInteger(), nullable=False),
                    sa.Column("sha256", sa.String(length=64), nullable=False),
                    sa.Column("seen_ns", sa.BigInteger(), nullable=False),
                    sa.PrimaryKeyConstraint("dataset", "source"))


def downgrade() -> None:
    op.drop_table("source_stats")
