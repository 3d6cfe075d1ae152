"""The content of a replica WordPress site: posts, terms, and one snapshot of them per state.

A `Post` is the ground truth a spider's output is compared with. Its listing metadata (id, slug,
dates, terms, PDFs) is built up front; its body (paragraphs, links, excerpt) only when first read,
so a site of thousands of posts starts at once and renders only what is requested.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Literal

from pipeline.replicas.wordpress.formatting import display_text

__all__ = [
    "Author",
    "Block",
    "Blog",
    "Body",
    "Language",
    "OutboundLink",
    "Page",
    "PdfResource",
    "Post",
    "Run",
    "Snapshot",
    "Term",
]


@dataclass(frozen=True)
class Language:
    """A Polylang language: ``slug`` is what the REST API's ``lang`` says, ``prefix`` the URL's."""

    slug: str  # "es"
    locale: str  # "es_ES"
    html_lang: str  # "es-ES"
    hreflang: str  # "es"
    prefix: str  # "" for the default language, else "/pt-br"
    name: str  # "Español"


@dataclass(frozen=True)
class Blog:
    name: str
    description: str
    languages: tuple[Language, ...]
    timezone: str = "America/Montevideo"
    gmt_offset: int = -3
    version: str = "6.4.3"

    def language(self, slug: str) -> Language:
        return next(language for language in self.languages if language.slug == slug)

    @property
    def default_language(self) -> Language:
        return self.languages[0]


@dataclass(frozen=True)
class Author:
    id: int
    name: str
    slug: str


@dataclass(frozen=True)
class PdfResource:
    # "/wp-content/uploads/2020/04/Protocolo-de-atencion.pdf", or the absolute URL of a document
    # hosted elsewhere (a university repository...), which the site links to but does not serve
    path: str
    title: str


@dataclass(frozen=True)
class OutboundLink:
    url: str
    title: str  # the anchor text, as displayed


@dataclass(frozen=True)
class Run:
    """A stretch of a paragraph, typed text; ``href`` is absolute or a site path ("/wp-...")."""

    text: str
    href: str | None = None
    strong: bool = False


@dataclass(frozen=True)
class Block:
    """One block of post content. ``raw`` holds hostile markup that a cleaner must drop."""

    kind: Literal["p", "ul", "video", "raw"]
    runs: tuple[Run, ...] = ()
    items: tuple[str, ...] = ()
    video_id: str = ""
    video_title: str = ""
    raw_html: str = ""

    @property
    def text(self) -> str:
        return "".join(display_text(run.text) for run in self.runs)


@dataclass(frozen=True)
class Term:
    """A category or tag; terms of one ``group`` are Polylang translations of each other."""

    id: int
    taxonomy: Literal["category", "post_tag"]
    name: str
    slug: str
    lang: str
    path: str  # "/covid-19/", "/pt-br/tag/montevideo-pt/"
    group: str
    # HTML as stored, rendered with the site's address
    description: tuple[Block, ...] = field(default=(), repr=False)


@dataclass(frozen=True)
class Body:
    blocks: tuple[Block, ...]
    excerpt: str | None  # the manual excerpt as typed; None lets WordPress cut one from content


def _no_body() -> Body:
    return Body((), None)


@dataclass(frozen=True)
class Post:
    """A published post as a reader sees it. Texts are plain (entities decoded, typographic)."""

    id: int
    lang: str
    slug: str
    path: str  # "/slug/" or "/pt-br/slug/"
    title: str
    raw_title: str  # as typed in the editor: what Yoast's <title> and JSON-LD carry
    date: datetime  # -03:00
    modified: datetime
    category_terms: tuple[Term, ...]  # in WordPress's order (by name)
    tag_terms: tuple[Term, ...]
    city: str | None
    country: str | None  # ISO 3166-1 alpha-2
    pdfs: tuple[PdfResource, ...]
    author: Author
    translation: Post | None = None  # on a Spanish post: its Portuguese translation
    translation_of: int | None = None  # on a translation: the id of the original
    make_body: Callable[[], Body] = field(default=_no_body, compare=False, repr=False)

    @cached_property
    def body(self) -> Body:
        return self.make_body()

    def url(self, base_url: str) -> str:
        """The permalink on a server: ``post.url(server.base_url)``."""
        return base_url + self.path

    @property
    def categories(self) -> tuple[str, ...]:
        return tuple(term.name for term in self.category_terms)

    @property
    def tags(self) -> tuple[str, ...]:
        return tuple(term.name for term in self.tag_terms)

    @property
    def excerpt(self) -> str | None:
        return None if self.body.excerpt is None else display_text(self.body.excerpt)

    @property
    def paragraphs(self) -> tuple[str, ...]:
        return tuple(block.text for block in self.body.blocks if block.kind == "p")

    @property
    def list_items(self) -> tuple[str, ...]:
        blocks = (block for block in self.body.blocks if block.kind == "ul")
        return tuple(display_text(item) for block in blocks for item in block.items)

    @property
    def text(self) -> str:
        """Paragraphs and list items in document order, one per line."""
        lines: list[str] = []
        for block in self.body.blocks:
            if block.kind == "p":
                lines.append(block.text)
            elif block.kind == "ul":
                lines.extend(display_text(item) for item in block.items)
        return "\n".join(lines)

    @property
    def links(self) -> tuple[OutboundLink, ...]:
        """Outbound links in the content (PDFs and the video embed are not among them)."""
        runs = (run for block in self.body.blocks for run in block.runs)
        documents = {pdf.path for pdf in self.pdfs}
        return tuple(
            OutboundLink(run.href, display_text(run.text))
            for run in runs
            if run.href is not None
            and run.href.startswith(("http://", "https://"))
            and run.href not in documents
        )

    @property
    def video_id(self) -> str | None:
        ids = [block.video_id for block in self.body.blocks if block.kind == "video"]
        return ids[0] if ids else None

    @property
    def hostile_markup(self) -> tuple[str, ...]:
        return tuple(block.raw_html for block in self.body.blocks if block.kind == "raw")


@dataclass(frozen=True)
class Page:
    """A published WordPress page (post type ``page``): a fixed text, in no listing."""

    id: int
    lang: str
    slug: str
    path: str  # "/covid-19/"
    title: str  # as typed
    date: datetime
    modified: datetime
    author: Author
    blocks: tuple[Block, ...] = field(default=(), repr=False)

    @property
    def paragraphs(self) -> tuple[str, ...]:
        return tuple(block.text for block in self.blocks if block.kind == "p")


class Snapshot:
    """Every published post and term of a site in one state, indexed the ways WordPress queries."""

    def __init__(
        self,
        state: int,
        posts: Iterable[Post],
        terms: Sequence[Term],
        pages: Sequence[Page] = (),
    ) -> None:
        self.state = state
        self.pages = list(pages)
        self.page_by_id = {page.id: page for page in self.pages}
        self.page_by_path = {page.path: page for page in self.pages}
        newest_first = sorted(posts, key=lambda post: (post.date, post.id), reverse=True)
        self.posts = newest_first
        self.by_id = {post.id: post for post in newest_first}
        self.by_path = {post.path: post for post in newest_first}
        self.terms = list(terms)
        self.term_by_id = {term.id: term for term in self.terms}
        self._term_posts: dict[int, list[Post]] = {term.id: [] for term in self.terms}
        self._lang_posts: dict[str, list[Post]] = {}
        for post in newest_first:
            self._lang_posts.setdefault(post.lang, []).append(post)
            for term in post.category_terms + post.tag_terms:
                self._term_posts[term.id].append(post)
        self.last_modified = max(post.modified for post in newest_first)

    def listing(self, lang: str, term: Term | None = None) -> list[Post]:
        """Posts newest first, of a language or of a term."""
        if term is not None:
            return self._term_posts[term.id]
        return self._lang_posts.get(lang, [])

    def term(self, taxonomy: str, lang: str, slug: str) -> Term | None:
        for term in self.terms:
            if (term.taxonomy, term.lang, term.slug) == (taxonomy, lang, slug):
                return term
        return None

    def term_translations(self, term: Term) -> dict[str, int]:
        return {other.lang: other.id for other in self.terms if other.group == term.group}

    def neighbours(self, post: Post) -> tuple[Post | None, Post | None]:
        """(previous = older, next = newer) post in the same language, as WordPress links them."""
        same_lang = self._lang_posts[post.lang]
        index = self._lang_index(post)
        older = same_lang[index + 1] if index + 1 < len(same_lang) else None
        newer = same_lang[index - 1] if index > 0 else None
        return older, newer

    def _lang_index(self, post: Post) -> int:
        same_lang = self._lang_posts[post.lang]
        low, high = 0, len(same_lang)
        key = (post.date, post.id)
        while low < high:  # binary search in a newest-first list
            middle = (low + high) // 2
            if (same_lang[middle].date, same_lang[middle].id) > key:
                low = middle + 1
            else:
                high = middle
        return low

    def translations(self, post: Post) -> dict[str, Post]:
        """The post in every language it exists in (itself included), per Polylang."""
        original = self.by_id.get(post.translation_of or 0, post)
        found = {original.lang: original}
        if original.translation is not None and original.translation.id in self.by_id:
            found[original.translation.lang] = self.by_id[original.translation.id]
        found[post.lang] = post
        return found
