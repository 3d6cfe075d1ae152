"""A list of URLs a user hands to `citywatch check-links FILE`: one URL a line.

The file is read whole before anything is stored, and every bad line is found, not only the
first: the user fixes the file once, and a bad line never reaches the link store. A bad line
is quoted (shortened) only if it looks like a URL (it has ``://``): a file given by mistake
is not echoed to the terminal.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO

from pipeline.urls import MAX_URL_LENGTH, link_url, quoted_url, url_problem

__all__ = ["MAX_LINE_BYTES", "UrlList", "read_url_list"]

# A line is read at most this far: a file of one endless line must not fill the memory. Longer
# than any URL citywatch accepts (MAX_URL_LENGTH), so an over-long URL is still named as such.
MAX_LINE_BYTES = 64 * 1024
_BOM = b"\xef\xbb\xbf"


@dataclass(slots=True)
class UrlList:
    """The URLs of a file, each once in the link store's spelling, in file order; and one
    message per bad line (``FILE:LINE: what is wrong``)."""

    urls: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def read_url_list(stream: IO[bytes], name: str) -> UrlList:
    """Read URLs one per line (UTF-8; blank lines and ``#`` comments skipped)."""
    found = UrlList()
    urls: dict[str, None] = {}  # insertion-ordered set
    for number, raw in enumerate(_lines(stream), start=1):
        if raw is None:
            found.problems.append(
                f"{name}:{number}: line longer than {MAX_LINE_BYTES:,} bytes (a URL may have "
                f"{MAX_URL_LENGTH:,} characters)"
            )
            continue
        if number == 1:
            raw = raw.removeprefix(_BOM)
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            found.problems.append(
                f"{name}:{number}: not UTF-8 text (byte 0x{raw[error.start]:02x} at column "
                f"{error.start + 1})"
            )
            continue
        url = line.strip()
        if not url or url.startswith("#"):
            continue
        if "://" not in url:
            # Not even an attempt at a URL: a file given by mistake (/etc/shadow, a key), whose
            # lines must not reach the terminal or a log.
            found.problems.append(f"{name}:{number}: not a URL (not shown)")
            continue
        problem = url_problem(url)
        if problem:
            found.problems.append(f"{name}:{number}: {quoted_url(url)}: {problem}")
            continue
        urls.setdefault(link_url(url))
    found.urls = list(urls)
    return found


def _lines(stream: IO[bytes]) -> Iterator[bytes | None]:
    """The lines of ``stream``; None for a line longer than MAX_LINE_BYTES (the rest of it is
    read and dropped in bounded pieces)."""
    while line := stream.readline(MAX_LINE_BYTES + 1):
        if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):
                line = stream.readline(MAX_LINE_BYTES)
            yield None
        else:
            yield line
