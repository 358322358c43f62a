"""Alembic's environment for the control plane. It is always run through `control.migrate`, which
hands over an open connection (holding the migration lock) and, for autogenerate, the metadata of
every owner's tables; it never imports those owners itself (control sits below them)."""

from __future__ import annotations

from alembic import context

from control.migrate import VERSION_TABLE, MigrationSetupError, include_object

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise MigrationSetupError("run migrations through `shucang control upgrade` (or control.migrate),"
                              " which opens the connection and takes the migration lock")
context.configure(connection=connection, target_metadata=config.attributes.get("target_metadata"),
                  version_table=VERSION_TABLE, include_object=include_object,
                  render_as_batch=True)  # SQLite alters a table by copying it
with context.begin_transaction():
    context.run_migrations()
