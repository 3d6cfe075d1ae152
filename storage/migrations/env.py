"""Alembic environment for citywatch, used by `storage.migrate` and by the `alembic` command.

The URL comes from, in order: a connection handed over in `config.attributes["connection"]`
(what `storage.migrate` does), the config's `sqlalchemy.url`, or the `CITYWATCH_DB_URL`
environment variable. Logging is left alone: the citywatch CLI owns it.
"""

from __future__ import annotations

import os
from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import Connection

from storage.db import make_engine, normalise_url
from storage.errors import StorageError
from storage.models import Base, UTCDateTime

config = context.config
target_metadata = Base.metadata


def _database_url() -> str:
    url = config.get_main_option("sqlalchemy.url") or os.environ.get("CITYWATCH_DB_URL")
    if not url:
        raise StorageError("no database URL: set sqlalchemy.url or CITYWATCH_DB_URL")
    return url


def _render_item(type_: str, item: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    # Migrations must not import application code that may change later: UTCDateTime is
    # a timestamp with time zone in DDL, so write it as one.
    if type_ == "type" and isinstance(item, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _configure(**options: Any) -> None:
    context.configure(
        target_metadata=target_metadata,
        compare_type=True,
        render_item=_render_item,
        **options,
    )


def run_migrations_offline() -> None:
    """Print the SQL instead of running it (`alembic upgrade head --sql`)."""
    url = normalise_url(_database_url())
    sqlite = url.get_backend_name() == "sqlite"
    _configure(url=url, literal_binds=True, render_as_batch=sqlite)
    with context.begin_transaction():
        context.run_migrations()


def _run_on(connection: Connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # Batch mode rebuilds a table by copy, drop and rename; with foreign keys on, the drop
        # would cascade into (delete) the rows of every table that refers to it.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    _configure(connection=connection, render_as_batch=sqlite)
    with context.begin_transaction():
        context.run_migrations()
        if sqlite:
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise StorageError(f"migration left rows with broken foreign keys: {broken[:5]}")


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run_on(connection)
        return
    # The `alembic` command: our own engine, thrown away after, so no pooled connection
    # keeps foreign keys switched off.
    engine = make_engine(_database_url())
    try:
        with engine.connect() as connection:
            _run_on(connection)
            connection.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
