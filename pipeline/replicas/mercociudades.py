"""Replica of mercociudades.org, the network's WordPress site, and its COVID-19 section.

Spanish at the root, Portuguese under ``/pt-br/`` (Polylang; about a quarter of the posts are
translated), Yoast SEO, a classic theme, the REST API (or not: ``rest_api=False`` answers 401 to
``/wp-json/`` as the "Disable REST API" plugins do). Everything follows from ``seed`` and
``size`` (the number of Spanish posts); post metadata is drawn up front, bodies when first read.
``quirks`` serve the same content the ways other installs would (see
`pipeline.replicas.wordpress.quirks`); with ``landing-page``, ``/covid-19/`` is a page and the
archive moves to ``/category/covid-19/`` (`archive_path`).

State 1 is the baseline. State 2 adds one post (the newest, with the highest id), edits one
(title, content and modified date) and deletes one: see `added_id`, `edited_id`, `removed_id`.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from functools import partial

from pipeline.replicas.pdf import make_pdf
from pipeline.replicas.phrases import PHRASES
from pipeline.replicas.text import NETWORK, Features, landing_blocks, post_body, post_title
from pipeline.replicas.vocabulary import (
    ACTIONS,
    CATEGORY_NAMES,
    CITIES,
    NETWORK_ACTIONS,
    Action,
    City,
)
from pipeline.replicas.wordpress.formatting import display_text, sanitize_file_name, sanitize_title
from pipeline.replicas.wordpress.model import (
    Author,
    Blog,
    Language,
    OutboundLink,
    Page,
    PdfResource,
    Post,
    Snapshot,
    Term,
)
from pipeline.replicas.wordpress.quirks import LANDING_PAGE, checked_quirks
from pipeline.replicas.wordpress.site import WordPressSite
from pipeline.replicas.wordpress.theme import UI

__all__ = ["DEFAULT_SIZE", "MercociudadesSite"]

DEFAULT_SIZE = 60
TZ = timezone(timedelta(hours=-3))
FIRST_POST = datetime(2020, 3, 16, 9, 30, tzinfo=TZ)
LAST_POST = datetime(2022, 11, 30, 17, 0, tzinfo=TZ)
FIRST_ID = 1482
COVID_ID = 47
LANDING_PAGE_ID = 1476  # the page of the landing-page quirk, made before the first post
SPANISH = Language("es", "es_ES", "es-ES", "es", "", "Español")
PORTUGUESE = Language("pt", "pt_BR", "pt-BR", "pt-br", "/pt-br", "Português")
BLOG = Blog("Mercociudades", "Red de ciudades del Mercosur", (SPANISH, PORTUGUESE))
AUTHORS = (
    Author(2, "Comunicación Mercociudades", "comunicacion"),
    Author(3, "Secretaría Técnica Permanente", "stpm"),
)
RESERVED_SLUGS = {
    "page",
    "feed",
    "tag",
    "category",
    "author",
    "pt-br",
    "wp-json",
    "wp-admin",
    "wp-content",
    "wp-includes",
    "comments",
    "search",
}
LANDING_PDF = PdfResource(
    "/wp-content/uploads/2020/03/Recomendaciones-para-gobiernos-locales-frente-al-COVID-19.pdf",
    "Recomendaciones para gobiernos locales frente al COVID-19",
)


@dataclass(frozen=True)
class _Entry:
    """A post's metadata, drawn up front; the body is written from ``(seed, id)`` when read."""

    id: int
    lang: str
    slug: str
    raw_title: str
    date: datetime
    modified: datetime
    action: Action
    city: City | None
    themes: tuple[str, ...]  # extra categories, Spanish names
    tagged: bool
    pdfs: tuple[PdfResource, ...]
    features: Features
    author: Author
    translation: _Entry | None = None
    edited: bool = False


class MercociudadesSite(WordPressSite):
    """The ``mercociudades_covid`` replica; ground truth for tests in `posts` and friends."""

    def __init__(
        self,
        seed: int = 1,
        size: int = DEFAULT_SIZE,
        rest_api: bool = True,
        quirks: Iterable[str] = frozenset(),
    ) -> None:
        if size < 3:
            raise ValueError("the replica needs at least 3 posts (one to add, edit and remove)")
        self.blog, self.seed, self.size, self.rest_api = BLOG, seed, size, rest_api
        self.quirks = checked_quirks(quirks)
        self.category_base = "/category" if LANDING_PAGE in self.quirks else ""
        self.landing_path = "/covid-19/"  # the archive, or with landing-page the page
        self.archive_path = self.category_base + "/covid-19/"  # the COVID-19 category archive
        self.landing_page_id = LANDING_PAGE_ID if LANDING_PAGE in self.quirks else None
        self.category_id = COVID_ID
        self.landing_pdf = LANDING_PDF
        landing = landing_blocks("es", LANDING_PDF)
        self.landing_paragraphs = tuple(block.text for block in landing)
        self.landing_links = tuple(
            OutboundLink(run.href, display_text(run.text))
            for block in landing
            for run in block.runs
            if run.href and run.href.startswith("http")
        )
        self._terms = _terms(self.category_base)
        self._pages: tuple[Page, ...] = ()
        if self.landing_page_id is not None:
            created = FIRST_POST - timedelta(days=3)
            self._pages = (
                Page(
                    self.landing_page_id,
                    "es",
                    "covid-19",
                    self.landing_path,
                    "COVID-19",
                    created,
                    created,
                    AUTHORS[1],
                    landing,
                ),
            )
        self._categories = {
            (term.group, term.lang): term for term in self._terms if term.taxonomy == "category"
        }
        self._tags = {
            (term.group, term.lang): term for term in self._terms if term.taxonomy == "post_tag"
        }
        self._slugs = set(RESERVED_SLUGS) | {term.slug for term in self._terms}
        self._uploads: dict[str, tuple[PdfResource, datetime, City | None]] = {
            LANDING_PDF.path: (LANDING_PDF, FIRST_POST - timedelta(days=3), None)
        }
        self._network_deck: list[Action] = []
        self._entries = self._draw(random.Random(f"mercociudades:{seed}"))
        self._changes = self._draw_changes(random.Random(f"mercociudades:{seed}:state2"))
        self._snapshots: dict[int, Snapshot] = {}
        self._lock = threading.Lock()

    # -- ground truth --------------------------------------------------------------------------

    def posts(self, state: int = 1, lang: str = "es") -> list[Post]:
        """The published posts of a language, newest first."""
        return list(self.snapshot(state).listing(lang))

    def post(self, post_id: int, state: int = 1) -> Post | None:
        return self.snapshot(state).by_id.get(post_id)

    def pdfs(self, state: int = 1) -> list[PdfResource]:
        """Every PDF served under /wp-content/uploads/ in ``state`` (the landing's included)."""
        extra = list(self._changes[0].pdfs) if state >= 2 else []
        return [resource for resource, _, _ in self._uploads.values()] + extra

    @property
    def added_id(self) -> int:
        return self._changes[0].id

    @property
    def edited_id(self) -> int:
        return self._changes[1].id

    @property
    def removed_id(self) -> int:
        return self._changes[2].id

    def snapshot(self, state: int) -> Snapshot:
        state = 2 if state >= 2 else 1
        with self._lock:
            if state not in self._snapshots:
                self._snapshots[state] = self._build_snapshot(state)
            return self._snapshots[state]

    # -- WordPressSite ---------------------------------------------------------------------------

    def menu(self, lang: Language, snapshot: Snapshot) -> tuple[tuple[str, str], ...]:
        covid = self._categories[("COVID-19", lang.slug)]
        return ((UI[lang.slug]["home"], lang.prefix + "/"), ("COVID-19", covid.path))

    def upload(self, path: str, state: int) -> tuple[bytes, datetime] | None:
        found = self._uploads.get(path)
        added = self._changes[0]
        if found is None and state >= 2:
            found = next(
                ((pdf, added.date, added.city) for pdf in added.pdfs if pdf.path == path), None
            )
        if found is None:
            return None
        resource, uploaded, city = found
        lines = [NETWORK["es"] + " - Red de ciudades del Mercosur"]
        if city is not None:
            lines.append(f"{city.name} ({city.country})")
        lines.append(f"{uploaded:%d/%m/%Y}")
        return make_pdf(resource.title, lines, author=NETWORK["es"], created=uploaded), uploaded

    # -- drawing the site ------------------------------------------------------------------------

    def _unique_slug(self, title: str) -> str:
        base = sanitize_title(title)
        slug, number = base, 2
        while slug in self._slugs:
            slug, number = f"{base}-{number}", number + 1
        self._slugs.add(slug)
        return slug

    def _pdf(self, title: str, date: datetime, city: City | None) -> PdfResource:
        folder = f"/wp-content/uploads/{date:%Y/%m}/"
        stem = sanitize_file_name(title)
        path, number = f"{folder}{stem}.pdf", 1
        while path in self._uploads:  # wp_unique_filename
            path, number = f"{folder}{stem}-{number}.pdf", number + 1
        resource = PdfResource(path, title)
        self._uploads[path] = (resource, date, city)
        return resource

    def _network_action(self, rng: random.Random) -> Action:
        """The network's own posts go through their topics in turn before any repeats."""
        if not self._network_deck:
            self._network_deck = list(NETWORK_ACTIONS)
            rng.shuffle(self._network_deck)
        return self._network_deck.pop()

    def _draw_entry(
        self, rng: random.Random, post_id: int, date: datetime, forced: dict[str, bool]
    ) -> _Entry:
        city = None if rng.random() < 0.15 else rng.choice(CITIES)
        action = rng.choice(ACTIONS) if city else self._network_action(rng)
        count = 0 if forced.get("no_themes") else rng.choices((0, 1, 2), (2, 5, 3))[0]
        themes = tuple(rng.sample(action.themes, min(count, len(action.themes))))
        documents = 0
        if forced.get("pdf") or rng.random() < 0.45:
            documents = 2 if rng.random() < 0.2 else 1
        pdfs = []
        for number in range(documents):
            title = action.document[0] + (f" - {city.name}" if city else "")
            pdfs.append(self._pdf(("Anexo - " if number else "") + title, date, city))
        features = Features(
            excerpt=forced.get("excerpt", rng.random() < 0.6),
            bullet_list=forced.get("list", rng.random() < 0.3),
            video=forced.get("video", rng.random() < 0.15),
            hostile=forced.get("hostile", rng.random() < 0.05),
            strong=rng.random() < 0.4,
            closing=rng.random() < 0.7,
        )
        raw_title = post_title(action, city, "es")
        return _Entry(
            post_id,
            "es",
            self._unique_slug(raw_title),
            raw_title,
            date,
            date,
            action,
            city,
            themes,
            city is not None and rng.random() < 0.7,
            tuple(pdfs),
            features,
            rng.choice(AUTHORS),
        )

    def _draw(self, rng: random.Random) -> list[_Entry]:
        """All Spanish posts (oldest first) with their translations, ids and dates."""
        size = self.size
        gap = (LAST_POST - FIRST_POST).total_seconds() / size
        forced: dict[int, dict[str, bool]] = {
            size - 1: {"translated": True, "excerpt": True, "modified": True},
            size - 2: {"pdf": True, "excerpt": False},
            size - 3: {"video": True, "list": True},
            size - 4: {"hostile": True, "unmodified": True},
            size - 5: {"no_themes": True},
        }
        entries, moment, next_id = [], FIRST_POST, FIRST_ID
        for index in range(size):
            if index:
                moment += timedelta(seconds=int(gap * rng.uniform(0.3, 1.7)))
            entry = self._draw_entry(rng, next_id, _office_hours(moment), forced.get(index, {}))
            next_id += 1 + len(entry.pdfs) + rng.randint(0, 3)  # attachments, revisions
            flags = forced.get(index, {})
            if flags.get("modified") or (not flags.get("unmodified") and rng.random() < 0.65):
                later = timedelta(seconds=int(rng.uniform(3600, 40 * 86400)))
                entry = replace(entry, modified=_later(entry.date, later))
            brazilian = entry.city is not None and entry.city.country == "BR"
            if flags.get("translated") or rng.random() < (0.55 if brazilian else 0.2):
                entry = replace(entry, translation=self._translate(rng, entry, next_id))
                next_id += 1
            entries.append(entry)
        self._next_id = next_id
        self._now = _office_hours(moment + timedelta(days=1))  # when state 1 was captured
        return [self._capped(entry) for entry in entries]

    def _capped(self, entry: _Entry) -> _Entry:
        """No date after the moment the baseline was captured."""
        translation = self._capped(entry.translation) if entry.translation else None
        return replace(
            entry,
            date=min(entry.date, self._now),
            modified=min(entry.modified, self._now),
            translation=translation,
        )

    def _translate(self, rng: random.Random, entry: _Entry, post_id: int) -> _Entry:
        date = _later(entry.date, timedelta(seconds=int(rng.uniform(7200, 5 * 86400))))
        title = post_title(entry.action, entry.city, "pt")
        later = timedelta(seconds=int(rng.uniform(86400, 20 * 86400)))
        modified = date if rng.random() < 0.6 else _later(date, later)
        return replace(
            entry,
            id=post_id,
            lang="pt",
            slug=self._unique_slug(title),
            raw_title=title,
            date=date,
            modified=modified,
            translation=None,
            author=AUTHORS[0],
        )

    def _draw_changes(self, rng: random.Random) -> tuple[_Entry, _Entry, _Entry]:
        """State 2: the post to add, the edited version of one post, the post to delete."""
        candidates = [e for e in self._entries[:-1] if e.translation is None]
        if len(candidates) < 2:
            candidates = self._entries[:-1]
        edited, removed = rng.sample(candidates, 2)
        when = self._now + timedelta(days=2)
        added = self._draw_entry(rng, self._next_id + 7, when, {"pdf": True})
        for pdf in added.pdfs:  # uploaded with the new post: absent from state 1
            del self._uploads[pdf.path]
        title = edited.raw_title + PHRASES["es"]["edited_suffix"][0]
        edited = replace(edited, raw_title=title, modified=when + timedelta(hours=2), edited=True)
        return added, edited, removed

    def _build_snapshot(self, state: int) -> Snapshot:
        entries = list(self._entries)
        if state >= 2:
            added, edited, removed = self._changes
            entries = [edited if e.id == edited.id else e for e in entries if e.id != removed.id]
            entries.append(added)
        posts: list[Post] = []
        for entry in entries:
            translation = None
            if entry.translation is not None:
                translation = self._post(entry.translation, original=entry.id)
            posts.append(self._post(entry, translation))
            if translation is not None:
                posts.append(translation)
        return Snapshot(state, posts, self._terms, self._pages)

    def _post(
        self, entry: _Entry, translation: Post | None = None, original: int | None = None
    ) -> Post:
        lang = entry.lang
        categories = sorted(
            (self._categories[(name, lang)] for name in ("COVID-19", *entry.themes)),
            key=lambda term: sanitize_title(term.name),
        )  # WordPress: by name
        tags: tuple[Term, ...] = ()
        if entry.tagged and entry.city is not None:
            tags = (self._tags[(f"tag:{entry.city.name}", lang)],)
        make_body = partial(
            post_body,
            f"mercociudades:{self.seed}:{entry.id}:{entry.edited}",
            lang,
            entry.action,
            entry.city,
            entry.date,
            entry.pdfs,
            entry.features,
            edited=entry.edited,
        )
        prefix = "" if lang == "es" else PORTUGUESE.prefix
        return Post(
            id=entry.id,
            lang=lang,
            slug=entry.slug,
            path=f"{prefix}/{entry.slug}/",
            title=display_text(entry.raw_title),
            raw_title=entry.raw_title,
            date=entry.date,
            modified=entry.modified,
            category_terms=tuple(categories),
            tag_terms=tags,
            city=entry.city.local_name(lang) if entry.city else None,
            country=entry.city.country if entry.city else None,
            pdfs=entry.pdfs,
            author=entry.author,
            translation=translation,
            translation_of=original,
            make_body=make_body,
        )


def _office_hours(moment: datetime) -> datetime:
    """Squeeze a time of day into 08:00-19:00, keeping the order of times within a day."""
    midnight = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    seconds = (moment - midnight).total_seconds()
    return midnight + timedelta(hours=8, seconds=int(seconds * 11 / 24))


def _later(moment: datetime, delay: timedelta) -> datetime:
    """A time ``delay`` after ``moment``, in office hours when that keeps it after ``moment``."""
    candidate = _office_hours(moment + delay)
    return candidate if candidate > moment else moment + delay


def _terms(category_base: str) -> list[Term]:
    """Categories (ids from 47 on, a Spanish and a Portuguese term per theme) and city tags.

    ``category_base`` is "" when Yoast strips it (``/covid-19/``), else "/category".
    """
    base = category_base
    terms = [
        Term(
            1, "category", "Sin categoría", "sin-categoria", "es", f"{base}/sin-categoria/", "uncat"
        ),
        Term(
            2,
            "category",
            "Sem categoria",
            "sem-categoria",
            "pt",
            f"/pt-br{base}/sem-categoria/",
            "uncat",
        ),
    ]
    for number, (spanish, portuguese) in enumerate(CATEGORY_NAMES):
        es_slug = sanitize_title(spanish)
        pt_slug = sanitize_title(portuguese)
        pt_slug = pt_slug + "-pt" if pt_slug == es_slug else pt_slug
        description = number == 0
        terms.append(
            Term(
                COVID_ID + 2 * number,
                "category",
                spanish,
                es_slug,
                "es",
                f"{base}/{es_slug}/",
                spanish,
                landing_blocks("es", LANDING_PDF) if description else (),
            )
        )
        terms.append(
            Term(
                COVID_ID + 2 * number + 1,
                "category",
                portuguese,
                pt_slug,
                "pt",
                f"/pt-br{base}/{pt_slug}/",
                spanish,
                landing_blocks("pt", LANDING_PDF) if description else (),
            )
        )
    for number, city in enumerate(CITIES):
        es_slug = sanitize_title(city.name)
        pt_slug = sanitize_title(city.name_pt)
        pt_slug = pt_slug + "-pt" if pt_slug == es_slug else pt_slug
        group = f"tag:{city.name}"
        terms.append(
            Term(200 + 2 * number, "post_tag", city.name, es_slug, "es", f"/tag/{es_slug}/", group)
        )
        terms.append(
            Term(
                201 + 2 * number,
                "post_tag",
                city.name_pt,
                pt_slug,
                "pt",
                f"/pt-br/tag/{pt_slug}/",
                group,
            )
        )
    return terms
