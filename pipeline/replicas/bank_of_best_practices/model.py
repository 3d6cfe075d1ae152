"""The practices of the Bank of Best Practices replica, drawn up front from ``seed`` and ``size``.

`Practice` is the ground truth tests compare a crawl with: every field the spider must extract,
plus the contact details that appear on the page and must never be stored (`Practice.contacts`,
`Practice.contact_paragraph`). `Practices` holds state 1 and what states 2 and 3 change; from
size `shared_practices.MIN_SIZE` on, a few practices are this platform's copies of practices
other platforms publish too (`Practices.shared_ids`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import date as calendar_date
from datetime import datetime, time, timedelta, timezone
from urllib.parse import urlsplit

from pipeline.replicas.bank_of_best_practices.vocabulary import (
    FIRST_NAMES,
    GOVERNMENT_WEIGHTS,
    GOVERNMENTS,
    LAST_NAMES,
    PRACTICES,
    UNIVERSITIES,
    Government,
    PracticeTemplate,
)
from pipeline.replicas.shared_practices import MIN_SIZE as SHARED_MIN_SIZE
from pipeline.replicas.shared_practices import Publication, SharedPractice, publications_on
from pipeline.replicas.states import CHANGED, CHURNED, checked_state, pick_churned
from pipeline.replicas.wordpress.formatting import (
    remove_accents,
    sanitize_file_name,
    sanitize_title,
)

__all__ = ["KEY", "Contact", "Document", "Practice", "Practices", "draw_practices"]

KEY = "bank_of_best_practices"

TZ = timezone(timedelta(hours=-3))
FIRST_POST = datetime(2017, 6, 12, 10, 0, tzinfo=TZ)  # the 2017 relaunch
LAST_POST = datetime(2022, 10, 28, 17, 0, tzinfo=TZ)
FIRST_ID = 214
DATE_FORMATS = ("long", "slash", "iso")  # how the "Fecha de publicación" field is written
STATUS_LABELS = {"finished": "Finalizada", "evaluated": "Evaluada"}
GOVERNMENT_TYPES = {
    "municipio": "Municipio",
    "comuna": "Comuna",
    "distrito": "Distrito",
    "parroquia": "Parroquia",
    "prefeitura": "Prefeitura",
    "intendencia": "Intendencia",
}


@dataclass(frozen=True)
class Contact:
    """A person responsible for the practice: shown on the page, never to be stored."""

    role: str  # "Gobierno local" / "Universidad"
    name: str
    email: str
    phone: str


@dataclass(frozen=True)
class Document:
    path: str  # /wp-content/uploads/YYYY/MM/Name.pdf
    title: str
    host: str | None = None  # a document hosted elsewhere (a university repository): its host

    def url(self, base: str) -> str:
        """Where the page links to: on the site (``base``), or on the document's own host."""
        return f"https://{self.host}{self.path}" if self.host else base + self.path


@dataclass(frozen=True)
class Practice:
    id: int
    slug: str
    title: str
    language: str  # es, pt
    date: datetime  # WordPress post date, site time (-03:00)
    modified: datetime
    date_format: str  # one of DATE_FORMATS
    government: str
    government_type: str  # municipio, comuna, distrito, parroquia, prefeitura, intendencia
    city: str
    country: str  # ISO 3166-1 alpha-2
    universities: tuple[str, ...]
    areas: tuple[str, ...]  # thematic area labels, as the taxonomy names them
    year: int | None
    summary: str | None
    paragraphs: tuple[str, ...]  # the description, as a reader sees it
    sdgs: tuple[int, ...]
    status: str  # finished, evaluated
    documents: tuple[Document, ...]
    contacts: tuple[Contact, ...]
    contact_paragraph: str | None = None  # a description paragraph naming a contact

    @property
    def language_label(self) -> str:
        return {"es": "Español", "pt": "Portugués"}[self.language]

    @property
    def path(self) -> str:
        return f"/practicas/{self.slug}/"

    @property
    def published(self) -> calendar_date:
        return self.date.date()

    @property
    def organisations(self) -> tuple[str, ...]:
        return (self.government, *self.universities)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def government_type_label(self) -> str:
        return GOVERNMENT_TYPES[self.government_type]

    @property
    def content_paragraphs(self) -> tuple[str, ...]:
        """What the editor typed in the content: the description and any contact line."""
        extra = (self.contact_paragraph,) if self.contact_paragraph else ()
        return (*self.paragraphs, *extra)


@dataclass(frozen=True)
class Practices:
    baseline: tuple[Practice, ...]  # oldest first
    added: Practice
    edited: Practice  # the edited version of one baseline practice
    removed_id: int
    churned: tuple[Practice, ...] = ()  # state 3: the edited versions of a few practices
    shared_ids: dict[str, int] = field(default_factory=dict)  # shared practice key -> id

    def state(self, state: int) -> tuple[Practice, ...]:
        """The published practices of a state, newest first (the archive's order)."""
        practices = list(self.baseline)
        if checked_state(state) == CHANGED:
            practices = [
                self.edited if p.id == self.edited.id else p
                for p in practices
                if p.id != self.removed_id
            ]
            practices.append(self.added)
        elif state == CHURNED:
            revised = {p.id: p for p in self.churned}
            practices = [revised.get(p.id, p) for p in practices]
        return tuple(sorted(practices, key=lambda p: (p.date, p.id), reverse=True))


def draw_practices(seed: int, size: int) -> Practices:
    if size < 3:
        raise ValueError("the replica needs at least 3 practices (one to add, edit and remove)")
    rng = random.Random(f"bank_of_best_practices:{seed}")
    slugs: set[str] = {"page", "feed"}
    uploads: set[str] = set()
    gap = (LAST_POST - FIRST_POST).total_seconds() / size
    forced: dict[int, dict[str, object]] = {
        size - 1: {"contact_paragraph": True, "sdgs": True, "documents": 2},
        size - 2: {"no_summary": True, "no_sdgs": True, "documents": 0, "no_year": True},
        size - 3: {"language": "pt"},
    }
    practices, moment, next_id = [], FIRST_POST, FIRST_ID
    for index in range(size):
        if index:
            moment += timedelta(seconds=int(gap * rng.uniform(0.3, 1.7)))
        when = _office_hours(min(moment, LAST_POST))
        practice = _draw(rng, next_id, when, forced.get(index, {}), slugs, uploads)
        practices.append(practice)
        next_id += 1 + len(practice.documents) + rng.randint(0, 3)
    now = _office_hours(practices[-1].date + timedelta(days=1))
    # The edited and removed practices are drawn apart from the forced ones at the end.
    edited, removed = rng.sample(practices[: max(2, size - 3)], 2)
    later = now + timedelta(days=2)
    added = _draw(rng, next_id + 5, later, {"documents": 1}, slugs, uploads)
    edited = replace(
        edited,
        title=edited.title + (" (actualizada)" if edited.language == "es" else " (atualizada)"),
        paragraphs=(_UPDATE[edited.language].format(year=later.year), *edited.paragraphs),
        modified=later + timedelta(hours=3),
    )
    # After state 2 is drawn, so that the copies never change what state 2 does.
    shared_ids = _place_shared(practices, {edited.id, removed.id}, slugs, seed)
    # Edited after every change of the baseline and of state 2, a few hours apart.
    start = max(p.modified for p in (*practices, added, edited)) + timedelta(days=1)
    churned = _draw_churn(practices, set(shared_ids.values()), start, seed)
    return Practices(tuple(practices), added, edited, removed.id, churned, shared_ids)


def _place_shared(
    practices: list[Practice], changing: set[int], slugs: set[str], seed: int
) -> dict[str, int]:
    """Put this platform's copies of shared practices in place of drawn ones (in ``practices``):
    each where the practice dated closest to it was, never one state 2 changes nor the forced
    last three. Their ids, by shared practice key."""
    if len(practices) < SHARED_MIN_SIZE:
        return {}
    free = [p for p in practices[:-3] if p.id not in changing]
    placed: dict[str, int] = {}
    for shared, publication in publications_on(KEY):
        wanted = datetime.combine(publication.published, time(10, 0), TZ)
        slot = min(free, key=lambda p: (abs(p.date - wanted), p.id))
        free.remove(slot)
        copy = _shared(slot, shared, publication, wanted, slugs, seed)
        practices[practices.index(slot)] = copy
        placed[shared.key] = slot.id
    return placed


def _draw_churn(
    practices: list[Practice], shared: set[int], start: datetime, seed: int
) -> tuple[Practice, ...]:
    """State 3: the edited versions of about 1% of the practices (never a shared copy)."""
    candidates = [p.id for p in practices if p.id not in shared]
    chosen = set(pick_churned(f"bank_of_best_practices:{seed}:state3", candidates, len(practices)))
    return tuple(
        _revised(p, start + timedelta(hours=4 * n))
        for n, p in enumerate(p for p in practices if p.id in chosen)
    )


_UPDATE = {
    "es": "Actualización: en {year} la práctica fue evaluada nuevamente por el Observatorio.",
    "pt": "Atualização: em {year} a prática foi avaliada novamente pelo Observatório.",
}
_REVISED = {  # title suffix, summary suffix, closing note
    "es": (" (revisada)", " (versión revisada)", "Texto revisado por el equipo del Observatorio."),
    "pt": (" (revisada)", " (versão revisada)", "Texto revisado pela equipe do Observatório."),
}


def _revised(practice: Practice, when: datetime) -> Practice:
    """State 3's edit: a new title and summary, a closing note in the description."""
    title_suffix, summary_suffix, note = _REVISED[practice.language]
    summary = practice.summary
    if summary is not None:
        summary = f"{summary.removesuffix('.')}{summary_suffix}."
    return replace(
        practice,
        title=practice.title + title_suffix,
        summary=summary,
        paragraphs=(*practice.paragraphs, note),
        modified=when,
    )


def _shared(
    slot: Practice,
    practice: SharedPractice,
    publication: Publication,
    when: datetime,
    slugs: set[str],
    seed: int,
) -> Practice:
    """This platform's copy of a shared practice, in the place of ``slot`` (its id)."""
    rng = random.Random(f"bank_of_best_practices:{seed}:shared:{practice.key}")
    government = next(g for g in GOVERNMENTS if g.city == practice.city)
    lang_index = 0 if publication.language == "es" else 1
    version = publication.versions[0]
    template = PracticeTemplate(
        (version.title, version.title),
        (version.what, version.what),
        publication.categories[0],
        publication.categories[-1],
        publication.sdgs,
        (publication.resource_title, publication.resource_title),
    )
    universities = list(publication.partners)
    domains = {name: domain for pairs in UNIVERSITIES.values() for name, domain in pairs}
    documents: tuple[Document, ...] = ()
    if practice.document is not None:
        url = urlsplit(practice.document)
        documents = (Document(url.path, publication.resource_title, url.netloc),)
    return replace(
        slot,
        slug=_unique(sanitize_title(version.title), slugs),
        title=version.title,
        language=publication.language,
        date=when,
        modified=when + (slot.modified - slot.date),
        government=government.name,
        government_type=government.type,
        city=government.city,
        country=government.country,
        universities=tuple(universities),
        areas=publication.categories,
        year=publication.published.year,
        summary=_summary(template, government, universities[0], lang_index),
        paragraphs=_paragraphs(rng, template, government, universities, when.year, lang_index),
        sdgs=publication.sdgs,
        documents=documents,
        contacts=(
            _contact(rng, "Gobierno local", government.host),
            _contact(rng, "Universidad", domains[universities[0]]),
        ),
        contact_paragraph=None,
    )


def _draw(
    rng: random.Random,
    practice_id: int,
    when: datetime,
    forced: dict[str, object],
    slugs: set[str],
    uploads: set[str],
) -> Practice:
    government = rng.choices(GOVERNMENTS, GOVERNMENT_WEIGHTS)[0]
    template = rng.choice(PRACTICES)
    language = str(forced.get("language") or ("pt" if government.country == "BR" else "es"))
    if forced.get("language") == "pt" and government.country != "BR":
        government = next(g for g in GOVERNMENTS if g.country == "BR")
    lang_index = 0 if language == "es" else 1
    domains = dict(UNIVERSITIES[government.country]) | dict(UNIVERSITIES["UY"])
    own = [name for name, _ in UNIVERSITIES[government.country]]
    universities = [rng.choice(own)]
    if rng.random() < 0.3:  # a second university, sometimes the Uruguayan one
        pool = [u for u in [*own, *dict(UNIVERSITIES["UY"])] if u != universities[0]]
        if pool:
            universities.append(rng.choice(pool))
    year = None if forced.get("no_year") else min(when.year, rng.randint(2011, 2021))
    reference_year = year or when.year
    areas = [template.area_original] if reference_year <= 2017 else [template.area_new]
    if rng.random() < 0.2 and template.area_original != template.area_new:
        areas = [template.area_original, template.area_new]  # reclassified under the new call
    sdgs: tuple[int, ...] = ()
    if forced.get("sdgs") or (not forced.get("no_sdgs") and rng.random() < 0.7):
        sdgs = template.sdgs
    title = template.title[lang_index].format(city=government.city)
    slug = _unique(sanitize_title(title), slugs)
    count = forced.get("documents")
    documents = rng.choices((0, 1, 2), (3, 5, 2))[0] if count is None else int(str(count))
    docs = tuple(
        _document(
            ("Anexo - " if n else "") + template.document[lang_index] + f" - {government.city}",
            when,
            uploads,
        )
        for n in range(documents)
    )
    contacts = (
        _contact(rng, "Gobierno local", government.host),
        _contact(rng, "Universidad", domains[universities[0]]),
    )
    contact_paragraph = None
    if forced.get("contact_paragraph") or rng.random() < 0.2:
        person = contacts[0]
        contact_paragraph = _CONTACT_LINE[language].format(email=person.email, phone=person.phone)
    return Practice(
        id=practice_id,
        slug=slug,
        title=title,
        language=language,
        date=when,
        modified=when + timedelta(days=rng.randint(0, 30), hours=rng.randint(0, 5)),
        date_format=rng.choice(DATE_FORMATS),
        government=government.name,
        government_type=government.type,
        city=government.city,
        country=government.country,
        universities=tuple(universities),
        areas=tuple(areas),
        year=year,
        summary=None
        if forced.get("no_summary")
        else _summary(template, government, universities[0], lang_index),
        paragraphs=_paragraphs(rng, template, government, universities, year, lang_index),
        sdgs=sdgs,
        status=rng.choice(("finished", "evaluated")),
        documents=docs,
        contacts=contacts,
        contact_paragraph=contact_paragraph,
    )


_CONTACT_LINE = {
    "es": "Para más información escribir a {email} o llamar al {phone}.",
    "pt": "Mais informações pelo e-mail {email} ou pelo telefone {phone}.",
}


def _summary(template: PracticeTemplate, government: Government, university: str, lang: int) -> str:
    if lang == 0:
        return f"{government.name} y {university} llevaron adelante {template.what[0]}."
    return f"{government.name} e {university} desenvolveram {template.what[1]}."


def _paragraphs(
    rng: random.Random,
    template: PracticeTemplate,
    government: Government,
    universities: list[str],
    year: int | None,
    lang: int,
) -> tuple[str, ...]:
    partners = " y ".join(universities) if lang == 0 else " e ".join(universities)
    since = f" desde {year}" if year else ""
    if lang == 0:
        texts = [
            f"La práctica consiste en {template.what[0]}{since}, con equipos técnicos "
            f"de {government.name} y de {partners}.",
            "Participaron estudiantes avanzados, docentes e investigadores, que acompañaron "
            "el diseño, la ejecución y la evaluación de cada etapa.",
            "Los resultados fueron presentados ante el Concejo y los vecinos de "
            f"{government.city}; "
            "la experiencia es replicable en otras ciudades de la región.",
            "Entre los aprendizajes se destaca la articulación entre la agenda municipal y la "
            "extensión universitaria, así como la evaluación participativa.",
        ]
    else:
        texts = [
            f"A prática consiste em {template.what[1]}{since}, com equipes técnicas "
            f"de {government.name} e de {partners}.",
            "Participaram estudantes, professores e pesquisadores, que acompanharam o desenho, "
            "a execução e a avaliação de cada etapa.",
            f"Os resultados foram apresentados à Câmara e aos moradores de {government.city}; "
            "a experiência pode ser replicada em outras cidades da região.",
            "Entre as aprendizagens destaca-se a articulação entre a agenda municipal e a "
            "extensão universitária, assim como a avaliação participativa.",
        ]
    return tuple(texts[: rng.randint(2, 4)])


def _contact(rng: random.Random, role: str, host: str) -> Contact:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    email = f"{remove_accents(first).lower()}.{remove_accents(last).lower()}@{host}"
    country, area = rng.choice((54, 55, 598, 595)), rng.randint(11, 399)
    phone = f"+{country} {area} {rng.randint(400, 499)}-{rng.randint(1000, 9999)}"
    return Contact(role, f"{first} {last}", email, phone)


def _document(title: str, when: datetime, uploads: set[str]) -> Document:
    folder = f"/wp-content/uploads/{when:%Y/%m}/"
    stem = sanitize_file_name(title)
    path, number = f"{folder}{stem}.pdf", 1
    while path in uploads:
        path, number = f"{folder}{stem}-{number}.pdf", number + 1
    uploads.add(path)
    return Document(path, title)


def _unique(base: str, slugs: set[str]) -> str:
    slug, number = base, 2
    while slug in slugs:
        slug, number = f"{base}-{number}", number + 1
    slugs.add(slug)
    return slug


def _office_hours(moment: datetime) -> datetime:
    midnight = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    seconds = (moment - midnight).total_seconds()
    return midnight + timedelta(hours=9, seconds=int(seconds * 9 / 24))
