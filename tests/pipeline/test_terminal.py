"""Tables and Markdown for a terminal or a pipe: whole values, plain text, no escapes."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from pipeline.terminal import counted, printable, show_markdown, show_rows

COLUMNS = ("url", "class", "state")
ROWS = [
    ("https://example.org/a-rather-long-page-name", "not_found", "failing"),
    ("https://example.org/?q[b]=:warning:\x1b[2J\tx", "ok", None),
]
TABLE = (
    "2 links\n"
    "┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━┳━━━━━━━━━┓\n"
    "┃ url                                           ┃ class     ┃ state   ┃\n"
    "┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━╇━━━━━━━━━┩\n"
    "│ https://example.org/a-rather-long-page-name   │ not_found │ failing │\n"
    "│ https://example.org/?q[b]=:warning:\\x1b[2J\\tx │ ok        │         │\n"
    "└───────────────────────────────────────────────┴───────────┴─────────┘\n"
)


def shown(terminal: bool, width: int, **options: bool) -> str:
    console = Console(file=io.StringIO(), force_terminal=terminal, width=width, color_system=None)
    show_rows(console, COLUMNS, ROWS, heading="2 links", **options)
    return console.file.getvalue()  # type: ignore[attr-defined]


def test_a_table_that_fits_the_terminal_is_a_table_of_whole_values() -> None:
    assert shown(True, 71) == TABLE


def test_a_terminal_too_narrow_for_the_table_gets_one_block_per_row() -> None:
    assert shown(True, 70) == (
        "2 links\n"
        "\n"
        "https://example.org/a-rather-long-page-name\n"
        "  class  not_found\n"
        "  state  failing\n"
        "\n"
        "https://example.org/?q[b]=:warning:\\x1b[2J\\tx\n"
        "  class  ok\n"
    )


def test_piped_a_table_is_printed_whole_however_wide() -> None:
    assert shown(False, 20) == TABLE


def test_piped_a_listing_is_tab_separated_rows() -> None:
    assert shown(False, 20, tab_separated_when_piped=True) == (
        "https://example.org/a-rather-long-page-name\tnot_found\tfailing\n"
        "https://example.org/?q[b]=:warning:\\x1b[2J\\tx\tok\t\n"
    )


def test_markdown_is_rendered_for_a_terminal_and_left_as_it_is_when_piped() -> None:
    markdown = "# Report\n\nBriefing &amp; Learning \\_note\\_ `http://x.example/a_b` \x1b[2J\n"
    terminal = Console(file=io.StringIO(), force_terminal=True, width=60, color_system=None)
    pipe = Console(file=io.StringIO(), force_terminal=False, width=60)
    show_markdown(terminal, markdown)
    show_markdown(pipe, markdown)
    rendered = terminal.file.getvalue().splitlines()  # type: ignore[attr-defined]
    assert [line.rstrip() for line in rendered] == [
        " " * 27 + "Report",
        "",
        "Briefing & Learning _note_ http://x.example/a_b \\x1b[2J",
    ]
    assert pipe.file.getvalue() == markdown  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("count", "expected"), [(0, "0 links"), (1, "1 link"), (2, "2 links"), (12345, "12,345 links")]
)
def test_counted_says_link_or_links(count: int, expected: str) -> None:
    assert counted(count, "link") == expected


def test_counted_knows_irregular_plurals() -> None:
    assert counted(1, "archived copy", "archived copies") == "1 archived copy"
    assert counted(3, "archived copy", "archived copies") == "3 archived copies"


def test_printable_makes_control_and_bidi_characters_visible() -> None:
    assert printable("a\x1b[31mb\x07\x00\u202e\x9b\tc\nd") == (
        "a\\x1b[31mb\\x07\\x00\\u202e\\x9b\\tc\\nd"
    )
    assert printable("line\nnext", keep_newlines=True) == "line\nnext"
    assert printable(None) == ""
