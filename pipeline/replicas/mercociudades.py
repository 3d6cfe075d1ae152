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
State 3 edits about 1% of the Spanish posts (`churned_ids`: title, an editor's note at the end of
the content, modified date) and nothing else. From size `shared_practices.MIN_SIZE` on, the posts
of `shared_ids` are the Mercociudades copies of practices other platforms publish too.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta, timezone
from functools import partial

from pipeline.replicas.pdf import make_pdf
from pipeline.replicas.phrases import PHRASES
from pipeline.replicas.server import Site, SiteOptions
from pipeline.replicas.shared_practices import MIN_SIZE as SHARED_MIN_SIZE
from pipeline.replicas.shared_practices import Publication, SharedPractice, publications_on
from pipeline.replicas.states import CHANGED, CHURNED, checked_state, pick_churned
from pipeline.replicas.taxonomy import COVID_ID, LANDING_PDF, site_terms
from pipeline.replicas.text import (
    NETWORK,
    Features,
    landing_blocks,
    post_body,
    post_title,
    revised_body,
)
from pipeline.replicas.vocabulary import (
    ACTIONS,
    CITIES,
    NETWORK_ACTIONS,
    Action,
    City,
)
from pipeline.replicas.wordpress.formatting import display_text, sanitize_file_name, sanitize_title
from pipeline.replicas.wordpress.model import (
    Author,
    Blog,
    Body,
    Language,
    OutboundLink,
    Page,
    PdfResource,
    Post,
    Snapshot,
    Term,
)
from pipeline.replicas.wordpress.quirks import LANDING_PAGE, QUIRKS, checked_quirks
from pipeline.replicas.wordpress.site import WordPressSite
from pipeline.replicas.wordpress.theme import UI

__all__ = ["DEFAULT_SIZE", "KEY", "QUIRKS", "MercociudadesSite", "make_site"]

KEY = "mercociudades_covid"
DEFAULT_SIZE = 60
TZ = timezone(timedelta(hours=-3))
FIRST_POST = datetime(2020, 3, 16, 9, 30, tzinfo=TZ)
LAST_POST = datetime(2022, 11, 30, 17, 0, tzinfo=TZ)
FIRST_ID = 1482
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
    revised: bool = False  # state 3's edit
    outbound: OutboundLink | None = None  # the page "more information" links to, when fixed


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
        self._terms = site_terms(self.category_base)
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
        # After state 2 is drawn, so that the copies never change what state 2 does.
        self.shared_ids: dict[str, int] = self._place_shared()
        self._churn = self._draw_churn()
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
        extra = list(self._changes[0].pdfs) if state == CHANGED else []
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

    @property
    def churned_ids(self) -> tuple[int, ...]:
        """The Spanish posts state 3 edits, by id (their translations stay as they were)."""
        return tuple(self._churn)

    def snapshot(self, state: int) -> Snapshot:
        state = checked_state(state)
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
        if found is None and state == CHANGED:
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

    def _place_shared(self) -> dict[str, int]:
        """Put the Mercociudades copies of shared practices in place of drawn posts: untranslated
        ones, dated close to the copy, that state 2 leaves alone. Their ids: by practice key."""
        if self.size < SHARED_MIN_SIZE:
            return {}
        changing = {self._changes[1].id, self._changes[2].id}
        free = [e for e in self._entries[:-5] if e.translation is None and e.id not in changing]
        by_id = {entry.id: entry for entry in self._entries}
        placed: dict[str, int] = {}
        for practice, publication in publications_on(KEY):
            when = datetime.combine(publication.published, time(10, 30), TZ)
            slot = min(free, key=lambda entry: (abs(entry.date - when), entry.id))
            free.remove(slot)
            by_id[slot.id] = self._shared_entry(slot, practice, publication, when)
            placed[practice.key] = slot.id
        self._entries = [by_id[entry.id] for entry in self._entries]
        return placed

    def _shared_entry(
        self, slot: _Entry, practice: SharedPractice, publication: Publication, when: datetime
    ) -> _Entry:
        version = publication.versions[0]
        city = next(city for city in CITIES if city.name == practice.city)
        action = Action(
            (version.title, version.title),
            (version.what, version.what),
            publication.categories,
            (publication.resource_title, publication.resource_title),
        )
        for pdf in slot.pdfs:  # the drawn post's uploads go with it
            del self._uploads[pdf.path]
        pdfs: tuple[PdfResource, ...] = ()
        if practice.document is not None:
            pdfs = (PdfResource(practice.document, publication.resource_title),)
        outbound = None
        if practice.link is not None:
            outbound = OutboundLink(practice.link, publication.resource_title)
        return replace(
            slot,
            slug=self._unique_slug(version.title),
            raw_title=version.title,
            date=when,
            modified=min(when + (slot.modified - slot.date), max(self._now, when)),
            action=action,
            city=city,
            themes=publication.categories,
            pdfs=pdfs,
            outbound=outbound,
        )

    def _draw_churn(self) -> dict[int, datetime]:
        """State 3: the Spanish posts it edits (the records: a translation belongs to its
        original; never a shared copy), each with the time of its edit, days after the baseline
        was captured. Their translations are left as they were."""
        shared = set(self.shared_ids.values())
        candidates = [entry.id for entry in self._entries if entry.id not in shared]
        chosen = pick_churned(f"mercociudades:{self.seed}:state3", candidates, self.size)
        start = self._now + timedelta(days=4)
        return {
            post_id: _office_hours(start + timedelta(hours=5 * number))
            for number, post_id in enumerate(chosen)
        }

    def _revised(self, entry: _Entry) -> _Entry:
        if entry.id not in self._churn:
            return entry
        return replace(
            entry,
            raw_title=entry.raw_title + PHRASES[entry.lang]["revised_suffix"][0],
            modified=self._churn[entry.id],
            revised=True,
        )

    def _build_snapshot(self, state: int) -> Snapshot:
        entries = list(self._entries)
        if state == CHANGED:
            added, edited, removed = self._changes
            entries = [edited if e.id == edited.id else e for e in entries if e.id != removed.id]
            entries.append(added)
        elif state == CHURNED:
            entries = [self._revised(entry) for entry in entries]
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
            outbound=entry.outbound,
        )
        if entry.revised:
            make_body = partial(_revised_body, make_body, lang)
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


def make_site(options: SiteOptions) -> Site:
    """The replica for `pipeline.replicas.server.SITES`."""
    size = DEFAULT_SIZE if options.size is None else options.size
    return MercociudadesSite(
        seed=options.seed, size=size, rest_api=options.rest_api, quirks=options.quirks
    )


def _revised_body(make_body: Callable[[], Body], lang: str) -> Body:
    return revised_body(make_body(), lang)


def _office_hours(moment: datetime) -> datetime:
    """Squeeze a time of day into 08:00-19:00, keeping the order of times within a day."""
    midnight = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    seconds = (moment - midnight).total_seconds()
    return midnight + timedelta(hours=8, seconds=int(seconds * 11 / 24))


def _later(moment: datetime, delay: timedelta) -> datetime:
    """A time ``delay`` after ``moment``, in office hours when that keeps it after ``moment``."""
    candidate = _office_hours(moment + delay)
    return candidate if candidate > moment else moment + delay
