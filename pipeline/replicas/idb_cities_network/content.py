"""The IDB Cities Network's nodes, drawn up front from a seed: webinars, publications, posts.

Each node is a Drupal node with one or two translations (Spanish and English share the node id,
as Drupal's content translation does); the landing page is node `LANDING_NODE_ID`. Paragraphs
are written from ``(seed, node id)`` when a page is rendered, never stored for the whole site.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

__all__ = [
    "LANDING_NODE_ID",
    "LAST_DAY",
    "MEMBER_CITIES",
    "Node",
    "Place",
    "Speaker",
    "Version",
    "draw_nodes",
    "edited_node",
    "paragraphs",
    "revised_node",
    "slugify",
]

LANDING_NODE_ID = 24511
FIRST_NODE_ID = 25030
FIRST_DAY = date(2019, 2, 12)
LAST_DAY = date(2023, 10, 30)
MEMBER_CITIES = {"es": ("200+", "ciudades"), "en": ("200+", "cities")}


@dataclass(frozen=True)
class Place:
    city: str
    country: str  # ISO 3166-1 alpha-2
    country_names: tuple[str, str]  # es, en


PLACES = (
    Place("Medellín", "CO", ("Colombia", "Colombia")),
    Place("Bogotá", "CO", ("Colombia", "Colombia")),
    Place("Lima", "PE", ("Perú", "Peru")),
    Place("Quito", "EC", ("Ecuador", "Ecuador")),
    Place("Montevideo", "UY", ("Uruguay", "Uruguay")),
    Place("Rosario", "AR", ("Argentina", "Argentina")),
    Place("Curitiba", "BR", ("Brasil", "Brazil")),
    Place("Guadalajara", "MX", ("México", "Mexico")),
    Place("Valparaíso", "CL", ("Chile", "Chile")),
    Place("Asunción", "PY", ("Paraguay", "Paraguay")),
)

# (Spanish phrase, English phrase, (Spanish label, English label)).
Topic = tuple[str, str, tuple[str, str]]
TOPICS: tuple[Topic, ...] = (
    ("vivienda asequible", "affordable housing", ("Vivienda", "Housing")),
    (
        "movilidad urbana sostenible",
        "sustainable urban mobility",
        ("Movilidad urbana", "Urban mobility"),
    ),
    (
        "resiliencia urbana y cambio climático",
        "urban resilience and climate change",
        ("Resiliencia urbana", "Urban resilience"),
    ),
    (
        "espacio público y seguridad ciudadana",
        "public space and citizen security",
        ("Seguridad ciudadana", "Citizen security"),
    ),
    (
        "gobierno digital y ciudades inteligentes",
        "digital government and smart cities",
        ("Ciudades inteligentes", "Smart cities"),
    ),
    (
        "revitalización de centros históricos",
        "revitalization of historic centers",
        ("Desarrollo urbano y vivienda", "Urban Development and Housing"),
    ),
    (
        "finanzas municipales y catastro",
        "municipal finance and cadastre",
        ("Finanzas locales", "Local finance"),
    ),
    (
        "agua y saneamiento en barrios informales",
        "water and sanitation in informal neighborhoods",
        ("Agua y saneamiento", "Water and sanitation"),
    ),
    (
        "economía circular y residuos sólidos",
        "circular economy and solid waste",
        ("Economía circular", "Circular economy"),
    ),
    ("género y ciudad", "gender and the city", ("Género", "Gender")),
)

INSTITUTIONS = (
    "Alcaldía de Medellín",
    "Municipalidad Metropolitana de Lima",
    "Intendencia de Montevideo",
    "Prefeitura de Curitiba",
    "Gobierno de la Ciudad de México",
    "ONU-Hábitat",
    "Universidad de los Andes",
    "CAF - banco de desarrollo de América Latina",
    "Municipalidad de Rosario",
)
IDB = {"es": "Banco Interamericano de Desarrollo", "en": "Inter-American Development Bank"}
SPEAKER_NAMES = (
    "María Fernanda Ríos", "Jorge Castañeda", "Luciana Pereira", "Andrés Villalobos",
    "Camila Ordóñez", "Tatiana Gómez", "Roberto Núñez", "Ana Beatriz Souza",
)  # fmt: skip
ROLES = {
    "es": (
        "Secretaria de Planeación",
        "Especialista líder",
        "Director de Vivienda",
        "Investigadora",
    ),
    "en": ("Planning Secretary", "Lead Specialist", "Housing Director", "Researcher"),
}
PUBLICATION_KINDS = {
    "es": ("Guía de", "Lecciones aprendidas en", "Diagnóstico de", "Nota técnica sobre"),
    "en": ("Guide to", "Lessons learned in", "Assessment of", "Technical note on"),
}


@dataclass(frozen=True)
class Speaker:
    name: str  # a person: shown on the page, never to be stored
    roles: tuple[str, str]  # es, en
    institution: tuple[str, str]  # es, en


@dataclass(frozen=True)
class Version:
    """One language's version of a node."""

    language: str
    slug: str
    title: str
    lead: str | None
    category: str


@dataclass(frozen=True)
class Node:
    node_id: int
    kind: str  # webinar, publication, post
    day: date
    changed: datetime
    topic: int
    versions: tuple[Version, ...]  # Spanish first when there is one
    place: Place | None = None
    speakers: tuple[Speaker, ...] = ()
    video: str | None = None  # YouTube embed URL
    pdf: str | None = None  # absolute URL (external host) or a /sites/default/files/ path
    date_style: str = "long"  # long, numeric, iso: how the visible date is written
    edited: bool = False
    number: int = 0  # webinars are numbered in order
    revised: bool = False  # state 3's edit

    def version(self, language: str) -> Version | None:
        return next((v for v in self.versions if v.language == language), None)


def slugify(title: str) -> str:
    """Pathauto: transliterated, lowercase, punctuation to dashes, at most 100 characters."""
    plain = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:100].rstrip("-")


def _title(rng: random.Random, kind: str, lang: str, node: Node) -> str:
    topic = _phrase(node, lang)
    city = node.place.city if node.place else None
    if kind == "webinar":
        word = "Intercambio" if lang == "es" else "Exchange"
        where = (f" en {city}" if lang == "es" else f" in {city}") if city else ""
        return f"{word} {node.number}: {topic[0].upper()}{topic[1:]}{where}"
    if kind == "publication":
        prefix = rng.choice(PUBLICATION_KINDS[lang])
        where = (f" en {city}" if lang == "es" else f" in {city}") if city else ""
        return f"{prefix} {topic}{where} ({node.day.year})"
    if city:
        return f"{city}: " + ("lecciones sobre " if lang == "es" else "lessons on ") + topic
    return ("¿Cómo avanzan las ciudades en " if lang == "es" else "How cities advance ") + (
        f"{topic}?" if lang == "es" else topic
    )


def _lead(rng: random.Random, kind: str, lang: str, node: Node) -> str | None:
    if rng.random() < 0.2:
        return None
    topic = _phrase(node, lang)
    if lang == "es":
        return {
            "webinar": f"Resumen del intercambio de la Red de Ciudades BID sobre {topic}.",
            "publication": f"Este documento analiza experiencias de {topic} y recomienda.",
            "post": f"¿Qué aprendimos sobre {topic}? Algunas ideas para gobiernos locales.",
        }[kind]
    return {
        "webinar": f"Summary of the IDB Cities Network exchange on {topic}.",
        "publication": f"This document reviews experiences of {topic} and recommends.",
        "post": f"What did we learn about {topic}? Some ideas for local governments.",
    }[kind]


def paragraphs(seed: int, node: Node, lang: str) -> list[str]:
    """The body text of a node's version, the same every time it is asked for."""
    rng = random.Random(f"idb:{seed}:{node.node_id}:{lang}")
    topic = _phrase(node, lang)
    if lang == "es":
        sentences = [
            f"Las ciudades de América Latina y el Caribe enfrentan desafíos crecientes en {topic}.",
            "La Red de Ciudades BID reúne a funcionarios municipales para compartir soluciones.",
            f"El diálogo mostró que la planificación de {topic} requiere datos y participación.",
            "Los gobiernos locales destacaron la importancia de la coordinación metropolitana.",
            "Se presentaron herramientas de financiamiento y asistencia técnica del Banco.",
            "Las experiencias comparten una lección: la implementación empieza por el barrio.",
        ]
        update = "Actualización: se agregaron los materiales presentados durante la sesión."
        note = "Nota: se revisaron el título y los datos de esta página."
    else:
        sentences = [
            f"Cities in Latin America and the Caribbean face growing challenges in {topic}.",
            "The IDB Cities Network brings municipal officials together to share solutions.",
            f"The dialogue showed that planning for {topic} needs data and participation.",
            "Local governments stressed the importance of metropolitan coordination.",
            "Financing tools and technical assistance from the Bank were presented.",
            "The experiences share one lesson: implementation starts in the neighborhood.",
        ]
        update = "Update: the materials presented during the session were added."
        note = "Note: the title and the figures on this page were revised."
    count = rng.randint(2, 4)
    found = [" ".join(rng.sample(sentences, 2)) for _ in range(count)]
    if node.revised:
        found.append(note)
    return [update, *found] if node.edited else found


def _phrase(node: Node, lang: str) -> str:
    spanish, english, _ = TOPICS[node.topic]
    return spanish if lang == "es" else english


def _kind_for(rng: random.Random) -> str:
    return rng.choices(("webinar", "publication", "post"), (3, 3, 4))[0]


def _draw_node(rng: random.Random, node_id: int, kind: str, day: date, number: int) -> Node:
    place = rng.choice(PLACES) if rng.random() < 0.6 else None
    node = Node(node_id, kind, day, _noon(day), rng.randrange(len(TOPICS)), (), place)
    node = replace(node, number=number, date_style=rng.choice(("long", "numeric", "iso")))
    if kind == "webinar":
        speakers = tuple(
            Speaker(
                rng.choice(SPEAKER_NAMES),
                (ROLES["es"][r], ROLES["en"][r]),
                (IDB["es"], IDB["en"]) if i == 0 else (inst, inst),
            )
            for i, (r, inst) in enumerate(
                (rng.randrange(4), rng.choice(INSTITUTIONS)) for _ in range(rng.randint(2, 3))
            )
        )
        video = None
        if rng.random() < 0.85:
            video = "https://www.youtube.com/embed/" + "".join(
                rng.choice("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ0123456789_-")
                for _ in range(11)
            )
        node = replace(node, speakers=_unique_institutions(speakers), video=video)
    if kind == "publication" and rng.random() < 0.9:
        name = f"{slugify(TOPICS[node.topic][1]).title()}-{node_id}"
        if rng.random() < 0.5:
            pdf = f"https://publications.iadb.org/publications/spanish/document/{name}.pdf"
        else:
            pdf = f"/sites/default/files/{day:%Y-%m}/{name.replace('-', '_')}.pdf"
        node = replace(node, pdf=pdf)
    languages = rng.choices((("es", "en"), ("es",), ("en",)), (2, 1, 1))[0]
    versions = []
    for lang in languages:
        title = _title(rng, kind, lang, node)
        versions.append(
            Version(
                lang,
                slugify(title),
                title,
                _lead(rng, kind, lang, node),
                TOPICS[node.topic][2][0 if lang == "es" else 1],
            )
        )
    return replace(node, versions=tuple(versions))


def _unique_institutions(speakers: tuple[Speaker, ...]) -> tuple[Speaker, ...]:
    seen: set[str] = set()
    kept = []
    for speaker in speakers:
        if speaker.institution[0] not in seen:
            seen.add(speaker.institution[0])
            kept.append(speaker)
    return tuple(kept)


def _noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 15, 0, tzinfo=UTC)


def draw_nodes(seed: int, size: int) -> tuple[list[Node], Node]:
    """``size`` nodes (oldest first), and the node state 2 adds (the newest, highest id)."""
    rng = random.Random(f"idb:{seed}")
    span = (LAST_DAY - FIRST_DAY).days
    days = sorted(FIRST_DAY + timedelta(days=rng.randrange(span)) for _ in range(size))
    nodes: list[Node] = []
    node_id, webinars = FIRST_NODE_ID, 0
    kinds = [_kind_for(rng) for _ in range(size)]
    for required, index in zip(("webinar", "publication", "post"), range(size), strict=False):
        kinds[index] = required  # every kind is present, even on a tiny site
    for kind, day in zip(kinds, days, strict=True):
        webinars += kind == "webinar"
        node = _draw_node(rng, node_id, kind, day, webinars)
        if rng.random() < 0.5:
            node = replace(node, changed=node.changed + timedelta(days=rng.randint(1, 60)))
        nodes.append(node)
        node_id += rng.randint(3, 40)
    added = _draw_node(rng, node_id + 11, "webinar", LAST_DAY + timedelta(days=5), webinars + 1)
    return _unique_slugs(nodes), added


def _unique_slugs(nodes: list[Node]) -> list[Node]:
    """Pathauto's "-0", "-1" suffixes when two titles of a kind give the same alias."""
    used: set[tuple[str, str, str]] = set()
    out = []
    for node in nodes:
        versions = []
        for version in node.versions:
            slug, number = version.slug, 0
            while (node.kind, version.language, slug) in used:
                slug, number = f"{version.slug}-{number}", number + 1
            used.add((node.kind, version.language, slug))
            versions.append(replace(version, slug=slug))
        out.append(replace(node, versions=tuple(versions)))
    return out


def revised_node(node: Node, changed: datetime) -> Node:
    """State 3's edit: every version's title is revised, the body gains a closing note."""
    suffix = {"es": " (revisado)", "en": " (revised)"}
    versions = tuple(replace(v, title=v.title + suffix[v.language]) for v in node.versions)
    return replace(node, versions=versions, revised=True, changed=changed)


def edited_node(node: Node) -> Node:
    """State 2's edit: every version's title gains a suffix, the body an update paragraph."""
    suffix = {"es": " (actualizado)", "en": " (updated)"}
    versions = tuple(replace(v, title=v.title + suffix[v.language]) for v in node.versions)
    # After every baseline change (those come at most 60 days after a node's day).
    changed = datetime.combine(LAST_DAY + timedelta(days=90), datetime.min.time(), tzinfo=UTC)
    return replace(node, versions=versions, edited=True, changed=changed)
