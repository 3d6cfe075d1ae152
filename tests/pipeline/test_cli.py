"""The CLI as a user meets it: help with examples, documented exit codes, results on stdout."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Replica, run_cli
from tests.helpers import write_config

COMMANDS = [
    ["init"],
    ["crawl"],
    ["report"],
    ["export"],
    ["sources"],
    ["demo"],
    ["config", "init"],
    ["config", "check"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help_with_an_example(command: list[str]) -> None:
    result = run_cli(*command, "--help")
    assert result.code == 0
    assert "Example" in result.stdout
    assert "citywatch " in result.stdout.split("Example", 1)[1]


def test_commands_that_read_the_database_refuse_an_uninitialised_one(tmp_path: Path) -> None:
    config = write_config(tmp_path, "http://127.0.0.1:9/covid-19/", f"sqlite:///{tmp_path}/n.db")
    for command in (["crawl"], ["report"], ["export"]):
        result = run_cli("--config", str(config), *command)
        assert result.code == 2, command
        assert "run `citywatch init`" in result.stderr
    assert not (tmp_path / "n.db").exists()


def test_unreachable_database_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = run_cli("--db", "postgresql://nobody@127.0.0.1:1/none", "report", cwd=tmp_path)
    assert result.code == 2
    assert result.stderr.startswith("citywatch: error: cannot open database at postgresql")
    assert result.stderr.strip().count("\n") == 0


def test_sources_lists_records_and_last_run(mercociudades: Replica, tmp_path: Path) -> None:
    config = str(
        write_config(tmp_path, f"{mercociudades.base_url}/covid-19/", f"sqlite:///{tmp_path}/s.db")
    )
    assert run_cli("--config", config, "init").code == 0
    before = run_cli("--config", config, "sources")
    assert "mercociudades_covid" in before.stdout and "finished" not in before.stdout
    assert run_cli("--config", config, "crawl").code == 0
    after = run_cli("--config", config, "sources")
    row = next(line for line in after.stdout.splitlines() if "mercociudades_covid" in line)
    assert "31" in row and "finished" in row


def test_init_is_idempotent(tmp_path: Path) -> None:
    config = write_config(tmp_path, "http://127.0.0.1:9/", f"sqlite:///{tmp_path}/i.db")
    first = run_cli("--config", str(config), "init")
    second = run_cli("--config", str(config), "init")
    assert first.code == second.code == 0
    assert first.stdout == second.stdout
