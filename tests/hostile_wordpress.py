"""WordPress sites that serve what a test hands them, for the Mercociudades spider to crawl.

The replicas are well-behaved sites; these are not. `HostileWordPress` serves its posts as raw
JSON, so a test can hand it a post whose id is not a number or whose title is a list; it
announces the page count a test chooses (``X-WP-TotalPages: 999999``), answers pages past its
end as told, and with ``endless=True`` makes up a full page of new posts for every page number
asked. Text may carry control characters: every page is served as given. `EndlessArchive` is a
site without the REST API whose HTML archive never ends: every page lists ten new posts and
links the next page.

Plug them into `pipeline.replicas.server.ReplicaServer` (each is a `Site`); the section's start
URL is ``server.base_url + SECTION``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from html import escape
from typing import Any
from urllib.parse import parse_qs, urlsplit

from pipeline.replicas.server import Response

__all__ = ["SECTION", "EndlessArchive", "HostileWordPress", "post_json"]

SECTION = "/covid-19/"
CATEGORY_ID = 47
PER_PAGE = 100  # what the spider asks for
HTML = "text/html; charset=UTF-8"
JSON = "application/json; charset=UTF-8"


def post_json(post_id: int, title: str, content: str, base: str = "") -> dict[str, Any]:
    """A valid REST post object, terms embedded (so that no term request is needed)."""
    return {
        "id": post_id,
        "date": "2020-04-15T10:30:00",
        "modified": "2020-04-15T10:30:00",
        "modified_gmt": "2020-04-15T13:30:00",
        "link": f"{base}/p/{post_id}/",
        "title": {"rendered": title},
        "excerpt": {"rendered": f"<p>{title}</p>"},
        "content": {"rendered": content},
        "categories": [CATEGORY_ID],
        "tags": [],
        "_embedded": {
            "wp:term": [[{"taxonomy": "category", "id": CATEGORY_ID, "name": "COVID-19"}], []]
        },
    }


@dataclass
class HostileWordPress:
    """``posts``: the category's posts as JSON objects, newest first; ``link`` values starting
    with ``/`` are made absolute with the host asked. ``announced_pages``: the X-WP-TotalPages
    sent (None: the true count). ``past_end``: what a page past the last answers, ``400`` as
    WordPress does, ``"empty"`` (``[]``) or ``"clamp"`` (the last page again, as some caches
    and other APIs do). ``pages``: extra HTML pages by path."""

    posts: list[dict[str, Any]] = field(default_factory=list)
    announced_pages: int | None = None
    past_end: int | str = 400
    endless: bool = False
    pages: dict[str, str] = field(default_factory=dict)

    def handle(self, method: str, target: str, headers: Mapping[str, str], state: int) -> Response:
        base = "http://" + headers.get("host", "127.0.0.1")
        split = urlsplit(target)
        if split.path == SECTION:
            return _html(_landing(base))
        if split.path == "/wp-json/wp/v2/posts":
            page = int(parse_qs(split.query).get("page", ["1"])[0])
            return self.post_page(base, page)
        if split.path in self.pages:
            return _html(self.pages[split.path])
        if split.path.startswith("/p/"):
            post_id = split.path.strip("/").split("/")[-1]
            return _html(f"<html><head><title>Post {escape(post_id)}</title></head><body>"
                         f"<p>Post {escape(post_id)}</p></body></html>")  # fmt: skip
        return Response(404, [("Content-Type", HTML)], b"<html><body>Not found</body></html>")

    def post_page(self, base: str, page: int) -> Response:
        if self.endless:
            numbers = range(page * PER_PAGE, (page + 1) * PER_PAGE)
            shown = [post_json(n, f"Post {n}", f"<p>Texto {n}.</p>", base) for n in numbers]
            return self.answer(shown, 10**6, 10**4)
        total = len(self.posts)
        pages = max(1, -(-total // PER_PAGE))
        if page > pages and self.past_end == "clamp":
            page = pages
        if page > pages:
            if self.past_end == "empty":
                return self.answer([], total, pages)
            body = {
                "code": "rest_post_invalid_page_number",
                "message": "The page number requested is larger than the number of pages.",
                "data": {"status": 400},
            }
            return Response(400, [("Content-Type", JSON)], json.dumps(body).encode())
        shown = [_absolute(post, base) for post in self.posts[(page - 1) * PER_PAGE :][:PER_PAGE]]
        return self.answer(shown, total, pages)

    def answer(self, posts: list[Any], total: int, pages: int) -> Response:
        announced = self.announced_pages if self.announced_pages is not None else pages
        headers = [
            ("Content-Type", JSON),
            ("X-WP-Total", str(total if self.announced_pages is None else announced * PER_PAGE)),
            ("X-WP-TotalPages", str(announced)),
        ]
        return Response(200, headers, json.dumps(posts).encode())


class EndlessArchive:
    """An archive (``SECTION``, ``SECTION + "page/N/"``) with ten new posts on every page and a
    link to the next page, whatever N; each post's page (``/p/ID/``) answers."""

    def handle(self, method: str, target: str, headers: Mapping[str, str], state: int) -> Response:
        path = urlsplit(target).path
        if path == SECTION or path.startswith(SECTION + "page/"):
            number = path.removeprefix(SECTION + "page/").strip("/")
            return _html(_archive_page(int(number) if number.isdigit() else 1))
        if path.startswith("/p/") and path.strip("/").split("/")[-1].isdigit():
            return _html(_post_page(int(path.strip("/").split("/")[-1])))
        return Response(404, [("Content-Type", HTML)], b"<html><body>Not found</body></html>")


def _archive_page(number: int) -> str:
    entries = "".join(
        f'<article class="post type-post"><h2 class="entry-title">'
        f'<a href="/p/{post_id}/">Plan {post_id}</a></h2></article>'
        for post_id in range(number * 10, number * 10 + 10)
    )
    return f"""<!DOCTYPE html>
<html lang="es"><head><title>COVID-19 - Página {number}</title>
<link rel="next" href="{SECTION}page/{number + 1}/"></head>
<body class="archive category"><h1 class="page-title">COVID-19</h1>{entries}</body></html>"""


def _post_page(post_id: int) -> str:
    return f"""<!DOCTYPE html>
<html lang="es"><head><title>Plan {post_id}</title></head><body class="single postid-{post_id}">
<article class="post type-post"><h1 class="entry-title">Plan {post_id}</h1>
<time class="entry-date published" datetime="2020-04-15T10:30:00-03:00">15/04/2020</time>
<div class="entry-content"><p>Texto del plan {post_id} de la ciudad.</p></div></article>
</body></html>"""


def _absolute(post: Any, base: str) -> Any:
    if isinstance(post, dict) and isinstance(post.get("link"), str) and post["link"][:1] == "/":
        return {**post, "link": base + post["link"]}
    return post


def _landing(base: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="es"><head><title>COVID-19 - Hostil</title>
<meta property="og:title" content="COVID-19">
<link rel="https://api.w.org/" href="{base}/wp-json/">
<link rel="alternate" type="application/json" href="{base}/wp-json/wp/v2/categories/{CATEGORY_ID}">
</head><body class="archive category"><h1 class="page-title">COVID-19</h1>
<div class="taxonomy-description"><p>Mensajes a las ciudades.</p></div></body></html>"""


def _html(page: str) -> Response:
    return Response(200, [("Content-Type", HTML)], page.encode("utf-8"))
