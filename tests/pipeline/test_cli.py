"""The CLI as a user meets it: help with examples, documented exit codes, results on stdout."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import make_url, select

from pipeline.duplicates import detect_duplicates
from pipeline.terminal import printable
from storage.db import make_engine, session_factory, session_scope
from storage.migrate import head_revision, upgrade
from storage.models import Record
from storage.records import RecordData
from storage.repositories import SourceSpec, finish_run, save_records, start_run, sync_sources
from tests.conftest import PG_URL, Replica, invoke_cli, reset_postgres, run_cli
from tests.helpers import read_jsonl, write_config
from tests.storage.factories import OTHER_SOURCE_KEY, SOURCE_KEY, at, practice

COMMANDS = [
    ["init"],
    ["crawl"],
    ["report"],
    ["export"],
    ["sources"],
    ["duplicates"],
    ["duplicates", "confirm"],
    ["duplicates", "reject"],
    ["demo"],
    ["config", "init"],
    ["config", "check"],
    ["check-links"],
    ["links"],
    ["links", "remove"],
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


def test_sources_before_init_lists_the_config_and_says_why_on_stderr(tmp_path: Path) -> None:
    config = write_config(tmp_path, "http://127.0.0.1:9/covid-19/", f"sqlite:///{tmp_path}/s.db")

    result = run_cli("--config", str(config), "sources")

    assert result.code == 0
    assert result.stderr == (
        f"citywatch: database file {tmp_path}/s.db does not exist: run `citywatch init`; "
        "listing the config's sources only\n"
    )
    (row,) = [line for line in result.stdout.splitlines() if "mercociudades_covid" in line]
    cells = [cell.strip() for cell in row.strip("│ ").split("│")]
    assert cells == [
        "mercociudades_covid", "yes", "-", "-", "-", "-", "-", "http://127.0.0.1:9/covid-19/"
    ]  # fmt: skip
    assert not (tmp_path / "s.db").exists()


def test_sources_on_a_file_that_is_not_a_database_is_one_line_and_exit_2(tmp_path: Path) -> None:
    config = write_config(tmp_path, "http://127.0.0.1:9/covid-19/", f"sqlite:///{tmp_path}/s.db")
    (tmp_path / "s.db").write_text("my notes, not a database\n", "utf-8")

    result = run_cli("--config", str(config), "sources")

    assert result.code == 2
    assert result.stderr == (
        f"citywatch: error: cannot open database at sqlite:///{tmp_path}/s.db: "
        "file is not a database\n"
    )
    assert result.stdout == ""
    assert (tmp_path / "s.db").read_text("utf-8") == "my notes, not a database\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["citywatch.toml", "s.db"]


def test_sources_on_an_unreachable_server_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = run_cli("--db", "postgresql://nobody:s3cret@127.0.0.1:1/none", "sources", cwd=tmp_path)

    assert result.code == 2
    assert result.stderr.startswith(
        "citywatch: error: cannot open database at "
        "postgresql+psycopg://nobody:***@127.0.0.1:1/none: "
    )
    assert result.stderr.count("\n") == 1
    assert "s3cret" not in result.stderr
    assert result.stdout == ""


def test_config_check_and_init_never_print_the_database_password(tmp_path: Path) -> None:
    url = "postgresql://citywatch:s3cret@127.0.0.1:1/catalogue"  # nothing listens on port 1
    config = write_config(tmp_path, "http://127.0.0.1:9/covid-19/", url)

    checked = run_cli("--config", str(config), "config", "check")
    initialised = run_cli("--config", str(config), "init")

    assert checked.code == 0, checked.stderr
    assert checked.stdout == (
        f"{config}: ok: 1 sources (1 enabled), 0 cited links, "
        "database postgresql://citywatch:***@127.0.0.1:1/catalogue\n"
    )
    assert initialised.code == 2
    assert initialised.stderr.startswith(
        "citywatch: error: cannot open database at "
        "postgresql+psycopg://citywatch:***@127.0.0.1:1/catalogue: "
    )
    for result in (checked, initialised):
        assert "s3cret" not in result.stdout + result.stderr


@pytest.mark.postgres
def test_init_names_the_database_without_its_password(tmp_path: Path) -> None:
    reset_postgres(PG_URL)
    url = make_url(PG_URL).set(password="s3cret")  # trust authentication: the server ignores it

    result = run_cli("--db", url.render_as_string(hide_password=False), "init", cwd=tmp_path)

    assert result.code == 0, result.stderr
    assert result.stdout == (
        f"database {url.render_as_string(hide_password=True)} is at revision {head_revision()}\n"
    )
    assert "s3cret" not in result.stdout + result.stderr


def test_every_time_option_takes_back_the_times_citywatch_prints(tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path}/t.db"
    config = str(write_config(tmp_path, "http://127.0.0.1:9/covid-19/", database_url))
    store_run(database_url, SOURCE_KEY, [practice(1)], 1)
    store_run(database_url, SOURCE_KEY, [practice(2)], 2)
    first = run_cli("--config", config, "export")
    printed = first.stderr.rsplit("next --since: ", 1)[1].strip()
    assert printed == read_jsonl(first.stdout)[-1]["changed_at"] == "2024-03-01T08:00:00+00:00"
    second_only = [printed, "2024-03-01T08:00:00Z", "2024-03-01T07:59:59.999999+00:00"]
    second_only += ["2024-03-01T07:59:59.5z", "2024-03-01T08:00", "2024-03-01T05:00-03:00"]

    for since in [*second_only, "2024-03-01"]:  # in this process: nothing here crawls
        exported = invoke_cli("--config", config, "export", "--since", since)
        report = invoke_cli("--config", config, "report", "--since", since, "--format", "json")
        assert (exported.code, report.code) == (0, 0), (since, exported.stderr, report.stderr)
        ids = [row["id"] for row in read_jsonl(exported.stdout)]
        runs = len(json.loads(report.stdout)["runs"])
        if since in second_only:
            assert (ids, runs) == ([f"{SOURCE_KEY}:2"], 1), since
        else:
            assert (ids, runs) == ([f"{SOURCE_KEY}:1", f"{SOURCE_KEY}:2"], 2), since

    bad = invoke_cli("--config", config, "export", "--since", "27/11/2026")
    assert bad.code == 2
    assert bad.stderr.startswith(
        "citywatch: error: Invalid value for '--since': '27/11/2026' is not a time; TIME is "
    )
    assert bad.stderr.count("\n") == 1


def test_check_links_now_takes_a_time_as_every_other_option(tmp_path: Path) -> None:
    config = str(
        write_config(tmp_path, "http://127.0.0.1:9/covid-19/", f"sqlite:///{tmp_path}/l.db")
    )
    assert run_cli("--config", config, "init").code == 0

    checked = run_cli("--config", config, "check-links", "--now", "2026-11-27T02:00:00.5Z")

    assert checked.code == 0, checked.stderr
    (link,) = json.loads(run_cli("--config", config, "links", "--format", "json").stdout)
    assert (link["url"], link["last_checked"]) == (
        "http://127.0.0.1:9/covid-19/",
        "2026-11-27T02:00:00+00:00",
    )


def test_init_is_idempotent(tmp_path: Path) -> None:
    config = write_config(tmp_path, "http://127.0.0.1:9/", f"sqlite:///{tmp_path}/i.db")
    first = run_cli("--config", str(config), "init")
    second = run_cli("--config", str(config), "init")
    assert first.code == second.code == 0
    assert first.stdout == second.stdout


# -- possible duplicates --------------------------------------------------------------------


def store_run(database_url: str, source_key: str, records: list[RecordData], hours: float) -> None:
    """Save records as one finished run of a source, registering the source if need be."""
    upgrade(database_url)
    engine = make_engine(database_url)
    try:
        with session_scope(session_factory(engine)) as session:
            sync_sources(session, [SourceSpec(source_key, source_key, source_key)], now=at(0))
            run_id = start_run(session, source_key, at(hours))
            save_records(session, run_id, records, at(hours))
            finish_run(session, run_id, "finished", "finished", {}, 2, at(hours))
    finally:
        engine.dispose()


def detect(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        with session_scope(session_factory(engine)) as session:
            detect_duplicates(session, at(3))
    finally:
        engine.dispose()


def test_duplicates_are_listed_confirmed_and_rejected_by_id(tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path}/d.db"
    config = str(write_config(tmp_path, "http://127.0.0.1:9/covid-19/", database_url))
    store_run(database_url, SOURCE_KEY, [practice(1, title="Plan ABC <b>en</b> Montevideo")], 1)
    copies = [practice(n, OTHER_SOURCE_KEY, title="Plan ABC en Montevideo") for n in (1, 2)]
    store_run(database_url, OTHER_SOURCE_KEY, copies, 2)
    detect(database_url)

    listed = run_cli("--config", config, "duplicates", "--format", "json")
    assert listed.code == 0, listed.stderr
    pairs = json.loads(listed.stdout)["possible_duplicates"]
    assert [pair["status"] for pair in pairs] == ["open", "open"]
    first, second = (pair["id"] for pair in pairs)
    markdown = run_cli("--config", config, "duplicates").stdout
    assert "Plan ABC &lt;b&gt;en&lt;/b&gt; Montevideo" in markdown
    assert f"`citywatch duplicates confirm {first}`" in markdown

    confirmed = run_cli("--config", config, "duplicates", "confirm", str(first))
    rejected = run_cli("--config", config, "duplicates", "reject", str(second))
    assert (confirmed.code, rejected.code) == (0, 0)
    assert confirmed.stdout.startswith(f"pair {first} confirmed: {SOURCE_KEY}:1 and ")
    assert run_cli("--config", config, "duplicates", "--format", "json").stdout.count('"id"') == 0
    every = json.loads(
        run_cli("--config", config, "duplicates", "--status", "all", "--format", "json").stdout
    )
    assert {p["id"]: p["status"] for p in every["possible_duplicates"]} == {
        first: "confirmed",
        second: "rejected",
    }


def test_an_unknown_duplicate_id_is_one_line_and_exit_2(tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path}/d.db"
    config = str(write_config(tmp_path, "http://127.0.0.1:9/covid-19/", database_url))
    assert run_cli("--config", config, "init").code == 0

    result = run_cli("--config", config, "duplicates", "reject", "404")

    assert result.code == 2
    assert result.stderr.startswith("citywatch: error: no possible duplicate 404")
    assert result.stderr.strip().count("\n") == 0
    assert run_cli("--config", config, "duplicates", "confirm", "x").code == 2


def test_crawl_pairs_a_new_record_with_its_copy_on_another_platform(
    mercociudades: Replica, tmp_path: Path
) -> None:
    database_url = f"sqlite:///{tmp_path}/c.db"
    config = str(write_config(tmp_path, f"{mercociudades.base_url}/covid-19/", database_url))
    assert run_cli("--config", config, "init").code == 0
    first = run_cli("--config", config, "crawl")
    assert first.code == 0, first.stderr[-2000:]
    assert "possible duplicates" not in first.stderr
    post = crawled_post_with_a_city(database_url)
    copy = practice(
        1,
        SOURCE_KEY,
        title=post.title,
        city=post.city,
        city_normalised=post.city_normalised,
        country=post.country,
        published=post.published,
        resources=(),
        translations=(),
    )
    store_run(database_url, SOURCE_KEY, [replace(copy, url="https://c4gh.example/copy")], 1)

    second = run_cli("--config", config, "crawl", env={"COLUMNS": "80"})

    assert second.code == 0, second.stderr[-2000:]
    assert (  # one line, even at the 80 columns Rich assumes for a pipe
        "possible duplicates: 1 new across sources; review them with `citywatch duplicates`"
        in second.stderr.splitlines()
    )
    [pair] = json.loads(run_cli("--config", config, "duplicates", "--format", "json").stdout)[
        "possible_duplicates"
    ]
    assert {record["url"] for record in pair["records"]} == {post.url, "https://c4gh.example/copy"}
    report = run_cli("--config", config, "report").stdout
    assert "## Possible duplicates (1)" in report
    assert f"citywatch duplicates confirm {pair['id']}" in report


def crawled_post_with_a_city(database_url: str) -> Record:
    engine = make_engine(database_url)
    try:
        with session_scope(session_factory(engine)) as session:
            query = (
                select(Record)
                .where(Record.kind == "post", Record.city_normalised.is_not(None))
                .order_by(Record.id)
            )
            post = session.scalars(query).first()
            assert post is not None and post.title
            return post
    finally:
        engine.dispose()


@pytest.mark.parametrize("password", ["s3@cret", "s3/cret", "s3:cret", "s3%40cret"])
def test_config_check_hides_a_password_however_it_is_spelt(tmp_path: Path, password: str) -> None:
    url = f"postgresql://citywatch:{password}@127.0.0.1:1/catalogue"
    config = write_config(tmp_path, "http://127.0.0.1:9/covid-19/", url)

    checked = invoke_cli("--config", str(config), "config", "check")

    assert (checked.code, checked.stderr) == (0, "")
    assert checked.stdout == (
        f"{config}: ok: 1 sources (1 enabled), 0 cited links, "
        "database postgresql://citywatch:***@127.0.0.1:1/catalogue\n"
    )


CRON_WITH_AN_ESCAPE = "\x1b[31m0 2 * * *"
# Everything a terminal obeys or that reorders text on screen, as Python escapes it.
CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def test_a_config_error_quoting_a_control_character_shows_it_escaped(tmp_path: Path) -> None:
    """The cron parser quotes the expression raw in its own message: the whole line is shown
    as text, not only the part citywatch quoted."""
    config = write_config(
        tmp_path,
        "http://127.0.0.1:9/covid-19/",
        f"sqlite:///{tmp_path}/c.db",
        options=f"schedule = {json.dumps(CRON_WITH_AN_ESCAPE)}",
    )

    result = invoke_cli("--config", str(config), "config", "check")

    assert (result.code, result.stdout) == (2, "")
    assert result.stderr == (
        f"citywatch: error: {config}:17: sources[0].schedule: '\\x1b[31m0 2 * * *': not a valid "
        'cron expression (Unrecognized expression "\\x1b[31m0" for field "minute")\n'
    )


@pytest.mark.parametrize("name", ["\x1b]0;owned\x07.toml", "\x9b31m.toml", "\u202etxt.toml"])
def test_a_file_name_with_control_characters_is_shown_escaped(tmp_path: Path, name: str) -> None:
    for args in (
        ["--config", str(tmp_path / name), "sources"],
        ["--db", f"sqlite:///{tmp_path}/c.db", "check-links", str(tmp_path / name)],
        ["config", "init", "-o", str(tmp_path / "missing" / name)],
    ):
        result = invoke_cli(*args)

        assert (result.code, result.stdout) == (2, ""), args
        assert result.stderr.startswith("citywatch: error: "), args
        assert result.stderr.count("\n") == 1, args
        assert not CONTROLS.search(result.stderr), (args, result.stderr)
        assert printable(name) in result.stderr, args
