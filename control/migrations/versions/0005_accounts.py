"""Password accounts of people (argon2id hashes, forced change after a reset, lockout counters)
and pending OpenID Connect sign-ins (state, nonce and PKCE verifier, bound to one browser).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    if not inspector.has_table("access_accounts"):  # else made by create_all before migrations
        op.create_table("access_accounts",
                        sa.Column("user_id", sa.String(length=64), nullable=False),
                        sa.Column("password_argon2", sa.String(length=200), nullable=True),
                        sa.Column("must_change", sa.Boolean(), nullable=False),
                        sa.Column("failed_attempts", sa.Integer(), nullable=False),
                        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
                        sa.Column("password_set_at", sa.DateTime(timezone=True), nullable=True),
                        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
                        sa.ForeignKeyConstraint(["user_id"], ["access_users.user_id"]),
                        sa.PrimaryKeyConstraint("user_id"))
    if not inspector.has_table("access_oidc_logins"):
        op.create_table("access_oidc_logins",
                        sa.Column("state_sha256", sa.String(length=64), nullable=False),
                        sa.Column("presession_sha256", sa.String(length=64), nullable=False),
                        sa.Column("nonce", sa.String(length=128), nullable=False),
                        sa.Column("code_verifier", sa.String(length=128), nullable=False),
                        sa.Column("redirect_uri", sa.Text(), nullable=False),
                        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
                        sa.PrimaryKeyConstraint("state_sha256"))


def downgrade() -> None:
    op.drop_table("access_oidc_logins")
    op.drop_table("access_accounts")
