"""Failed portal sign-ins by client address (hashed), so that one address trying many accounts is
slowed down as one account trying many passwords is.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("access_signin_failures",
                    sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
                    sa.Column("client_sha256", sa.String(length=64), nullable=False),
                    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
                    sa.PrimaryKeyConstraint("id"))
    op.create_index("ix_access_signin_failures_client_sha256", "access_signin_failures",
                    ["client_sha256"])
    op.create_index("ix_access_signin_failures_at", "access_signin_failures", ["at"])


def downgrade() -> None:
    op.drop_table("access_signin_failures")
