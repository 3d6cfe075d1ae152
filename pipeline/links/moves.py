"""Moves without a redirect: a page that disappeared and whose content turned up at another URL
of the same site.

A link is *lost* when its latest check is not_found or soft_404, or it is failing or broken; if
it was once seen working, its last good fingerprint is looked up among the links of the same
host (scheme, ``www.`` and default port aside) whose latest check is usable. The first rule
that finds exactly one page wins:

    text_hash  the same normalised main text
    simhash    simhashes at most SIMHASH_BITS apart (a near-duplicate: a date or a menu changed)
    canonical  the page names the lost URL, or the lost page's canonical URL, as its canonical
    title      the same title, with simhashes at most TITLE_SIMHASH_BITS apart

Pages with fewer than WORD_BEARING words are never compared: near-empty pages look alike by
chance. Two candidate pages at one rule are no answer (a template, a misconfigured canonical):
a wrong move would be a false alarm, a missed one costs only the suggestion.

Lookups go through dictionaries by host and text hash, canonical URL, title, and by the four
16-bit bands of the simhash (two simhashes at most 3 bits apart share at least one band), so
10,000 links cost a few dictionary probes each, never all pairs.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from pipeline.links.classes import USABLE
from pipeline.links.fingerprint import simhash_distance, simhash_from_hex
from pipeline.links.outcomes import WORD_BEARING, apply_transition, link_status
from pipeline.links.states import LinkPolicy, moved_elsewhere
from storage.links import link_event
from storage.models import ChangeEvent, Link
from storage.runs import require_aware

__all__ = ["SIMHASH_BITS", "TITLE_SIMHASH_BITS", "find_moves"]

SIMHASH_BITS = 3
TITLE_SIMHASH_BITS = 10
# Latest classes that say the page is gone from its URL (other failures need the failing state).
LOST_CLASSES = ("not_found", "soft_404")
LOST_STATES = ("failing", "broken")
_BANDS = 4
_BAND_BITS = 64 // _BANDS
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class _Page:
    """A working page of a monitored link: where it is and its last good fingerprint."""

    url: str  # where the content is now (a permanent redirect's target for a moved link)
    host: str
    text_hash: str
    simhash: int
    title: str | None
    canonical: str | None  # url_key of its canonical URL


def find_moves(session: Session, now: datetime, policy: LinkPolicy) -> list[ChangeEvent]:
    """Mark lost links whose content is found at another URL of their site `moved`, with that
    URL as the suggestion; return the `link_moved` events added (once per move). The caller
    commits."""
    require_aware(now)
    lost = list(
        session.scalars(
            select(Link)
            .where(
                Link.good_text_hash.is_not(None),
                Link.good_words >= WORD_BEARING,
                or_(Link.last_class.in_(LOST_CLASSES), Link.state.in_(LOST_STATES)),
            )
            .order_by(Link.id)
        )
    )
    if not lost:
        return []
    index = _PageIndex(_working_pages(session))
    events = []
    for link in lost:
        found = index.match(_lost_page(link), link.url)
        if found is None:
            continue
        page, evidence = found
        before = link_status(link)
        result = moved_elsewhere(before, page.url, now, policy)
        if not result.events:
            continue
        apply_transition(link, result)
        events.append(
            link_event(
                link,
                "link_moved",
                now,
                state=link.state,
                previous_state=before.state,
                evidence=evidence,
            )
        )
    session.add_all(events)
    session.flush()
    return events


def _working_pages(session: Session) -> Iterable[_Page]:
    query = select(
        Link.url,
        Link.last_class,
        Link.suggested_url,
        Link.final_url,
        Link.good_text_hash,
        Link.good_simhash,
        Link.good_title,
        Link.good_canonical_url,
    ).where(
        Link.good_text_hash.is_not(None),
        Link.good_simhash.is_not(None),
        Link.good_words >= WORD_BEARING,
        Link.last_class.in_(USABLE),
    )
    for row in session.execute(query):
        url = row.url
        if row.last_class == "moved":
            url = row.suggested_url or row.final_url or url
        yield _Page(
            url=url,
            host=_host_key(url),
            text_hash=row.good_text_hash,
            simhash=simhash_from_hex(row.good_simhash),
            title=_title_key(row.good_title),
            canonical=_url_key(row.good_canonical_url),
        )


def _lost_page(link: Link) -> _Page:
    assert link.good_text_hash is not None and link.good_simhash is not None
    return _Page(
        url=link.url,
        host=_host_key(link.url),
        text_hash=link.good_text_hash,
        simhash=simhash_from_hex(link.good_simhash),
        title=_title_key(link.good_title),
        canonical=_url_key(link.good_canonical_url),
    )


class _PageIndex:
    """Working pages by host and by each thing a move is recognised by."""

    def __init__(self, pages: Iterable[_Page]) -> None:
        self.by_hash: dict[tuple[str, str], list[_Page]] = defaultdict(list)
        self.by_band: dict[tuple[str, int, int], list[_Page]] = defaultdict(list)
        self.by_canonical: dict[tuple[str, str], list[_Page]] = defaultdict(list)
        self.by_url: dict[tuple[str, str], list[_Page]] = defaultdict(list)
        self.by_title: dict[tuple[str, str], list[_Page]] = defaultdict(list)
        for page in pages:
            self.by_hash[page.host, page.text_hash].append(page)
            for band in _bands(page.simhash):
                self.by_band[(page.host, *band)].append(page)
            if page.canonical is not None:
                self.by_canonical[page.host, page.canonical].append(page)
            url_key = _url_key(page.url)
            if url_key is not None:
                self.by_url[page.host, url_key].append(page)
            if page.title is not None:
                self.by_title[page.host, page.title].append(page)

    def match(self, lost: _Page, lost_url: str) -> tuple[_Page, dict[str, Any]] | None:
        """The one working page holding `lost`'s content, with the evidence, or None."""
        own = _url_key(lost_url)
        host = lost.host
        title = self.by_title.get((host, lost.title), []) if lost.title is not None else []
        rules: list[tuple[str, list[_Page], int | None]] = [
            ("text_hash", self.by_hash.get((host, lost.text_hash), []), None),
            ("simhash", self._near(lost), SIMHASH_BITS),
            ("canonical", self._canonical(lost, own), None),
            ("title", title, TITLE_SIMHASH_BITS),
        ]
        for by, pages, limit in rules:
            found = _one(lost, [page for page in pages if _url_key(page.url) != own], limit)
            if found is not None:
                page, distance = found
                return page, {"by": by, "distance": distance, "new_url": page.url}
        return None

    def _near(self, lost: _Page) -> list[_Page]:
        seen: dict[str, _Page] = {}
        for band in _bands(lost.simhash):
            for page in self.by_band.get((lost.host, *band), []):
                seen.setdefault(page.url, page)
        return list(seen.values())

    def _canonical(self, lost: _Page, own: str | None) -> list[_Page]:
        """Pages naming the lost URL (or the lost page's canonical) as theirs, and the lost
        page's canonical URL itself when it is another monitored page."""
        names = {name for name in (own, lost.canonical) if name is not None and not _root(name)}
        pages = [page for name in names for page in self.by_canonical.get((lost.host, name), [])]
        if lost.canonical is not None and lost.canonical != own and not _root(lost.canonical):
            pages.extend(self.by_url.get((lost.host, lost.canonical), []))
        return pages


def _one(lost: _Page, pages: list[_Page], limit: int | None) -> tuple[_Page, int] | None:
    """The closest page within `limit` bits if it is the only one at that distance."""
    by_url: dict[str, tuple[_Page, int]] = {}
    for page in pages:
        distance = simhash_distance(lost.simhash, page.simhash)
        if limit is None or distance <= limit:
            by_url.setdefault(_url_key(page.url) or page.url, (page, distance))
    if not by_url:
        return None
    closest = min(distance for _page, distance in by_url.values())
    nearest = [found for found in by_url.values() if found[1] == closest]
    return nearest[0] if len(nearest) == 1 else None


def _bands(simhash: int) -> list[tuple[int, int]]:
    mask = (1 << _BAND_BITS) - 1
    return [(band, (simhash >> (band * _BAND_BITS)) & mask) for band in range(_BANDS)]


def _host_key(url: str) -> str:
    """The site of a URL whatever its scheme: `http://www.x.org/` and `https://x.org:443/`
    are one site; an explicit other port is another."""
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    try:
        port = parts.port
    except ValueError:
        port = None
    return host if port in (None, 80, 443) else f"{host}:{port}"


def _url_key(url: str | None) -> str | None:
    """A URL compared without scheme, ``www.``, fragment or trailing slash."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    key = _host_key(url) + (parts.path.rstrip("/") or "/")
    return f"{key}?{parts.query}" if parts.query else key


def _root(url_key: str) -> bool:
    """A site's home page: a canonical URL pointing there says nothing of one page."""
    return url_key.partition("/")[2] == ""


def _title_key(title: str | None) -> str | None:
    if not title:
        return None
    return _SPACES.sub(" ", title).strip().casefold() or None
