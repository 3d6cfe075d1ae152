"""Pages of a numbered listing, all at once, from the links its pager shows.

Walking ``next`` links costs one round trip per listing page, one after the other: on a recrawl
that skips unchanged detail pages, that walk is the whole critical path. A pager that links the
last page (Drupal Views' full pager, WordPress's ``paginate_links``) says how many pages there
are; when its links and the next link differ only by the page number, every page in between can
be requested at once. Scrapy's duplicate filter drops the ``next`` requests that follow.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urljoin

__all__ = ["MAX_PAGES_AHEAD", "pages_ahead"]

MAX_PAGES_AHEAD = 1000  # a pager claiming more is not believed
_NUMBER = re.compile(r"\d+")


def pages_ahead(base_url: str, next_href: str, page_hrefs: Iterable[str]) -> list[str]:
    """URLs of the pages after ``next_href`` up to the highest one the pager links to, when
    they differ from the next page's URL only by its page number; else none."""
    next_url = urljoin(base_url, next_href)
    links = {urljoin(base_url, href) for href in page_hrefs}
    for match in reversed(list(_NUMBER.finditer(next_url))):
        head, tail = next_url[: match.start()], next_url[match.end() :]
        numbers = [
            int(link[len(head) : len(link) - len(tail)])
            for link in links
            if link.startswith(head)
            and link.endswith(tail)
            and link[len(head) : len(link) - len(tail)].isdigit()
        ]
        if not numbers:
            continue
        first, last = int(match.group()) + 1, max(numbers)
        if last - first >= MAX_PAGES_AHEAD:
            return []
        return [f"{head}{number}{tail}" for number in range(first, last + 1)]
    return []
