"""Bringing a database to the schema this code expects, and checking that it is there.

`citywatch init` calls `upgrade`; every other command calls `ensure_current` first, so an old
database fails with a message that says what to run instead of with a missing-column error.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from storage.db import display_url, make_engine
from storage.errors import SchemaOutOfDate
from storage.models import Base

__all__ = [
    "alembic_config",
    "current_revision",
    "ensure_current",
    "head_revision",
    "schema_drift",
    "upgrade",
]

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str | None = None) -> Config:
    """An Alembic config for our migrations, built in code so users need no alembic.ini."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    if url is not None:
        # ConfigParser would read "%" (URL-encoded passwords) as interpolation.
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Migrate the database at `url` to `revision`; at that revision already, do nothing."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            config = alembic_config(url)
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
            connection.commit()
    finally:
        # env.py switches SQLite foreign keys off while migrating: never pool that connection.
        engine.dispose()


def current_revision(url: str | Engine) -> str | None:
    """The revision the database is at, or None if it was never migrated."""
    with _engine(url) as engine, engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    """The newest revision the migrations know."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError(f"no migrations found in {MIGRATIONS_DIR}")
    return head


def ensure_current(url: str | Engine) -> None:
    """Raise `SchemaOutOfDate` unless the database is at the head revision."""
    current = current_revision(url)
    expected = head_revision()
    if current != expected:
        shown = display_url(url.url if isinstance(url, Engine) else url)
        raise SchemaOutOfDate(
            f"database at {shown} is at revision {current or 'none'}, expected {expected}: "
            "run `citywatch init`"
        )


def schema_drift(url: str | Engine) -> list[str]:
    """Differences between the models and the database; empty when the migrations match."""
    with _engine(url) as engine, engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return [_describe(diff) for diff in compare_metadata(context, Base.metadata)]


def _describe(diff: Any) -> str:
    # compare_metadata gives tuples like ("add_table", Table) or ("add_column", schema,
    # table, Column), and lists of ("modify_type", schema, table, column, info, old, new).
    if isinstance(diff, list):
        return "; ".join(_describe(part) for part in diff)
    kind = diff[0]
    if kind.startswith("modify_"):
        _kind, _schema, table, column, _info, old, new = diff
        return f"{kind}: {table}.{column}: {old!r} -> {new!r}"
    return f"{kind}: " + ", ".join(_name_of(part) for part in diff[1:] if part is not None)


def _name_of(part: Any) -> str:
    if isinstance(part, str):
        return part
    name = getattr(part, "name", None)
    return f"{type(part).__name__} {name}" if name is not None else repr(part)


@contextmanager
def _engine(url: str | Engine) -> Iterator[Engine]:
    """Use a given engine as is, or make one for a URL and dispose of it after."""
    if isinstance(url, Engine):
        yield url
        return
    engine = make_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()
