"""Portal sessions kept on the server (the cookie is a random id whose sha256 is stored), and app
tokens bound to the grants they may read.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    if "grant_ids" not in {c["name"] for c in inspector.get_columns("access_tokens")}:
        _add_token_grants()
    if inspector.has_table("access_sessions"):
        return  # made by create_all before migrations, as revision 0001 adopts the others
    _create_sessions()


def _add_token_grants() -> None:
    # a plain ADD COLUMN: a batch rebuild of the table would drop its foreign key on SQLite
    op.add_column("access_tokens", sa.Column("grant_ids", sa.JSON(), nullable=True))


def _create_sessions() -> None:
    op.create_table("access_sessions",
                    sa.Column("session_sha256", sa.String(length=64), nullable=False),
                    sa.Column("user_id", sa.String(length=64), nullable=False),
                    sa.Column("token_id", sa.String(length=32), nullable=True),
                    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
                    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
                    sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
                    sa.ForeignKeyConstraint(["user_id"], ["access_users.user_id"]),
                    sa.PrimaryKeyConstraint("session_sha256"))
    op.create_index(op.f("ix_access_sessions_user_id"), "access_sessions", ["user_id"], unique=False)
    op.create_index(op.f("ix_access_sessions_token_id"), "access_sessions", ["token_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_access_sessions_token_id"), table_name="access_sessions")
    op.drop_index(op.f("ix_access_sessions_user_id"), table_name="access_sessions")
    op.drop_table("access_sessions")
    op.drop_column("access_tokens", "grant_ids")
