"""Listing pages asked a window ahead of the page being read, and walks that end when their pages
stop bringing anything new.

Walking ``next`` links costs one round trip per listing page, one after the other: on a recrawl
that skips unchanged detail pages, that walk is the whole critical path. A pager that links the
last page (Drupal Views' full pager, WordPress's ``paginate_links``), or an API that sends its
page count (``X-WP-TotalPages``), says how many pages there are; when its links and the next
link differ only by the page number, the pages after the next one can be asked for at once.
Never all of them: what a site announces is not believed, so `LISTING_WINDOW` pages at most are
in flight beyond the one read, each page read lets one more go, and a walk ends as soon as a page
is empty, short, past the end, or lists only entries the walk has already seen (a pager that
loops). Memory stays flat and a stop signal is obeyed at once, whatever the site claims.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urljoin

__all__ = ["LISTING_WINDOW", "Ahead", "NumberedWalk", "pages_ahead"]

# Listing pages in flight ahead of the one read: enough to keep a host's connections busy (the
# per-host concurrency is 2 by default, 16 in the benchmark), few enough that a site lying
# about its page count costs little.
LISTING_WINDOW = 16
_NUMBER = re.compile(r"\d+")


@dataclass(frozen=True, slots=True)
class Ahead:
    """What a pager shows: the pages to ask for after the next one, and the highest page
    number it links (what it announces), when its links are numbered like the next one."""

    urls: list[str]
    last_page: int | None


def pages_ahead(
    base_url: str, next_href: str, page_hrefs: Iterable[str], window: int = LISTING_WINDOW
) -> Ahead:
    """The pages after ``next_href``, up to ``window`` of them and to the highest one the pager
    links, when they differ from the next page's URL only by the page number; else none."""
    next_url = urljoin(base_url, next_href)
    links = {urljoin(base_url, href) for href in page_hrefs}
    for match in reversed(list(_NUMBER.finditer(next_url))):
        head, tail = next_url[: match.start()], next_url[match.end() :]
        numbers = [
            _page_number(link[len(head) : len(link) - len(tail)])
            for link in links
            if link.startswith(head)
            and link.endswith(tail)
            and _is_number(link[len(head) : len(link) - len(tail)])
        ]
        if not numbers:
            continue
        first, last = _page_number(match.group()) + 1, max(numbers)
        upto = min(last, first + window - 2)
        return Ahead([f"{head}{number}{tail}" for number in range(first, upto + 1)], last)
    return Ahead([], None)


def _is_number(text: str) -> bool:
    """ASCII digits only: str.isdigit() also takes "²", which int() refuses."""
    return text.isascii() and text.isdigit()


def _page_number(digits: str) -> int:
    """A page number as linked; one of more than 9 digits (int() refuses thousands) is taken
    as 10**9, above any bound."""
    return int(digits) if len(digits) <= 9 else 10**9


@dataclass
class NumberedWalk:
    """A numbered listing (``page=2``, ``page=3``...) read a window ahead of the page read.

    ``last``: the last page to ask for (a page count believed), None to go on until the pages
    say the listing ended; ``window``: pages in flight at most. The caller asks for the pages
    `start` and then `page_read` return.

    A count believed is still verified: when every page it announced came back full, the page
    after is asked too (a truthful site answers it empty or past the end), and a page past the
    count that lists new entries sets ``count_low``; the walk then goes on one page at a time.
    """

    last: int | None
    window: int = LISTING_WINDOW
    next_page: int = 2
    ended: bool = False
    looped: bool = False
    count_low: bool = False
    pages_read: int = 0
    seen: set[Hashable] = field(default_factory=set)
    announced: int | None = field(init=False)

    def __post_init__(self) -> None:
        self.announced = self.last

    def start(self, first_entries: Iterable[Hashable], full: bool) -> list[int]:
        """The pages to ask for once page 1 was read."""
        if not self.read(first_entries, full):
            return []
        pages = [page for _ in range(self.window) if (page := self.take()) is not None]
        return pages or self._past_the_count()

    def page_read(self, entries: Iterable[Hashable], full: bool) -> list[int]:
        """The page to ask for now that one more was read; none once the walk ended."""
        if not self.read(entries, full):
            return []
        page = self.take()
        return [page] if page is not None else self._past_the_count()

    def _past_the_count(self) -> list[int]:
        """Every page the count announced was read and came back full: ask the next one, and
        from there on one page at a time, until the pages say the listing ended."""
        if self.last is None or self.pages_read < self.last:
            return []  # not believed, or pages still in flight
        self.last, self.window = None, 1
        page = self.take()
        return [] if page is None else [page]

    def end(self) -> None:
        """A page answered that there is no such page (WordPress's 400 past the end)."""
        self.ended = True

    def read(self, entries: Iterable[Hashable], full: bool) -> bool:
        """Count a page read; False once the walk ended: an empty or short page is the last,
        one whose entries were all seen before shows the pager loops."""
        self.pages_read += 1
        new = set(entries)
        past_the_count = self.announced is not None and self.pages_read > self.announced
        if past_the_count and new - self.seen:
            self.count_low = True
        if not new or not full:
            self.ended = True
        elif new <= self.seen:
            # Past a count that held, an API that clamps the page number answers its last page
            # again: that is the end, not a loop.
            self.ended = True
            self.looped = not (past_the_count and not self.count_low)
        self.seen |= new
        return not self.ended

    def take(self) -> int | None:
        if self.ended or (self.last is not None and self.next_page > self.last):
            return None
        self.next_page += 1
        return self.next_page - 1
