"""What the commands show on stdout: tables and Markdown, for a terminal or for a pipe.

A terminal gets a table when the whole table fits its width; otherwise one block per row (the
first column, then one ``name  value`` line per other column), so that no value, a URL least of
all, is ever cut short or folded into a narrow column. Piped, a table is printed at its full
width (or, for listings meant for scripts, as tab-separated rows, like ``gh``), and Markdown
is printed as Markdown; a terminal gets the Markdown rendered, its escapes (``&amp;``, ``\\_``)
resolved.

Every value is shown as text, never as Rich markup, with its control characters made visible:
scraped text must not drive the terminal.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from rich.console import Console
from rich.markdown import Markdown
from rich.measure import Measurement
from rich.table import Column, Table
from rich.text import Text

__all__ = ["counted", "printable", "show_markdown", "show_rows", "stdout_console"]

# Wide enough for any table to be measured at its natural width.
_UNBOUNDED = 1_000_000
_INVISIBLE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def stdout_console() -> Console:
    """The console of stdout: plain text in, no markup, emoji codes or highlighting."""
    return Console(highlight=False, markup=False, emoji=False)


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """``1 link``, ``2 links``: a count with its noun in the right number."""
    return f"{count:,} {singular if count == 1 else plural or singular + 's'}"


def printable(value: object, *, keep_newlines: bool = False) -> str:
    """``value`` as text a terminal shows as it is: control and invisible formatting characters
    (ESC, NUL, bidi overrides...) written as escapes such as ``\\x1b``."""
    text = "" if value is None else str(value)
    return "".join(
        _escape(character, keep_newlines)
        if _INVISIBLE.match(character) or unicodedata.category(character) == "Cf"
        else character
        for character in text
    )


def _escape(character: str, keep_newlines: bool) -> str:
    if keep_newlines and character == "\n":
        return character
    escaped = repr(character)[1:-1]
    return escaped if escaped != character else f"\\u{ord(character):04x}"


def show_rows(
    console: Console,
    columns: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    heading: str | None = None,
    tab_separated_when_piped: bool = False,
) -> None:
    """Rows of values under `columns`: a table, one block per row, or tab-separated lines (see
    the module's docstring); `heading` (e.g. ``3 links``) is a line of its own above."""
    cells = [[printable(value) for value in row] for row in rows]
    if not console.is_terminal and tab_separated_when_piped:
        console.file.write("".join("\t".join(row) + "\n" for row in cells))
        return
    table = Table(*(Column(name, overflow="fold") for name in columns))
    for row in cells:
        table.add_row(*(Text(cell) for cell in row))
    wide = console.options.update_width(_UNBOUNDED)
    natural = Measurement.get(console, wide, table).maximum
    if heading:
        console.print(Text(heading), soft_wrap=True)
    if not console.is_terminal:  # a log or a mail: the whole table, however wide
        Console(file=console.file, width=natural, highlight=False, color_system=None).print(table)
    elif natural <= console.width:
        console.print(table)
    else:
        if heading and cells:
            console.out("")
        _show_blocks(console, columns, cells)


def _show_blocks(console: Console, columns: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """One block per row: its first value, then the others that are not empty, one a line."""
    label_width = max((len(name) for name in columns[1:]), default=0)
    for number, row in enumerate(rows):
        lines = [row[0]] if row else []
        lines += [
            f"  {name.ljust(label_width)}  {value}"
            for name, value in zip(columns[1:], row[1:], strict=True)
            if value
        ]
        if number:
            console.out("")
        for line in lines:
            console.print(Text(line), soft_wrap=True)


def show_markdown(console: Console, markdown: str) -> None:
    """Markdown as it is when piped; rendered for a terminal."""
    if console.is_terminal:
        console.print(Markdown(printable(markdown, keep_newlines=True)))
    else:
        console.file.write(markdown)
