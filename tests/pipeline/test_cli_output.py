"""What the commands print, in a terminal (a pseudo-terminal of a given width) and piped: every
URL whole, values as text (never Rich markup), Markdown rendered for a terminal only."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage.db import make_engine, session_factory, session_scope
from storage.links import LinkSpec, sync_links
from tests.conftest import run_cli
from tests.helpers import run_cli_in_terminal, write_config
from tests.pipeline.test_cli import detect, store_run
from tests.storage.factories import OTHER_SOURCE_KEY, SOURCE_KEY, START, practice

MARKUP_URL = "https://example.org/?filter[type]=pdf&x=[b]bold[/b]:warning:"
LONG_URL = "http://127.0.0.1:41535/es/desarrollo-urbano-y-vivienda/red-de-ciudades-bid"


@pytest.fixture
def monitored(tmp_path: Path) -> Path:
    """A config on a database monitoring two unchecked links."""
    database_url = f"sqlite:///{tmp_path / 'c.db'}"
    config = write_config(tmp_path, "http://127.0.0.1:9/covid-19/", database_url)
    assert run_cli("--config", str(config), "init").code == 0
    engine = make_engine(database_url)
    try:
        with session_scope(session_factory(engine)) as session:
            sync_links(session, [LinkSpec(LONG_URL, "cli"), LinkSpec(MARKUP_URL, "cli")], START)
    finally:
        engine.dispose()
    return config


def test_links_piped_is_one_tab_separated_line_per_link_with_the_url_whole(
    monitored: Path,
) -> None:
    result = run_cli("--config", str(monitored), "links")
    assert (result.code, result.stderr) == (0, "")
    assert result.stdout == f"{LONG_URL}" + "\t" * 8 + f"\n{MARKUP_URL}" + "\t" * 8 + "\n"


def test_links_in_a_narrow_terminal_shows_every_url_whole(monitored: Path) -> None:
    code, stdout, _ = run_cli_in_terminal("--config", str(monitored), "links", columns=60)
    assert code == 0
    assert stdout == f"2 links\n\n{LONG_URL}\n\n{MARKUP_URL}\n"


def test_sources_in_a_narrow_terminal_is_one_block_per_source(monitored: Path) -> None:
    code, stdout, _ = run_cli_in_terminal("--config", str(monitored), "sources", columns=60)
    assert code == 0
    assert stdout == (
        "mercociudades_covid\n"
        "  enabled    yes\n"
        "  schedule   -\n"
        "  records    0\n"
        "  removed    0\n"
        "  last run   -\n"
        "  status     -\n"
        "  start URL  http://127.0.0.1:9/covid-19/\n"
    )


@pytest.fixture
def two_platforms(tmp_path: Path) -> str:
    """A config on a database where a practice with a title full of Markdown and HTML was
    found on two platforms."""
    database_url = f"sqlite:///{tmp_path}/d.db"
    config = str(write_config(tmp_path, "http://127.0.0.1:9/covid-19/", database_url))
    store_run(database_url, SOURCE_KEY, [practice(1, title="Plan A&B <b>en</b> Mont_video")], 1)
    store_run(database_url, OTHER_SOURCE_KEY, [practice(1, OTHER_SOURCE_KEY, title="Plan A&B")], 2)
    detect(database_url)
    return config


@pytest.mark.parametrize("command", ["duplicates", "report"])
def test_markdown_in_a_terminal_reads_as_text_and_stays_markdown_when_piped(
    two_platforms: str, command: str
) -> None:
    code, stdout, _ = run_cli_in_terminal("--config", two_platforms, command, columns=200)
    piped = run_cli("--config", two_platforms, command)

    assert (code, piped.code) == (0, 0)
    assert "Plan A&B <b>en</b> Mont_video" in stdout
    assert "&amp;" not in stdout and "\\_" not in stdout and "&lt;" not in stdout
    assert "**Plan A&amp;B &lt;b&gt;en&lt;/b&gt; Mont\\_video**" in piped.stdout
