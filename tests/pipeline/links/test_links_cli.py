"""`citywatch check-links FILE` never stores a URL it cannot check, and `citywatch links` lists,
finds and removes monitored links: the CLI in its own process on a real SQLite file."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from pipeline.replicas.link_zoo import LinkZoo
from storage.db import make_engine, session_factory, session_scope
from storage.links import LinkSpec, sync_links
from storage.models import Link
from tests.conftest import invoke_cli, run_cli
from tests.pipeline.links.test_check_links import DAY0, write_link_config


@pytest.fixture(scope="module")
def zoo() -> Iterator[LinkZoo]:
    with LinkZoo(slow_seconds=1.0) as served:
        yield served


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = write_link_config(tmp_path, f"sqlite:///{tmp_path / 'c.db'}")
    assert run_cli("--config", str(path), "init").code == 0
    return path


def stored_urls(config: Path) -> list[str]:
    engine = make_engine(f"sqlite:///{config.parent / 'c.db'}")
    try:
        with session_scope(session_factory(engine)) as session:
            return sorted(session.scalars(select(Link.url)))
    finally:
        engine.dispose()


def store_the_old_way(config: Path, urls: list[str]) -> None:
    """What `check-links FILE` stored before it checked URLs: anything http(s)-looking."""
    engine = make_engine(f"sqlite:///{config.parent / 'c.db'}")
    try:
        with session_scope(session_factory(engine)) as session:
            sync_links(session, [LinkSpec(url, "cli") for url in urls], DAY0)
    finally:
        engine.dispose()


def test_a_file_with_bad_urls_is_refused_whole_naming_every_bad_line(
    config: Path, tmp_path: Path
) -> None:
    urls = tmp_path / "urls.txt"
    urls.write_text(
        "http://127.0.0.1:9/fine\n"
        "https://exa mple.org/:warning:\n"
        "# a comment\n"
        "https://example.org/\x1b[2J\n"
        "http://example.org:99999/\n",
        "utf-8",
    )

    result = run_cli("--config", str(config), "check-links", str(urls))

    assert result.code == 2
    assert result.stderr.splitlines() == [
        f"citywatch: error: {urls}:2: 'https://exa mple.org/:warning:': contains a space "
        "(U+0020) at character 12",
        f"citywatch: error: {urls}:4: 'https://example.org/\\x1b[2J': contains a control "
        "character (U+001B) at character 21",
        f"citywatch: error: {urls}:5: 'http://example.org:99999/': the port is not a number "
        "from 1 to 65535",
    ]
    assert result.stdout == ""
    assert stored_urls(config) == []


def test_a_file_that_is_not_utf8_is_one_line_per_bad_line_and_exit_2(
    config: Path, tmp_path: Path
) -> None:
    urls = tmp_path / "latin1.txt"
    urls.write_bytes("https://example.org/São\nhttps://example.org/ok\n".encode("latin-1"))

    result = run_cli("--config", str(config), "check-links", str(urls))

    assert (result.code, result.stdout) == (2, "")
    assert result.stderr.splitlines() == [
        f"citywatch: error: {urls}:1: not UTF-8 text (byte 0xe3 at column 22)"
    ]
    assert stored_urls(config) == []


def test_a_file_that_holds_no_urls_is_not_echoed(config: Path, tmp_path: Path) -> None:
    """`check-links /etc/shadow` by mistake: its lines are secrets, not URLs to quote."""
    shadow = tmp_path / "shadow"
    shadow.write_text(
        "root:$6$Zr0wQn$s3cr3tHashOfTheRootPassword:19700:0:99999:7:::\n"
        "daemon:*:19700:0:99999:7:::\n"
        "\n"
        "https://example.org/a b\n",
        "utf-8",
    )

    result = invoke_cli("--config", str(config), "check-links", str(shadow))

    assert (result.code, result.stdout) == (2, "")
    assert result.stderr.splitlines() == [
        f"citywatch: error: {shadow}:1: not a URL (not shown)",
        f"citywatch: error: {shadow}:2: not a URL (not shown)",
        f"citywatch: error: {shadow}:4: 'https://example.org/a b': contains a space (U+0020) at "
        "character 22",
    ]
    assert stored_urls(config) == []


def test_a_megabyte_url_is_refused(config: Path, tmp_path: Path) -> None:
    urls = tmp_path / "long.txt"
    urls.write_text("https://example.org/" + "x" * 1_048_576 + "\n", "utf-8")

    result = run_cli("--config", str(config), "check-links", str(urls))

    assert result.code == 2
    assert result.stderr.splitlines() == [
        f"citywatch: error: {urls}:1: line longer than 65,536 bytes (a URL may have 2,083 "
        "characters)"
    ]
    assert stored_urls(config) == []


def test_two_spellings_of_one_url_are_one_link(zoo: LinkZoo, config: Path, tmp_path: Path) -> None:
    page = next(link.url for link in zoo.links(None) if link.expected_class == "ok")
    urls = tmp_path / "urls.txt"
    urls.write_text(f"{page}\n{page.replace('http://', 'HTTP://')}\n", "utf-8")

    result = run_cli("--config", str(config), "check-links", str(urls))

    assert result.code == 0, result.stderr
    assert stored_urls(config) == [page]
    assert result.stdout == (
        "1 link checked (1 URL)\n"
        "┏━━━━━━━┳━━━━━━━┓\n"
        "┃ class ┃ links ┃\n"
        "┡━━━━━━━╇━━━━━━━┩\n"
        "│ ok    │ 1     │\n"
        "└───────┴───────┘\n"
    )


def test_a_poisoned_link_store_is_cleaned_by_links_remove(config: Path) -> None:
    store_the_old_way(config, ["https://exa mple.org/", "https://example.org/kept"])

    listed = run_cli("--config", str(config), "links", "--match", r"\s")
    removed = run_cli("--config", str(config), "links", "remove", "https://exa mple.org/")

    assert (listed.code, listed.stdout) == (0, "https://exa mple.org/" + "\t" * 8 + "\n")
    assert removed.code == 0, removed.stderr
    assert removed.stdout.splitlines() == [
        "removed https://exa mple.org/",
        "1 link removed, with 0 checks and 0 events",
    ]
    assert stored_urls(config) == ["https://example.org/kept"]


def test_removing_what_is_not_monitored_or_must_stay_removes_nothing(config: Path) -> None:
    text = config.read_text("utf-8") + '\n[[links]]\nurl = "https://cited.example/report.pdf"\n'
    config.write_text(text, "utf-8")
    store_the_old_way(
        config, ["https://cited.example/report.pdf", "https://example.org/a", "https://b.example/"]
    )

    result = run_cli(
        "--config",
        str(config),
        "links",
        "remove",
        "https://example.org/a",
        "https://example.org/never-added",
        "https://cited.example/report.pdf",
    )

    assert (result.code, result.stdout) == (2, "")
    assert result.stderr.splitlines() == [
        "citywatch: error: https://example.org/never-added: not a monitored link",
        "citywatch: error: https://cited.example/report.pdf: kept: cited in "
        f"{config} ([[links]]): remove it there",
    ]
    assert stored_urls(config) == [
        "https://b.example/",
        "https://cited.example/report.pdf",
        "https://example.org/a",
    ]


def test_remove_by_pattern_with_a_dry_run_first(config: Path) -> None:
    text = config.read_text("utf-8") + '\n[[links]]\nurl = "https://example.org/cited"\n'
    config.write_text(text, "utf-8")
    store_the_old_way(
        config, ["https://example.org/cited", "https://example.org/a", "https://b.example/"]
    )
    pattern = r"^https://example\.org/"

    dry = run_cli("--config", str(config), "links", "remove", "--match", pattern, "--dry-run")
    done = run_cli("--config", str(config), "links", "remove", "--match", pattern)
    nothing = run_cli("--config", str(config), "links", "remove", "--match", "nowhere")
    bad = run_cli("--config", str(config), "links", "remove", "--match", "(")

    kept = f"kept https://example.org/cited: cited in {config} ([[links]]): remove it there"
    assert (dry.code, dry.stderr.splitlines()) == (0, [kept])
    assert dry.stdout.splitlines() == [
        "would remove https://example.org/a",
        "1 link would be removed (dry run: nothing changed)",
    ]
    assert (done.code, done.stderr.splitlines()) == (0, [kept])
    assert done.stdout.splitlines() == [
        "removed https://example.org/a",
        "1 link removed, with 0 checks and 0 events",
    ]
    assert stored_urls(config) == ["https://b.example/", "https://example.org/cited"]
    assert (nothing.code, nothing.stderr) == (0, "no monitored link matches 'nowhere'\n")
    assert nothing.stdout == "0 links removed, with 0 checks and 0 events\n"
    assert (bad.code, bad.stdout) == (2, "")
    assert bad.stderr == (
        "citywatch: error: --match '(': not a regular expression (missing ), unterminated "
        "subpattern at position 0)\n"
    )


def test_links_lists_by_pattern_in_every_format(config: Path) -> None:
    store_the_old_way(config, ["https://example.org/a", "https://b.example/"])

    as_json = run_cli(
        "--config", str(config), "links", "--match", "example.org", "--format", "json"
    )

    assert as_json.code == 0
    assert [row["url"] for row in json.loads(as_json.stdout)] == ["https://example.org/a"]


@pytest.mark.parametrize("order", [["--due", "--all"], ["--all", "--due"]], ids=" ".join)
def test_due_and_all_are_one_or_the_other(config: Path, order: list[str]) -> None:
    """In its own process: were the two accepted, a link check would run."""
    result = run_cli("--config", str(config), "check-links", *order)

    assert (result.code, result.stdout) == (2, "")
    assert result.stderr == (
        "citywatch: error: --due and --all cannot be given together: --due checks what is due "
        "(the default), --all every monitored link (see citywatch check-links --help)\n"
    )
    assert stored_urls(config) == []
