"""HTML of the #BeyondTheOutbreak site as its static export serves it.

WordPress with Yoast SEO and WPML (English at the root, Spanish under ``/es/``), a classic theme
whose session pages are built from core blocks: the video embed, narrative paragraphs, quotes
(``<cite>`` naming the speaker), a figure, the speaker cards and the briefing note as a File
block. The ``redesign`` theme serves the same content with other markup: no ``<article>``, the
meta line moved into a hero wrapper, renamed classes, speakers in an aside.
"""

from __future__ import annotations

import html
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.replicas.beyond_the_outbreak.content import EN_DASH, Session, spanish_date

__all__ = ["Listing", "PageHead", "about_page", "home_page", "not_found_page", "session_page"]

SITE_NAME = "#BeyondTheOutbreak"
UI = {
    "en": {"session": "Session", "next": "Next", "speakers": "Speakers", "download": "Download"},
    "es": {
        "session": "Sesión",
        "next": "Siguiente",
        "speakers": "Ponentes",
        "download": "Descargar",
    },
}
EN_SENTENCES = (
    "The session brought together local and regional leaders to share how their cities deal "
    "with {focus}.",
    "Participants insisted that the response to COVID-19 must be built from the ground up, "
    "with local governments at the table.",
    "More than {n} cities and partners followed the conversation, live and online.",
    "The discussion went beyond the immediate emergency: what must change so that the recovery "
    "leaves no one and no place behind?",
    "Several speakers warned that the crisis has made long-standing inequalities visible.",
    "The Briefing & Learning Note gathers the lessons, the open questions and the commitments "
    "made during the session.",
)
ES_SENTENCES = (
    "La sesión reunió a líderes locales y regionales para compartir cómo sus ciudades afrontan "
    "la crisis.",
    "Las y los participantes insistieron en que la respuesta a la COVID-19 debe construirse "
    "desde lo local.",
    "Más de {n} ciudades y organizaciones siguieron la conversación en directo.",
    "El debate fue más allá de la emergencia: ¿qué debe cambiar para que la recuperación no "
    "deje a nadie ni a ningún territorio atrás?",
)
QUOTES = (
    "We cannot go back to the normal we had before: the normal was part of the problem.",
    "Local governments are the first responders, and they need the means to act.",
    "This crisis shows that public services are the backbone of our communities.",
    "Solidarity among cities is the strongest tool we have.",
    "Nobody is safe until everybody is safe, and that starts in our neighbourhoods.",
)
UPDATE_EN = (
    "Update: the Briefing & Learning Note now includes the commitments made after the session."
)
UPDATE_ES = "Actualización: la nota incluye ahora los compromisos asumidos tras la sesión."
REVISED_EN = "This page was revised after the session: links and figures were checked."
REVISED_ES = "Esta página se revisó después de la sesión: se verificaron enlaces y cifras."


@dataclass(frozen=True)
class PageHead:
    base: str
    path: str
    title: str  # as typed; <title> adds the site name
    language: str  # en / es
    page_id: int
    description: str | None = None
    alternates: tuple[tuple[str, str], ...] = ()  # (hreflang, path)
    published: str | None = None  # ISO, UTC
    modified: str | None = None
    next_path: str | None = None
    og_type: str = "article"


@dataclass(frozen=True)
class Listing:
    entries: Sequence[tuple[str, Session]]  # (link path, session)
    page: int
    pages: int
    base_path: str  # "/" or "/es/home-spanish/"


def paragraphs(session: Session, seed: int, language: str) -> list[str]:
    """The narrative, as plain text (deterministic from seed, session and edits)."""
    rng = random.Random(f"bto-text:{seed}:{session.slug}:{language}:{session.edited}")
    sentences = EN_SENTENCES if language == "en" else ES_SENTENCES
    count = rng.randint(2, 4)
    chosen = rng.sample(sentences, count)
    out = [s.format(focus=session.focus, n=rng.randint(40, 180)) for s in chosen]
    if session.edited:
        out.insert(0, UPDATE_EN if language == "en" else UPDATE_ES)
    if session.revised:
        out.append(REVISED_EN if language == "en" else REVISED_ES)
    return out


def session_page(head: PageHead, session: Session, seed: int, *, redesign: bool, home: str) -> str:
    language = head.language
    text = paragraphs(session, seed, language)
    rng = random.Random(f"bto-quotes:{seed}:{session.slug}")
    quoted = rng.sample(session.speakers, min(len(session.speakers), rng.randint(1, 2)))
    quotes = [(rng.choice(QUOTES), speaker) for speaker in quoted]
    title = session.title if language == "en" else _translated_title(session)
    note = session.briefing.title if language == "en" else "Nota informativa y de aprendizaje"
    date_text = session.date_text if language == "en" else spanish_date(session.date)
    topic = session.topic if language == "en" else session.es_topic
    number = None
    if session.number is not None:
        number = f"{UI[language]['session']} {session.number}"
    blocks = [_video(session)] if session.video_url else []
    blocks += [f"<p>{_t(p)}</p>" for p in text[:2]]
    for quote, speaker in quotes:
        cite = ", ".join(x for x in (speaker.name, speaker.role, speaker.organisation) if x)
        blocks.append(
            f'<blockquote class="wp-block-quote"><p>{_t(quote)}</p><cite>{_t(cite)}</cite>'
            "</blockquote>"
        )
    blocks += [f"<p>{_t(p)}</p>" for p in text[2:]]
    if session.figure:
        blocks.append(
            f'<figure class="wp-block-image size-large"><img loading="lazy" width="1024" '
            f'height="576" src="{head.base}{session.figure}" alt="{_a(topic)}"/>'
            f"<figcaption>{_t(topic)}: key figures</figcaption></figure>"
        )
    pdf = head.base + session.briefing.path
    if redesign:
        body = _session_redesign(session, blocks, title, number, date_text, topic, pdf, note)
    else:
        body = _session_classic(session, blocks, title, number, date_text, topic, pdf, note)
        body = (
            f'<article id="post-{head.page_id}" class="post-{head.page_id} page type-page '
            f'status-publish hentry">{body}</article>'
        )
    return _document(head, body, redesign=redesign, home=home)


def _session_classic(
    session: Session,
    blocks: list[str],
    title: str,
    number: str | None,
    date_text: str,
    topic: str,
    pdf: str,
    note: str,
) -> str:
    meta = f'<span class="session-number">{number}</span> ' if number else ""
    meta += f'<span class="session-date">{date_text}</span> '
    meta += f'<span class="session-topic">{_t(topic)}</span>'
    cards = "".join(
        '<div class="wp-block-column speaker">'
        f'<p class="speaker-name"><strong>{_t(s.name)}</strong></p>'
        f'<p class="speaker-role">{_t(s.role)}</p>'
        + (f'<p class="speaker-organisation">{_t(s.organisation)}</p>' if s.organisation else "")
        + "</div>"
        for s in session.speakers
    )
    return (
        f'<header class="entry-header"><p class="session-meta">{meta}</p>'
        f'<h1 class="entry-title">{_t(title)}</h1></header>\n'
        '<div class="entry-content">\n' + "\n".join(blocks) + "\n"
        '<h2 class="wp-block-heading">Speakers</h2>\n'
        f'<div class="wp-block-columns speakers">{cards}</div>\n'
        f'<div class="wp-block-file"><a href="{pdf}">{_t(note)}</a>'
        f'<a href="{pdf}" class="wp-block-file__button" download>Download</a></div>\n'
        '<p>More case studies on <a href="https://www.uclg.org/en/issues/live-learning-'
        'experience-beyondtheoutbreak">the UCLG website</a>.</p>\n</div>'
    )


def _session_redesign(
    session: Session,
    blocks: list[str],
    title: str,
    number: str | None,
    date_text: str,
    topic: str,
    pdf: str,
    note: str,
) -> str:
    kicker = f'<span class="bto-kicker">{number}</span>' if number else ""
    people = "".join(
        f'<li class="bto-person"><b class="bto-person__name">{_t(s.name)}</b>'
        f'<i class="bto-person__job">{_t(s.role)}</i>'
        + (f'<em class="bto-person__org">{_t(s.organisation)}</em>' if s.organisation else "")
        + "</li>"
        for s in session.speakers
    )
    return (
        '<div class="bto-page"><div class="bto-hero">'
        f'<h2 class="bto-hero__title">{_t(title)}</h2>'
        f'<div class="bto-hero__meta">{kicker}<span class="bto-when">{date_text}</span>'
        f'<span class="bto-label">{_t(topic)}</span></div></div>\n'
        '<section class="bto-content">\n' + "\n".join(blocks) + "\n</section>\n"
        f'<aside class="bto-people"><ul>{people}</ul></aside>\n'
        f'<div class="bto-downloads"><a class="bto-download" href="{pdf}">{_t(note)}</a></div>\n'
        "</div>"
    )


def home_page(head: PageHead, listing: Listing, *, redesign: bool, home: str) -> str:
    language = head.language
    ui = UI[language]
    cards = []
    for link, session in listing.entries:
        title = (
            session.title
            if language == "en" or link == session.path
            else _translated_title(session)
        )
        label = session.topic if language == "en" else session.es_topic
        number = f"{ui['session']} {session.number}" if session.number else ""
        if redesign:
            cards.append(
                f'<div class="bto-tile"><a class="bto-tile__go" href="{head.base}{link}">'
                f"<strong>{_t(title)}</strong><small>{number}</small></a></div>"
            )
        else:
            cards.append(
                f'<article class="session-card"><a class="session-card__link" '
                f'href="{head.base}{link}"><span class="session-card__number">{number}</span>'
                f'<h3 class="session-card__title">{_t(title)}</h3>'
                f'<span class="session-card__topic">{_t(label)}</span></a></article>'
            )
    intro = (
        "<p>A live learning experience of UCLG, Metropolis and UN-Habitat: local and regional "
        "governments share what they do beyond the immediate response to the outbreak.</p>"
        if language == "en"
        else "<p>Una experiencia de aprendizaje en vivo de CGLU, Metropolis y ONU-Hábitat: los "
        "gobiernos locales y regionales comparten lo que hacen más allá de la respuesta "
        "inmediata al brote.</p>"
    )
    pager = ""
    if listing.page < listing.pages:
        next_href = f"{head.base}{listing.base_path}page/{listing.page + 1}/"
        pager = (
            f'<a class="bto-pager__more" href="{next_href}">{ui["next"]}</a>'
            if redesign
            else f'<nav class="navigation pagination"><div class="nav-links">'
            f'<span aria-current="page" class="page-numbers current">{listing.page}</span>'
            f'<a class="next page-numbers" href="{next_href}">{ui["next"]}</a></div></nav>'
        )
    if redesign:
        grid = f'<div class="bto-grid">{"".join(cards)}</div>'
        body = f'<div class="bto-page">{intro}{grid}{pager}</div>'
    else:
        body = (
            '<article class="page type-page hentry"><div class="entry-content">'
            f'{intro}<div class="sessions-grid">{"".join(cards)}</div></div></article>{pager}'
        )
    return _document(head, body, redesign=redesign, home=home)


def about_page(head: PageHead, *, redesign: bool, home: str) -> str:
    body = (
        '<article class="page type-page hentry"><header class="entry-header">'
        f'<h1 class="entry-title">{_t(head.title)}</h1></header><div class="entry-content">'
        "<p>#BeyondTheOutbreak is the knowledge hub of the Live Learning Experience, with case "
        "studies from more than 130 cities and an online course.</p>"
        '<p><a href="https://www.learning.uclg.org/">UCLG Learning</a></p></div></article>'
    )
    return _document(head, body, redesign=redesign, home=home)


def not_found_page(head: PageHead, *, redesign: bool, home: str) -> str:
    body = (
        '<section class="error-404 not-found"><h1 class="page-title">Page not found</h1></section>'
    )
    return _document(head, body, redesign=redesign, home=home)


def _document(head: PageHead, body: str, *, redesign: bool, home: str) -> str:
    lang = "en-US" if head.language == "en" else "es-ES"
    base = head.base
    links = [f'<link rel="canonical" href="{base}{head.path}" />']
    if head.next_path:
        links.append(f'<link rel="next" href="{base}{head.next_path}" />')
    for code, path in head.alternates:
        links.append(f'<link rel="alternate" hreflang="{code}" href="{base}{path}" />')
    if head.alternates:
        links.append(
            f'<link rel="alternate" hreflang="x-default" href="{base}{head.alternates[0][1]}" />'
        )
    # The exporter keeps what WordPress printed, though /wp-json/ no longer exists.
    links.append(f'<link rel="https://api.w.org/" href="{base}/wp-json/" />')
    links.append(
        f'<link rel="alternate" type="application/json" '
        f'href="{base}/wp-json/wp/v2/pages/{head.page_id}" />'
    )
    metas = [f'<meta property="og:locale" content="{lang.replace("-", "_")}" />']
    if head.description:
        metas.insert(0, f'<meta name="description" content="{_a(head.description)}" />')
        metas.append(f'<meta property="og:description" content="{_a(head.description)}" />')
    full_title = f"{head.title} - {SITE_NAME}"
    metas += [
        f'<meta property="og:type" content="{head.og_type}" />',
        f'<meta property="og:title" content="{_a(full_title)}" />',
        f'<meta property="og:url" content="{base}{head.path}" />',
        f'<meta property="og:site_name" content="{SITE_NAME}" />',
    ]
    if head.modified:
        metas.append(f'<meta property="article:modified_time" content="{head.modified}" />')
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {
                "@type": "WebPage",
                "@id": f"{base}{head.path}",
                "url": f"{base}{head.path}",
                "name": full_title,
                "isPartOf": {"@id": f"{base}/#website"},
                **({"datePublished": head.published} if head.published else {}),
                **({"dateModified": head.modified} if head.modified else {}),
                "inLanguage": lang,
            },
            {"@type": "WebSite", "@id": f"{base}/#website", "url": f"{base}/", "name": SITE_NAME},
        ],
    }
    switcher = "".join(
        f'<li class="lang-item lang-item-{code}"><a hreflang="{code}" href="{base}{path}">'
        f"{'English' if code == 'en' else 'Español'}</a></li>"
        for code, path in head.alternates
    )
    theme = "bto2" if redesign else "uclg-hub"
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="UTF-8" />\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1" />\n'
        f"<title>{_t(full_title)}</title>\n"
        + "\n".join(metas + links)
        + '\n<script type="application/ld+json" class="yoast-schema-graph">'
        + json.dumps(graph, ensure_ascii=False).replace("/", "\\/")
        + "</script>\n"
        f'<link rel="stylesheet" href="{base}/wp-content/themes/{theme}/style.css?ver=1.4" />\n'
        f'</head>\n<body class="page-template-default page page-id-{head.page_id} '
        f'theme-{theme}">\n<div id="page" class="site">\n'
        f'<header id="masthead" class="site-header"><a href="{base}{home}" rel="home">'
        f'{SITE_NAME}</a><nav class="main-navigation"><ul class="menu">'
        f'<li><a href="{base}/">Home</a></li><li><a href="{base}/es/home-spanish/">Español</a>'
        f'</li><li><a href="{base}/about/">About</a></li></ul></nav>'
        f'<ul class="language-switcher">{switcher}</ul></header>\n'
        f'<main id="main" class="site-main">\n{body}\n</main>\n'
        '<footer class="site-footer"><p>© 2020 UCLG · Metropolis · UN-Habitat</p></footer>\n'
        "</div>\n</body>\n</html>\n"
    )


def _video(session: Session) -> str:
    provider = "vimeo" if "vimeo" in (session.video_url or "") else "youtube"
    return (
        f'<figure class="wp-block-embed is-type-video is-provider-{provider} '
        f'wp-block-embed-{provider} wp-embed-aspect-16-9 wp-has-aspect-ratio">'
        f'<div class="wp-block-embed__wrapper"><iframe title="{_a(session.video_title or "")}" '
        f'width="640" height="360" src="{session.video_url}" frameborder="0" '
        'allow="autoplay; fullscreen; picture-in-picture" allowfullscreen></iframe></div></figure>'
    )


def _translated_title(session: Session) -> str:
    return session.translation.title if session.translation else session.title


def _t(text: str) -> str:
    """Text as WordPress prints it: escaped, en dashes as entities."""
    return html.escape(text, quote=False).replace(EN_DASH, "&#8211;")


def _a(text: str) -> str:
    return html.escape(text, quote=True)
