"""Opening the database: one engine per process, short sessions that commit or roll back whole.

engine = make_engine("sqlite:///citywatch-data/citywatch.db")
sessions = session_factory(engine)
with session_scope(sessions) as session:
    ...
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from storage.errors import DatabaseUnreachable, SchemaOutOfDate

__all__ = [
    "SUPPORTED_DATABASES",
    "display_url",
    "make_engine",
    "normalise_url",
    "session_factory",
    "session_scope",
    "url_problem",
]

# Crawls, the link monitor and the CLI may write at once: wait for a lock rather than fail.
SQLITE_BUSY_TIMEOUT_MS = 30_000
# A server that does not answer in this long is down for our purposes.
PG_CONNECT_TIMEOUT_S = 10

# The backends, and their drivers ("" for the default one), that citywatch installs and tests.
_DRIVERS = {"sqlite": ("", "pysqlite"), "postgresql": ("", "psycopg"), "postgres": ("", "psycopg")}
SUPPORTED_DATABASES = "sqlite:///PATH or postgresql://USER@HOST/DATABASE (psycopg)"
# A password in a query parameter; a character that ends the authority (so a ":" after it
# is no user name's).
_QUERY_PASSWORD = re.compile(r"([?&](?:password|passwd)=)[^&]*", re.IGNORECASE)
_AUTHORITY_END = re.compile(r"[/?#]")

_SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",  # readers (reports, exports) never block the crawl's writes
    "PRAGMA foreign_keys=ON",  # SQLite ignores foreign keys unless asked, on every connection
    f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}",
    "PRAGMA synchronous=NORMAL",  # safe with WAL, and much faster than FULL
)


def url_problem(url: str | URL) -> str | None:
    """Why citywatch cannot use this database URL (one line, no password), or None."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return f"not a database URL: {display_url(url)!r} (e.g. sqlite:///citywatch.db)"
    backend, _, driver = parsed.drivername.partition("+")
    if driver not in _DRIVERS.get(backend, ()):
        return f"{display_url(parsed)}: unsupported database; citywatch uses {SUPPORTED_DATABASES}"
    if backend == "sqlite" and _in_memory(parsed):
        return (
            f"{display_url(url)}: an in-memory SQLite database vanishes when the command ends; "
            "name a file: sqlite:///PATH"
        )
    return None


def _in_memory(url: URL) -> bool:
    """Whether SQLite keeps this database in memory: no file (``sqlite://``), ``:memory:``,
    or a URI asking for it (``file::memory:``, ``?mode=memory``)."""
    database = url.database or ""
    return (
        database in ("", ":memory:")
        or database.startswith("file::memory:")
        or url.query.get("mode") == "memory"
    )


def normalise_url(url: str | URL) -> URL:
    """Parse a database URL, choosing psycopg 3 for bare `postgresql://` / `postgres://` URLs."""
    problem = url_problem(url)
    if problem:
        raise DatabaseUnreachable(problem)
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def display_url(url: str | URL) -> str:
    """The URL as safe to print: a password, if any, is replaced by ***.

    Read from the text, not from a parse: a password with an unencoded ``@`` makes SQLAlchemy
    take its end for the host (``u:pa@ss@host``), and a URL that does not parse at all is
    shown too. Everything between the user name and the host's ``@`` (the last one before
    the query) is hidden, so a ``/``, ``:`` or ``@`` in the password hides with it.
    """
    text = url.render_as_string(hide_password=False) if isinstance(url, URL) else str(url)
    return _QUERY_PASSWORD.sub(r"\1***", _without_user_password(text))


def _without_user_password(text: str) -> str:
    scheme, separator, rest = text.partition("://")
    colon, first_at = rest.find(":"), rest.find("@")
    if not separator or colon < 0 or first_at < colon or _AUTHORITY_END.search(rest[:colon]):
        return text  # no user name and password before the host
    at = rest.split("?", 1)[0].rfind("@")
    if at < 0:  # a "?" in the password
        at = rest.rfind("@")
    return f"{scheme}://{rest[:colon]}:***{rest[at:]}"


def make_engine(
    url: str | URL, *, check: bool = True, create: bool = True, **engine_options: Any
) -> Engine:
    """An engine for `url`, tuned per backend; with `check`, proves the database opens.

    Raises `DatabaseUnreachable` (message naming the URL, password hidden) when it does not.
    SQLite creates a missing file on connecting: without `create`, a missing file raises
    `SchemaOutOfDate` instead (only `citywatch init` makes a database).
    """
    parsed = normalise_url(url)
    shown = display_url(parsed)
    options: dict[str, Any] = {"pool_pre_ping": True}
    if parsed.get_backend_name() == "sqlite":
        if not create:
            _require_sqlite_file(parsed)
        _create_sqlite_folder(parsed, shown)
    elif parsed.get_backend_name() == "postgresql" and "connect_timeout" not in parsed.query:
        options["connect_args"] = {"connect_timeout": PG_CONNECT_TIMEOUT_S}
    options.update(engine_options)
    engine = create_engine(parsed, **options)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _set_sqlite_pragmas)
    if check:
        try:
            with engine.connect():
                pass
        except SQLAlchemyError as error:
            engine.dispose()
            reason = getattr(error, "orig", None) or error
            raise DatabaseUnreachable(f"cannot open database at {shown}: {reason}") from error
    return engine


def _require_sqlite_file(url: URL) -> None:
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    if not Path(database).expanduser().exists():
        raise SchemaOutOfDate(f"database file {database} does not exist: run `citywatch init`")


def _create_sqlite_folder(url: URL, shown: str) -> None:
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    try:
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DatabaseUnreachable(f"cannot open database at {shown}: {error}") from error


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        for pragma in _SQLITE_PRAGMAS:
            cursor.execute(pragma)
    finally:
        cursor.close()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions whose objects stay readable after commit (reports read them after the write)."""
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session that commits when the block ends, rolls back if it raises, and always closes."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
