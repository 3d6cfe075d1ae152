"""The content of the Cities for Global Health replica, drawn from a seed: the ground truth.

An initiative is one Drupal node (``nid``) in its uploader's language (English or Spanish), with
at most one translation sharing its nid. State 2 adds one node, edits one (title and description)
and deletes one; the home page counters stay true in every state. State 3 revises the description
of a few nodes (`revised_initiative`). From size `shared_practices.MIN_SIZE` on, a few nodes are
this platform's copies of practices other platforms publish too (`Drawn.shared_ids`).
"""

from __future__ import annotations

import datetime as dt
import random
import re
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from pipeline.replicas.cities_for_global_health.vocabulary import (
    ACTIONS,
    CITIES,
    MIDDLES,
    OPENINGS,
    PARTNERS,
    PHASES,
    REGIONS,
    REVISED,
    TOPICS,
    UPDATE,
    Action,
    Place,
)
from pipeline.replicas.shared_practices import MIN_SIZE as SHARED_MIN_SIZE
from pipeline.replicas.shared_practices import Publication, SharedPractice, publications_on
from pipeline.replicas.wordpress.formatting import MONTHS, remove_accents

__all__ = [
    "KEY",
    "Document",
    "Drawn",
    "ExternalLink",
    "Home",
    "Initiative",
    "Version",
    "draw_initiatives",
    "pathauto",
    "revised_initiative",
]

KEY = "cities_for_global_health"

TZ = ZoneInfo("Europe/Madrid")
FIRST_CREATED = datetime(2020, 3, 20, 10, 0, tzinfo=TZ)
LAST_CREATED = datetime(2022, 6, 30, 18, 0, tzinfo=TZ)
FIRST_NID = 112
SUMMARY_CHARS = 160
# Pathauto's default "strings to remove" from aliases.
_PATHAUTO_IGNORED = frozenset(
    ("a", "an", "as", "at", "before", "but", "by", "for", "from", "is", "in", "into", "like",
     "of", "off", "on", "onto", "per", "since", "than", "the", "this", "that", "to", "up", "via",
     "with")
)  # fmt: skip


@dataclass(frozen=True)
class Document:
    """A file of the node's Documents field, under /sites/default/files/YYYY-MM/."""

    path: str
    title: str  # the file description typed by the uploader (shown as the link text)


@dataclass(frozen=True)
class ExternalLink:
    url: str
    title: str


@dataclass(frozen=True)
class Version:
    """The node in one language: what a page at ``path`` shows."""

    language: str  # "en" or "es"
    title: str
    path: str
    city: str | None
    country_name: str
    topics: tuple[str, ...]
    phase: str
    paragraphs: tuple[str, ...]

    @property
    def summary(self) -> str:
        """The meta description: the first paragraph cut at a word, with an ellipsis."""
        first = self.paragraphs[0]
        if len(first) <= SUMMARY_CHARS:
            return first
        return first[:SUMMARY_CHARS].rsplit(" ", 1)[0].rstrip(",;:") + "…"


@dataclass(frozen=True)
class Initiative:
    """Ground truth of one record: ``versions[0]`` is the original, ``versions[1]`` any
    translation. Fields without a language (date, country, files, links) are shared."""

    nid: int
    versions: tuple[Version, ...]
    country: str  # ISO 3166-1 alpha-2
    created: datetime
    changed: datetime
    date: dt.date | None  # the initiative's date field; None on some nodes
    date_text: str | None  # legacy nodes: the date as typed (no <time>), else None
    organisations: tuple[str, ...]
    documents: tuple[Document, ...]
    links: tuple[ExternalLink, ...]
    place_key: str  # the place's English name: what the "cities" counter counts

    @property
    def original(self) -> Version:
        return self.versions[0]

    @property
    def translation(self) -> Version | None:
        return self.versions[1] if len(self.versions) > 1 else None

    @property
    def language(self) -> str:
        return self.original.language

    @property
    def title(self) -> str:
        return self.original.title

    @property
    def path(self) -> str:
        return self.original.path

    @property
    def city(self) -> str | None:
        return self.original.city

    @property
    def phase(self) -> str:
        return self.original.phase

    @property
    def published(self) -> dt.date:
        """The date field, or the upload date (``article:published_time``) where it is empty."""
        return self.date or self.created.date()

    @property
    def categories(self) -> tuple[str, ...]:
        """Labels as the spider gives them: the topics, then the phase."""
        return (*self.original.topics, self.original.phase)

    def version(self, language: str) -> Version | None:
        return next((v for v in self.versions if v.language == language), None)


@dataclass(frozen=True)
class Home:
    title: str
    initiatives: int  # "N initiatives uploaded"
    cities: int  # "M cities with initiatives"


def pathauto(title: str) -> str:
    """The alias Pathauto makes of a title: transliterated, lowercase, short words dropped."""
    words = re.sub(r"[^a-z0-9]+", " ", remove_accents(title).lower()).split()
    return "-".join(word for word in words if word not in _PATHAUTO_IGNORED)[:100].strip("-")


def date_text(day: dt.date, style: str) -> str:
    if style == "es":
        return f"{day.day} de {MONTHS['es'][day.month - 1]} de {day.year}"
    if style == "iso":
        return day.isoformat()
    return f"{day:%d/%m/%Y}"


class _Drawer:
    """Draws nodes one by one, keeping aliases and file names unique as Drupal does."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.aliases: set[str] = set()
        self.files: set[str] = set()

    def alias(self, prefix: str, title: str) -> str:
        base = f"{prefix}/initiatives/{pathauto(title)}"
        path, number = base, 0
        while path in self.aliases:  # Pathauto: "-0", "-1", ...
            path, number = f"{base}-{number}", number + 1
        self.aliases.add(path)
        return path

    def file(self, created: datetime, title: str) -> Document:
        stem = re.sub(r"[^A-Za-z0-9]+", "_", remove_accents(title)).strip("_")
        folder = f"/sites/default/files/{created:%Y-%m}/"
        path, number = f"{folder}{stem}.pdf", 0
        while path in self.files:  # FileSystem::createFilename: name_0.pdf, name_1.pdf
            path, number = f"{folder}{stem}_{number}.pdf", number + 1
        self.files.add(path)
        return Document(path, title)

    def version(
        self, nid: int, lang: str, action: Action, place: Place, topics: tuple[int, ...], phase: int
    ) -> Version:
        index = 0 if lang == "en" else 1
        rng = random.Random(f"cfgh:{self.seed}:{nid}:{lang}")
        values = {
            "place": place.text(lang),
            "org": place.government[index],
            "what": action.what[index],
            "number": f"{rng.choice((300, 1200, 4500, 12000, 25000)):,}".replace(
                ",", "," if lang == "en" else "."
            ),
            "partner": rng.choice(PARTNERS),
        }
        opening = rng.choice(OPENINGS)[index].format(**values)
        middles = [m[index].format(**values) for m in rng.sample(MIDDLES, rng.randint(1, 3))]
        title = action.title[index].format(place=place.text(lang))
        return Version(
            language=lang,
            title=title[0].upper() + title[1:],
            path=self.alias("" if lang == "en" else "/es", title),
            city=place.text(lang) if place.is_city else None,
            country_name=place.country_name[index],
            topics=tuple(TOPICS[t][index] for t in topics),
            phase=PHASES[phase][index],
            paragraphs=(opening, *middles),
        )

    def shared(
        self, slot: Initiative, practice: SharedPractice, publication: Publication
    ) -> Initiative:
        """This platform's copy of a shared practice, in the place of node ``slot``."""
        created = datetime.combine(publication.published, time(11, 20), TZ)
        place = next(p for p in CITIES if practice.city in p.name)
        topics = tuple(n for n, pair in enumerate(TOPICS) if pair[0] in publication.categories)
        phase = min(3, int((created - FIRST_CREATED).days / 200))
        texts = {version.language: version for version in publication.versions}
        english, spanish = texts.get("en", texts.get("es")), texts.get("es", texts.get("en"))
        assert english is not None and spanish is not None
        action = Action(
            (english.title, spanish.title), (english.what, spanish.what), topics, ("", "")
        )
        versions = tuple(
            self.version(slot.nid, version.language, action, place, topics, phase)
            for version in publication.versions
        )
        url = practice.link or practice.document
        return Initiative(
            nid=slot.nid,
            versions=versions,
            country=place.country,
            created=created,
            changed=created + (slot.changed - slot.created),
            date=publication.published,
            date_text=_retyped(slot.date_text, publication.published),
            organisations=(place.government[0 if publication.language == "en" else 1],),
            documents=(),
            links=(ExternalLink(url, publication.resource_title),) if url else (),
            place_key=place.name[0],
        )

    def initiative(self, rng: random.Random, nid: int, created: datetime) -> Initiative:
        place = rng.choice(REGIONS) if rng.random() < 0.1 else rng.choice(CITIES)
        action = rng.choice(ACTIONS)
        spanish = place.country not in ("CA", "KR", "ZA", "PT")
        lang = "es" if spanish and rng.random() < 0.7 else "en"
        topics = tuple(rng.sample(action.topics, rng.randint(0, len(action.topics))))
        phase = min(3, int((created - FIRST_CREATED).days / 200) + rng.choice((0, 0, 1)))
        versions = [self.version(nid, lang, action, place, topics, phase)]
        if rng.random() < 0.3:
            other = "en" if lang == "es" else "es"
            versions.append(self.version(nid, other, action, place, topics, phase))
        day: dt.date | None = (created - timedelta(days=rng.randint(1, 60))).date()
        typed = None
        if rng.random() < 0.15:
            day = None
        elif day is not None and created < FIRST_CREATED + timedelta(
            days=120
        ):  # imported from the 2020 site
            typed = date_text(day, rng.choice(("es", "dmy", "iso")) if lang == "es" else "dmy")
        organisations = [place.government[0 if lang == "en" else 1]]
        if rng.random() < 0.25:
            organisations.append(rng.choice(PARTNERS))
        if rng.random() < 0.1:
            organisations = []
        documents = tuple(
            self.file(created, action.document[0 if lang == "en" else 1] + f" {place.text(lang)}")
            for _ in range(rng.choices((0, 1, 2), (4, 5, 1))[0])
        )
        links: tuple[ExternalLink, ...] = ()
        if rng.random() < 0.5:
            slug = pathauto(action.document[0])
            host = re.sub(r"[^a-z]", "", remove_accents(place.name[0]).lower())
            label = "Official page" if lang == "en" else "Página oficial"
            links = (ExternalLink(f"https://www.{host}.gov.example/covid-19/{slug}", label),)
        return Initiative(
            nid=nid,
            versions=tuple(versions),
            country=place.country,
            created=created,
            changed=created + timedelta(hours=rng.randint(0, 400)),
            date=day,
            date_text=typed,
            organisations=tuple(organisations),
            documents=documents,
            links=links,
            place_key=place.name[0],
        )


@dataclass(frozen=True)
class Drawn:
    nodes: list[Initiative]  # state 1, oldest first
    changes: tuple[Initiative, Initiative, Initiative]  # state 2: added, edited, removed
    shared_ids: dict[str, int]  # shared practice key -> nid of this platform's copy


def _retyped(typed: str | None, day: dt.date) -> str | None:
    """A date as typed in the style of ``typed`` (a legacy node's), or None."""
    if typed is None:
        return None
    style = "es" if " de " in typed else "dmy" if "/" in typed else "iso"
    return date_text(day, style)


def draw_initiatives(seed: int, size: int) -> Drawn:
    """The nodes of state 1, state 2's changes, and the copies of shared practices."""
    rng = random.Random(f"cfgh:{seed}")
    drawer = _Drawer(seed)
    step = (LAST_CREATED - FIRST_CREATED) / max(size, 1)
    nodes, nid = [], FIRST_NID
    for index in range(size):
        created = FIRST_CREATED + step * index + timedelta(minutes=rng.randint(0, 600))
        nodes.append(drawer.initiative(rng, nid, created.replace(microsecond=0)))
        nid += rng.randint(1, 3)  # deleted drafts leave gaps
    changes = random.Random(f"cfgh:{seed}:state2")
    now = LAST_CREATED + timedelta(days=3)
    places = [n.place_key for n in nodes]
    # Keep the counters true across states: the removed node's city keeps other initiatives.
    # (A site of a handful of nodes may not allow it.)
    removable = [n for n in nodes[:-1] if n.city is None or places.count(n.place_key) > 1]
    removed = changes.choice(removable or nodes[:-1])
    others = [n for n in nodes[:-1] if n.nid != removed.nid]
    edited = changes.choice([n for n in others if n.translation is None] or others)
    added = drawer.initiative(changes, nid + 5, now)
    for _ in range(100):
        if added.place_key in places:
            break
        added = drawer.initiative(changes, nid + 5, now)
    original = edited.original
    changed_version = replace(
        original,
        title=original.title + (" (updated)" if original.language == "en" else " (actualizado)"),
        paragraphs=(UPDATE[0 if original.language == "en" else 1], *original.paragraphs),
    )
    edited = replace(
        edited, versions=(changed_version, *edited.versions[1:]), changed=now + timedelta(hours=2)
    )
    state2 = (added, edited, removed)
    return Drawn(nodes, state2, _place_shared(drawer, nodes, state2, size))


def _place_shared(
    drawer: _Drawer,
    nodes: list[Initiative],
    changes: tuple[Initiative, Initiative, Initiative],
    size: int,
) -> dict[str, int]:
    """Put this platform's copies of shared practices in place of drawn nodes (in ``nodes``),
    each where the node created closest to it was. Nodes state 2 changes are left alone, and so
    are those of the added and removed nodes' places, which keep the counters true."""
    if size < SHARED_MIN_SIZE:
        return {}
    added, edited, removed = changes
    kept = {added.place_key, removed.place_key}
    free = [n for n in nodes if n.nid not in (edited.nid, removed.nid) and n.place_key not in kept]
    placed: dict[str, int] = {}
    for practice, publication in publications_on(KEY):
        wanted = datetime.combine(publication.published, time(11, 20), TZ)
        slot = min(free, key=lambda node: (abs(node.created - wanted), node.nid))
        free.remove(slot)
        nodes[nodes.index(slot)] = drawer.shared(slot, practice, publication)
        placed[practice.key] = slot.nid
    return placed


def revised_initiative(node: Initiative, when: datetime) -> Initiative:
    """State 3's edit: the uploader rewrites the opening of the description (so the summary
    changes too); Drupal records when (``changed``)."""
    original = node.original
    note = REVISED[0 if original.language == "en" else 1]
    revised = replace(
        original, paragraphs=(f"{note} {original.paragraphs[0]}", *original.paragraphs[1:])
    )
    return replace(node, versions=(revised, *node.versions[1:]), changed=when)
