"""The markup of the replica: a Drupal 10 corporate theme (and its redesign), Metatag, JSON-LD.

`Theme` holds the few fragments that differ between the shipped theme and the ``redesign``
quirk (renamed classes, moved fields, a new wrapper); everything Drupal core or Metatag writes
(the ``<head>``, body classes, ``data-history-node-id``, the pager, ``rel="bookmark"``) is the
same in both, as it would be on a real site after a theme change.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

from pipeline.replicas.idb_cities_network.content import MEMBER_CITIES, Node, Version

__all__ = ["LABELS", "Theme", "date_text", "document"]

_SPANISH_MONTHS = "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre"
_ENGLISH_MONTHS = "January February March April May June July August September October November"
MONTHS = {
    "es": [*_SPANISH_MONTHS.split(), "diciembre"],
    "en": [*_ENGLISH_MONTHS.split(), "December"],
}
LABELS = {
    "es": {
        "site": "BID",
        "home": "Inicio",
        "topic": "Desarrollo urbano y vivienda",
        "network": "Red de Ciudades BID",
        "webinar": "Intercambios",
        "publication": "Publicaciones",
        "post": "Blog: Ciudades sostenibles",
        "members": "miembros",
        "speakers": "Panelistas",
        "download": "Descargar PDF",
        "next": "Ir a la página siguiente",
        "empty": "No se encontraron resultados.",
        "not_found": "Página no encontrada",
    },
    "en": {
        "site": "IDB",
        "home": "Home",
        "topic": "Urban development and housing",
        "network": "IDB Cities Network",
        "webinar": "Exchanges",
        "publication": "Publications",
        "post": "Blog: Sustainable Cities",
        "members": "members",
        "speakers": "Speakers",
        "download": "Download PDF",
        "next": "Go to next page",
        "empty": "No results found.",
        "not_found": "Page not found",
    },
}


def date_text(day: date, style: str, lang: str) -> str:
    if style == "numeric":
        return f"{day:%d/%m/%Y}"
    if style == "iso":
        return day.isoformat()
    month = MONTHS[lang][day.month - 1]
    return (
        f"{day.day} de {month} de {day.year}" if lang == "es" else f"{month} {day.day}, {day.year}"
    )


@dataclass(frozen=True)
class Theme:
    redesign: bool = False

    def wrap(self, inner: str) -> str:
        if self.redesign:
            return f'<div class="o-container"><div class="c-article">{inner}</div></div>'
        return f'<div class="layout-content">{inner}</div>'

    def title(self, text: str) -> str:
        if self.redesign:
            return f'<h1 class="c-hero__title">{escape(text)}</h1>'
        return (
            '<h1 class="page-title"><span class="field field--name-title '
            f'field--type-string">{escape(text)}</span></h1>'
        )

    def lead(self, text: str | None) -> str:
        if not text:
            return ""
        if self.redesign:
            return f'<p class="c-hero__lead">{escape(text)}</p>'
        return f'<div class="field field--name-field-lead"><p>{escape(text)}</p></div>'

    def body(self, paragraphs: list[str]) -> str:
        inner = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
        if self.redesign:
            return f'<div class="c-rich-text">{inner}</div>'
        return (
            '<div class="clearfix text-formatted field field--name-body field--type-text-'
            f'with-summary field--label-hidden field__item">{inner}</div>'
        )

    def when(self, node: Node, lang: str) -> str:
        shown = escape(date_text(node.day, node.date_style, lang))
        if self.redesign:
            return f'<p class="c-meta__date">{shown}</p>'
        if node.kind == "publication":  # a plain text field on this content type
            return (
                '<div class="field field--name-field-publication-date">'
                f'<div class="field__item">{shown}</div></div>'
            )
        return (
            '<div class="field field--name-field-date"><time datetime="'
            f'{node.day.isoformat()}T12:00:00Z" class="datetime">{shown}</time></div>'
        )

    def place(self, node: Node, lang: str) -> str:
        if node.place is None:
            return ""
        country = node.place.country_names[0 if lang == "es" else 1]
        if self.redesign:
            return f'<p class="c-meta__place">{escape(node.place.city)}, {escape(country)}</p>'
        return (
            '<div class="field field--name-field-location"><span class="locality">'
            f'{escape(node.place.city)}</span>, <span class="country">{escape(country)}</span>'
            "</div>"
        )

    def topics(self, version: Version, lang: str) -> str:
        term = (
            f'<a href="/{lang}/taxonomy/term/{zlib.crc32(version.category.encode()) % 900 + 100}"'
        )
        if self.redesign:
            return f'<ul class="c-tags"><li>{term}>{escape(version.category)}</a></li></ul>'
        return (
            '<div class="field field--name-field-topics field__items"><div class="field__item">'
            f'{term} hreflang="{lang}">{escape(version.category)}</a></div></div>'
        )

    def speakers(self, node: Node, lang: str) -> str:
        if not node.speakers:
            return ""
        index = 0 if lang == "es" else 1
        rows = []
        for speaker in node.speakers:
            name, role = escape(speaker.name), escape(speaker.roles[index])
            institution = escape(speaker.institution[index])
            if self.redesign:
                rows.append(f"<li><strong>{name}</strong> — {role}, {institution}</li>")
            else:
                rows.append(
                    '<div class="paragraph paragraph--type--speaker">'
                    f'<div class="field field--name-field-speaker-name">{name}</div>'
                    f'<div class="field field--name-field-role">{role}</div>'
                    f'<div class="field field--name-field-institution">{institution}</div></div>'
                )
        heading = f"<h2>{LABELS[lang]['speakers']}</h2>"
        if self.redesign:
            return f'<section class="c-speakers">{heading}<ul>{"".join(rows)}</ul></section>'
        return f'<div class="field field--name-field-speakers">{heading}{"".join(rows)}</div>'

    def video(self, node: Node) -> str:
        if not node.video:
            return ""
        frame = (
            f'<iframe src="{node.video}" width="560" height="315" frameborder="0" '
            'allowfullscreen title="YouTube"></iframe>'
        )
        if self.redesign:
            return f'<figure class="c-video">{frame}</figure>'
        return f'<div class="field field--name-field-video">{frame}</div>'

    def pdf(self, node: Node, title: str, lang: str) -> str:
        if not node.pdf:
            return ""
        link = f'href="{escape(node.pdf)}" type="application/pdf"'
        if self.redesign:
            return f'<a class="c-button c-button--download" {link}>{LABELS[lang]["download"]}</a>'
        return (
            '<div class="field field--name-field-document"><span class="file file--mime-'
            f'application-pdf file--application-pdf"><a {link}>{escape(title)}.pdf</a></span></div>'
        )

    def members(self, lang: str) -> str:
        number, word = MEMBER_CITIES[lang]
        if self.redesign:
            return f'<div class="c-stat"><b class="c-stat__value">{number}</b> {word}</div>'
        return (
            '<div class="field field--name-field-member-count"><span class="stat__number">'
            f'{number}</span> <span class="stat__label">{word}</span></div>'
        )

    def teaser(self, node: Node, version: Version, path: str, lang: str) -> str:
        title_class = "c-card__title" if self.redesign else "node__title"
        classes = f"node node--type-{node.kind} node--view-mode-teaser"
        article = (
            f'<article class="{classes}" data-history-node-id="{node.node_id}">'
            f'<h3 class="{title_class}"><a href="{path}" rel="bookmark"><span>'
            f"{escape(version.title)}</span></a></h3>"
            f'<div class="node__content">{self.when(node, lang)}{self.lead(version.lead)}</div>'
            "</article>"
        )
        if self.redesign:
            return f'<div class="c-card">{article}</div>'
        return f'<div class="views-row">{article}</div>'

    def listing(self, rows: list[str], kind: str) -> str:
        if self.redesign:
            return f'<div class="c-card-grid">{"".join(rows)}</div>'
        return (
            f'<div class="view view-{kind}s view-id-{kind}s view-display-id-page_1">'
            f'<div class="view-content">{"".join(rows)}</div></div>'
        )


def json_ld(graph: Sequence[Mapping[str, object]]) -> str:
    text = json.dumps({"@context": "https://schema.org", "@graph": graph}, ensure_ascii=False)
    text = text.replace("</", "<\\/")
    return f'<script type="application/ld+json">{text}</script>'


def document(
    *,
    lang: str,
    title: str,
    main: str,
    body_classes: str,
    head: list[str],
    theme: Theme,
) -> bytes:
    """A full page: Drupal's html.html.twig around the theme's page and the main content."""
    labels = LABELS[lang]
    other = "en" if lang == "es" else "es"
    menu = (
        f'<nav role="navigation" class="menu--main"><ul class="menu">'
        f'<li class="menu-item"><a href="/{lang}">{labels["home"]}</a></li>'
        f'<li class="menu-item"><a href="/{lang}/{_topic_path(lang)}">{labels["topic"]}</a></li>'
        f'<li class="menu-item"><a href="/{other}" hreflang="{other}">{other.upper()}</a></li>'
        "</ul></nav>"
    )
    header_class = "c-header" if theme.redesign else "site-header"
    page = (
        f'<!DOCTYPE html>\n<html lang="{lang}" dir="ltr">\n<head>\n'
        '<meta charset="utf-8" />\n'
        '<meta name="Generator" content="Drupal 10 (https://www.drupal.org)" />\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1.0" />\n'
        + "\n".join(head)
        + f"\n<title>{escape(title)} | {labels['site']}</title>\n</head>\n"
        f'<body class="{body_classes}">\n<a href="#main-content" class="visually-hidden '
        'focusable skip-link">Skip to main content</a>\n<div class="dialog-off-canvas-main-'
        f'canvas" data-off-canvas-main-canvas><header class="{header_class}" role="banner">'
        f'<a href="/{lang}" rel="home" class="site-logo">{labels["site"]}</a>{menu}</header>'
        f'<main role="main"><a id="main-content" tabindex="-1"></a>{theme.wrap(main)}</main>'
        '<footer class="site-footer">© Inter-American Development Bank</footer></div>\n'
        "</body>\n</html>\n"
    )
    return page.encode("utf-8")


def _topic_path(lang: str) -> str:
    if lang == "es":
        return "quienes-somos/temas/desarrollo-urbano-y-vivienda"
    return "who-we-are/topics/urban-development-and-housing"
