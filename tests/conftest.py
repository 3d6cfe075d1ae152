"""Shared fixtures: replica sites served by a real HTTP server in a subprocess, the CLI run as
a user runs it, and the databases (a SQLite file; PostgreSQL when it is reachable)."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy
from sqlalchemy.pool import NullPool

from storage.db import display_url, make_engine
from storage.errors import DatabaseUnreachable

PG_BASE_URL = os.environ.get(
    "CITYWATCH_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def _worker_url(base: str) -> str:
    """Each pytest-xdist worker resets its own database, never another's: named after the
    worker and the checkout (``test_gw0_1a2b3c``), so two checkouts' suites (a CI clone beside
    a working tree) can run at once on one server."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return base
    checkout = hashlib.sha1(str(Path(__file__).resolve().parents[1]).encode()).hexdigest()[:6]
    url = sqlalchemy.make_url(base)
    database = f"{url.database}_{worker}_{checkout}"
    return url.set(database=database).render_as_string(hide_password=False)


PG_URL = _worker_url(PG_BASE_URL)


@dataclass
class Replica:
    """A replica site in its own process (like Scrapy's mockserver)."""

    process: subprocess.Popen[str]
    base_url: str

    def set_state(self, state: int) -> None:
        request = urllib.request.Request(
            f"{self.base_url}/__replica__/state", data=str(state).encode(), method="POST"
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert answer.status == 200

    def stats(self) -> dict[str, int]:
        with urllib.request.urlopen(f"{self.base_url}/__replica__/stats", timeout=10) as answer:
            return dict(json.load(answer))


def start_replica(site: str, *args: str) -> Replica:
    process = subprocess.Popen(
        [sys.executable, "-m", "pipeline.replicas", "serve", site, "--port", "0", *args],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    base_url = process.stdout.readline().strip()
    if not base_url.startswith("http://127.0.0.1:"):
        process.kill()
        raise RuntimeError(f"replica {site} did not start: {base_url!r}")
    return Replica(process, base_url)


def stop_replica(replica: Replica) -> None:
    replica.process.send_signal(signal.SIGTERM)
    try:
        replica.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        replica.process.kill()
        replica.process.wait(timeout=10)
    if replica.process.stdout:
        replica.process.stdout.close()


@pytest.fixture
def mercociudades() -> Iterator[Replica]:
    replica = start_replica("mercociudades_covid", "--size", "30")
    yield replica
    stop_replica(replica)


# Give up on an absent server fast: the suite would otherwise wait 10 s per test.
PG_CONNECT_TIMEOUT_S = 3


def _create_worker_database(url: str) -> None:
    """Create a worker's database beside the configured one, if the server is there."""
    if url == PG_BASE_URL:
        return
    name = sqlalchemy.make_url(url).database
    try:
        engine = make_engine(
            PG_BASE_URL,
            poolclass=NullPool,
            isolation_level="AUTOCOMMIT",
            connect_args={"connect_timeout": PG_CONNECT_TIMEOUT_S},
        )
    except DatabaseUnreachable:
        return  # reset_postgres says so
    try:
        with engine.connect() as connection:
            exists = connection.execute(
                sqlalchemy.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            ).first()
            if not exists:
                connection.execute(sqlalchemy.text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()


def reset_postgres(url: str) -> None:
    """Empty the database, skipping the test if the server is not there."""
    _create_worker_database(url)
    try:
        engine = make_engine(
            url,
            poolclass=NullPool,
            isolation_level="AUTOCOMMIT",
            connect_args={"connect_timeout": PG_CONNECT_TIMEOUT_S},
        )
    except DatabaseUnreachable:
        reason = f"PostgreSQL not reachable at {display_url(url)}"
        if os.environ.get("CITYWATCH_REQUIRE_POSTGRES"):  # CI: a missing server is a failure
            pytest.fail(f"{reason} (CITYWATCH_REQUIRE_POSTGRES set)")
        pytest.skip(reason)
    try:
        with engine.connect() as connection:
            connection.execute(sqlalchemy.text("DROP SCHEMA public CASCADE"))
            connection.execute(sqlalchemy.text("CREATE SCHEMA public"))
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database: a SQLite file in tmp_path, or the test PostgreSQL schema reset."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'data' / 'citywatch.db'}"
    reset_postgres(PG_URL)
    return PG_URL


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str


def run_cli(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 180
) -> CliResult:
    """`citywatch ARGS` in a fresh process, as a user runs it (a reactor starts once a process)."""
    completed = subprocess.run(
        [sys.executable, "-m", "pipeline", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=timeout,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
    )
    return CliResult(completed.returncode, completed.stdout, completed.stderr)


def invoke_cli(*args: str, env: dict[str, str] | None = None) -> CliResult:
    """`citywatch ARGS` in this process (Click's CliRunner), for commands that crawl nothing:
    what a user sees on stdout and stderr, and the exit code (1 for an uncaught exception)."""
    from click.testing import CliRunner

    from pipeline.cli import main

    result = CliRunner(env={"COLUMNS": "200", **(env or {})}).invoke(
        main, list(args), prog_name="citywatch"
    )
    return CliResult(result.exit_code, result.stdout, result.stderr)
