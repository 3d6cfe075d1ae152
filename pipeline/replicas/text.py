"""Seeded Spanish and Portuguese writing for the Mercociudades replica: titles, bodies, landing.

Every function takes its own `random.Random`, so a post's body can be written on demand, long
after the site was set up, and still come out the same for the same seed.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass
from datetime import datetime, timedelta

from pipeline.replicas.phrases import PHRASES
from pipeline.replicas.vocabulary import (
    COUNTRY_NAMES,
    HOSTILE_MARKUP,
    LANDING_LINKS,
    Action,
    City,
)
from pipeline.replicas.wordpress.formatting import MONTHS, sanitize_title
from pipeline.replicas.wordpress.model import Block, Body, OutboundLink, PdfResource, Run

__all__ = [
    "NETWORK",
    "Features",
    "landing_blocks",
    "post_body",
    "post_title",
    "revised_body",
]

NETWORK = {"es": "Mercociudades", "pt": "Mercocidades"}
PARAGRAPHS = (3, 8)  # a post has between 3 and 8 paragraphs


@dataclass(frozen=True)
class Features:
    """What a post's body holds besides its paragraphs, decided when the site is set up."""

    excerpt: bool = True
    bullet_list: bool = False
    video: bool = False
    hostile: bool = False
    strong: bool = False
    closing: bool = True


def post_title(action: Action, city: City | None, lang: str) -> str:
    """The title as typed (straight quotes): what ``texturize`` turns into entities."""
    index = 0 if lang == "es" else 1
    return action.title[index].format(city=city.local_name(lang) if city else "")


def _number(rng: random.Random) -> str:
    value = rng.choice((120, 350, 800, 1200, 2500, 4800, 10000, 15000, 32000))
    return f"{value:,}".replace(",", ".")  # "10.000" in both languages


def _day(moment: datetime, lang: str) -> str:
    return f"{moment.day} de {MONTHS[lang][moment.month - 1]}"


class _Writer:
    """Fills the phrase templates of one language for one post."""

    def __init__(
        self, rng: random.Random, lang: str, action: Action, city: City | None, date: datetime
    ) -> None:
        self.rng, self.lang, self.city = rng, lang, city
        self.phrases = PHRASES[lang]
        government = city.government_name(lang) if city else NETWORK[lang]
        self.values = {
            "city": city.local_name(lang) if city else NETWORK[lang],
            "country": COUNTRY_NAMES[lang][city.country] if city else "",
            "gov": government,
            "Gov": government[0].upper() + government[1:],
            "what": action.what[0 if lang == "es" else 1],
            "day": _day(date - timedelta(days=rng.randint(1, 12)), lang),
        }

    def pick(self, key: str) -> str:
        return self.rng.choice(self.phrases[key])

    def fill(self, template: str) -> str:
        values = dict(self.values)
        for key in ("goal", "people", "partner", "official", "quote"):
            if "{" + key + "}" in template:
                values[key] = self.pick(key)
        values["number"] = _number(self.rng)
        values["more"] = f"{int(values['number'].replace('.', '')) * 3:,}".replace(",", ".")
        text = template.format(**values)
        # Spanish contracts "de el" and "a el"; the government's name may start with "el".
        return (
            text.replace(" de el ", " del ").replace(" a el ", " al ")
            if self.lang == "es"
            else text
        )

    def middles(self, count: int) -> list[str]:
        usable = [t for t in self.phrases["middle"] if self.city or "{city}" not in t]
        return [self.fill(template) for template in self.rng.sample(usable, count)]


def _paragraph(*runs: Run) -> Block:
    return Block("p", runs=runs)


def _outbound(writer: _Writer, action: Action, link: OutboundLink | None = None) -> Block:
    rng, lang, city = writer.rng, writer.lang, writer.city
    if link is not None:  # a page the post must point to (a practice shared across platforms)
        return _paragraph(Run(writer.pick("more")), Run(link.title, href=link.url), Run("."))
    if city is None:
        url, *anchors = rng.choice(LANDING_LINKS)
        label = "Ver también: " if lang == "es" else "Veja também: "
        return _paragraph(Run(label), Run(anchors[0 if lang == "es" else 1], href=url), Run("."))
    words = sanitize_title(action.what[1 if city.country == "BR" else 0]).split("-")
    url = f"https://{city.host}/noticias/{'-'.join(words[:7])}"
    anchor = writer.fill(writer.pick("more_anchor"))
    return _paragraph(Run(writer.pick("more")), Run(anchor, href=url), Run("."))


def post_body(
    seed: str,
    lang: str,
    action: Action,
    city: City | None,
    date: datetime,
    pdfs: tuple[PdfResource, ...],
    features: Features,
    *,
    edited: bool = False,
    outbound: OutboundLink | None = None,
) -> Body:
    """The blocks of one post: 3 to 8 paragraphs, and the list, video, PDFs and hostile markup
    that ``features`` asks for. The same ``seed`` always writes the same body. ``outbound`` is
    the page the "more information" paragraph links to (by default the city's news site)."""
    rng = random.Random(seed)
    writer = _Writer(rng, lang, action, city, date)
    intro = writer.fill(writer.pick("intro"))
    head: list[Block] = []
    if edited:
        label, text = writer.phrases["update"]
        head.append(_paragraph(Run(label, strong=True), Run(text)))
    head.append(_paragraph(Run(intro)))
    tail: list[Block] = []
    if features.strong:
        tail.append(_paragraph(Run(writer.pick("how_label"), strong=True), Run(writer.pick("how"))))
    tail.append(_outbound(writer, action, outbound))
    for pdf in pdfs:
        tail.append(_paragraph(Run(writer.pick("pdf")), Run(pdf.title, href=pdf.path), Run(".")))
    if features.closing:
        tail.append(_paragraph(Run(writer.pick("closing"))))
    low, high = PARAGRAPHS
    room = high - len(head) - len(tail) - (1 if features.bullet_list else 0)
    count = max(low - len(head) - len(tail), min(room, rng.randint(1, 3)), 0)
    middle = [_paragraph(Run(text)) for text in writer.middles(min(count, room))]
    if features.bullet_list:
        items = tuple(rng.sample(writer.phrases["list"], rng.randint(3, 5)))
        middle += [_paragraph(Run(writer.pick("list_intro"))), Block("ul", items=items)]
    if features.video:
        video_id = "".join(
            rng.choice(string.ascii_letters + string.digits + "-_") for _ in range(11)
        )
        title = writer.fill(writer.pick("video"))
        middle.append(Block("video", video_id=video_id, video_title=title[0].upper() + title[1:]))
    blocks = head + middle + tail
    if features.hostile:
        for markup in rng.sample(HOSTILE_MARKUP, 2):
            blocks.insert(rng.randint(1, len(blocks) - 1), Block("raw", raw_html=markup))
    excerpt = intro if features.excerpt else None
    return Body(tuple(blocks), excerpt)


def revised_body(body: Body, lang: str) -> Body:
    """State 3's edit of a post: the same text with an editor's note at the end (the manual
    excerpt, where there is one, stays as typed)."""
    note = _paragraph(Run(PHRASES[lang]["revised_note"][0], strong=True))
    return Body((*body.blocks, note), body.excerpt)


def landing_blocks(lang: str, pdf: PdfResource) -> tuple[Block, ...]:
    """The COVID-19 category's description: the network's message to its member cities."""
    index = 0 if lang == "es" else 1
    links: list[Run] = [Run("Información oficial: " if lang == "es" else "Informação oficial: ")]
    for number, (url, *anchors) in enumerate(LANDING_LINKS):
        if number:
            last = number == len(LANDING_LINKS) - 1
            links.append(Run((" y " if lang == "es" else " e ") if last else ", "))
        links.append(Run(anchors[index], href=url))
    links.append(Run("."))
    if lang == "es":
        texts = (
            "Ante la pandemia de COVID-19, Mercociudades pone a disposición de las ciudades de "
            "la Red información oficial y las soluciones que están adoptando otros gobiernos "
            "locales para enfrentar la emergencia.",
            "Invitamos a las ciudades miembro a compartir sus acciones locales, para que otros "
            "gobiernos puedan conocerlas y adaptarlas a su territorio.",
            "Documento: ",
        )
    else:
        texts = (
            "Diante da pandemia de COVID-19, Mercocidades coloca à disposição das cidades da "
            "Rede informações oficiais e as soluções adotadas por outros governos locais para "
            "enfrentar a emergência.",
            "Convidamos as cidades membro a compartilhar suas ações locais, para que outros "
            "governos possam conhecê-las e adaptá-las ao seu território.",
            "Documento: ",
        )
    return (
        _paragraph(Run(texts[0])),
        _paragraph(*links),
        _paragraph(Run(texts[1])),
        _paragraph(Run(texts[2], strong=True), Run(pdf.title, href=pdf.path), Run(" (PDF)")),
    )
