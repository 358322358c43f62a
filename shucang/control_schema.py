"""The whole control-plane schema and its operator commands: `shucang control upgrade` migrates a
database to the newest revision, `shucang control revision -m TEXT` writes a new revision from the
difference between the tables the owners declare and the migrated schema. This module imports
every owner of control-plane tables, which only the top layer may."""

from __future__ import annotations

import click
from alembic import command
from sqlalchemy import MetaData

import access.models
import address_registry.review
import control.lease
import control.ledger
import quality.store
from control import db, migrate
from foundation.settings import settings

# the modules declaring control-plane tables on control.db.metadata
OWNERS = (control.ledger, control.lease, access.models, quality.store, address_registry.review)


def control_metadata() -> MetaData:
    """`control.db.metadata` with every owner's tables declared."""
    assert all(o.metadata is db.metadata for o in OWNERS)  # each owner declares on the one metadata
    return db.metadata


@click.group("control")
def control_group() -> None:
    """The control plane's database: migrations."""


@control_group.command("upgrade")
@click.option("--url", help="SQLAlchemy URL (default: SHUCANG_CONTROL_URL).")
def control_upgrade(url: str | None) -> None:
    """Migrate the control-plane database to the newest revision (every process also does this
    on first use; run it ahead of a deploy to do it once, under a lock)."""
    url = url or settings().control_url
    eng = db.engine(url)
    with eng.connect() as conn:
        now = migrate.current(conn)
    click.echo(f"control plane at revision {now} (newest {migrate.head()})")


@control_group.command("revision")
@click.option("-m", "--message", required=True, help="What the revision changes, one line.")
def control_revision(message: str) -> None:
    """Write control/migrations/versions/<rev>_<message>.py from what the owners' tables declare
    beyond the migrated schema of SHUCANG_CONTROL_URL (review it before committing)."""
    eng = db.engine()
    with eng.begin() as conn:
        command.revision(migrate.alembic_config(conn, control_metadata()), message=message,
                         autogenerate=True, rev_id=f"{int(migrate.head()) + 1:04d}")
