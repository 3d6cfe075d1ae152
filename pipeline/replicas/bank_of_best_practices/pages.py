"""HTML of the Bank of Best Practices: the WordPress theme as installed, and its redesign.

The classic theme prints the practice's ACF fields as a definition list (``dl.ficha-practica``);
the redesign (quirk ``redesign``) shows the same content in renamed, moved markup
(``.practice__facts``, ``.practice__description``) that the shipped selector profile misses. The
``<head>`` (Yoast SEO) and the body classes WordPress core prints are the same in both.
"""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.replicas.bank_of_best_practices.model import Practice
from pipeline.replicas.bank_of_best_practices.vocabulary import COUNTRY_NAMES
from pipeline.replicas.wordpress.formatting import (
    date_i18n,
    esc_attr,
    esc_html,
    gmt_w3c,
    texturize,
    yoast_json,
)

__all__ = [
    "SITE_NAME",
    "detail_page",
    "home_page",
    "listing_page",
    "not_found_page",
    "shown_date",
]

SITE_NAME = "Banco de Buenas Prácticas"
NETWORK = "Observatorio de Cooperación Ciudad-Universidad"
ARCHIVE_INTRO = (
    "Prácticas llevadas adelante en conjunto por gobiernos locales y universidades públicas "
    "de la región, distinguidas por Mercociudades y la Asociación de Universidades Grupo "
    "Montevideo (AUGM)."
)
SDG_NAMES = {
    3: "Salud y bienestar",
    4: "Educación de calidad",
    5: "Igualdad de género",
    8: "Trabajo decente y crecimiento económico",
    9: "Industria, innovación e infraestructura",
    10: "Reducción de las desigualdades",
    11: "Ciudades y comunidades sostenibles",
    12: "Producción y consumo responsables",
    13: "Acción por el clima",
    15: "Vida de ecosistemas terrestres",
    16: "Paz, justicia e instituciones sólidas",
}


def shown_date(practice: Practice) -> str:
    """The "Fecha de publicación" field as the editor typed it."""
    moment = practice.date
    if practice.date_format == "long":
        return date_i18n(moment, practice.language)
    if practice.date_format == "slash":
        return f"{moment:%d/%m/%Y}"
    return f"{moment:%Y-%m-%d}"


def _document(
    base: str,
    title: str,
    body_class: str,
    main: str,
    *,
    api: bool,
    head: str = "",
    redesign: bool,
) -> str:
    api_link = f'<link rel="https://api.w.org/" href="{base}/wp-json/" />\n' if api else ""
    header = (
        f'<header class="topbar"><a class="brand" href="{base}/">{NETWORK}</a>'
        f'<nav class="topbar__menu"><a href="{base}/practicas/">Prácticas</a></nav></header>'
        if redesign
        else f'<header id="masthead" class="site-header"><p class="site-title">'
        f'<a href="{base}/" rel="home">{NETWORK}</a></p><nav id="site-navigation" '
        f'class="main-navigation"><ul id="primary-menu" class="menu"><li class="menu-item">'
        f'<a href="{base}/practicas/">Banco de Buenas Prácticas</a></li></ul></nav></header>'
    )
    return (
        '<!DOCTYPE html>\n<html lang="es-ES">\n<head>\n<meta charset="UTF-8" />\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1" />\n'
        f"<title>{esc_html(title)}</title>\n{head}{api_link}"
        '<meta name="generator" content="WordPress 6.4.3" />\n</head>\n'
        f'<body class="{body_class}">\n<div id="page" class="site">\n{header}\n{main}\n'
        '<footer id="colophon" class="site-footer"><p>Mercociudades &middot; Asociación de '
        "Universidades Grupo Montevideo</p></footer>\n</div>\n</body>\n</html>\n"
    )


def _paragraphs(texts: Sequence[str]) -> str:
    return "\n".join(f"<p>{texturize(text)}</p>" for text in texts)


def _head(base: str, practice: Practice, api: bool) -> str:
    url = f"{base}{practice.path}"
    description = (
        f'<meta name="description" content="{esc_attr(practice.summary)}" />\n'
        f'<meta property="og:description" content="{esc_attr(practice.summary)}" />\n'
        if practice.summary
        else ""
    )
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {
                "@type": "WebPage",
                "@id": url,
                "url": url,
                "name": f"{practice.title} - {SITE_NAME}",
                "isPartOf": {"@id": f"{base}/#website"},
                "datePublished": gmt_w3c(practice.date),
                "dateModified": gmt_w3c(practice.modified),
                "inLanguage": "es",
            },
            {"@type": "WebSite", "@id": f"{base}/#website", "url": f"{base}/", "name": NETWORK},
        ],
    }
    json_link = (
        f'<link rel="alternate" title="JSON" type="application/json" '
        f'href="{base}/wp-json/wp/v2/practica/{practice.id}" />\n'
        if api
        else ""
    )
    return (
        f"{description}"
        f'<link rel="canonical" href="{url}" />\n'
        '<meta property="og:locale" content="es_ES" />\n'
        '<meta property="og:type" content="article" />\n'
        f'<meta property="og:title" content="{esc_attr(practice.title)}" />\n'
        f'<meta property="og:url" content="{url}" />\n'
        f'<meta property="og:site_name" content="{NETWORK}" />\n'
        f'<meta property="article:modified_time" content="{gmt_w3c(practice.modified)}" />\n'
        '<script type="application/ld+json" class="yoast-schema-graph">'
        f"{yoast_json(graph)}</script>\n"
        f"{json_link}"
        f'<link rel="shortlink" href="{base}/?p={practice.id}" />\n'
    )


def _facts(base: str, practice: Practice, area_slugs: dict[str, str]) -> list[tuple[str, str, str]]:
    """(css name, label, value HTML) of every ACF field the practice has, in the field order."""
    areas = ", ".join(
        f'<a href="{base}/practicas/?area={area_slugs[a]}" rel="tag">{esc_html(a)}</a>'
        for a in practice.areas
    )
    universities = "".join(f"<li>{esc_html(u)}</li>" for u in practice.universities)
    facts = [
        ("gobierno", "Gobierno local", esc_html(practice.government)),
        ("tipo-gobierno", "Tipo de gobierno local", practice.government_type_label),
        ("ciudad", "Ciudad", esc_html(practice.city)),
        ("pais", "País", COUNTRY_NAMES[practice.country]),
        ("universidades", "Universidad/es", f"<ul>{universities}</ul>"),
        ("areas", "Área temática", areas),
    ]
    if practice.year is not None:
        facts.append(("anio", "Año de implementación", str(practice.year)))
    facts.append(("estado", "Estado", practice.status_label))
    if practice.sdgs:
        items = "".join(
            f'<li class="ods ods-{n}" title="ODS {n}: {SDG_NAMES[n]}">ODS {n}</li>'
            for n in practice.sdgs
        )
        facts.append(
            ("ods", "Objetivos de Desarrollo Sostenible", f'<ul class="ods-lista">{items}</ul>')
        )
    facts.append(("idioma", "Idioma", practice.language_label))
    facts.append(("fecha", "Fecha de publicación", shown_date(practice)))
    return facts


def _contacts(practice: Practice, element: str, css: str) -> str:
    rows = "".join(
        f'<li><strong>{esc_html(c.role)}:</strong> <span class="contacto-nombre">'
        f'{esc_html(c.name)}</span> &ndash; <a href="mailto:{c.email}">{c.email}</a> &ndash; '
        f'Tel. <a href="tel:{c.phone.replace(" ", "").replace("-", "")}">{c.phone}</a></li>'
        for c in practice.contacts
    )
    return f'<{element} class="{css}"><h2>Contacto</h2><ul>{rows}</ul></{element}>'


def _files(base: str, practice: Practice, css: str) -> str:
    if not practice.documents:
        return ""
    rows = "".join(
        f'<li><a class="documento-pdf" href="{d.url(base)}">{esc_html(d.title)}</a> '
        '<span class="formato">(PDF)</span></li>'
        for d in practice.documents
    )
    return f'<section class="{css}"><h2>Documentos</h2><ul>{rows}</ul></section>'


def detail_page(
    base: str, practice: Practice, area_slugs: dict[str, str], *, api: bool, redesign: bool
) -> str:
    facts = _facts(base, practice, area_slugs)
    term_classes = " ".join(f"area_tematica-{area_slugs[a]}" for a in practice.areas)
    body_class = f"practica-template-default single single-practica postid-{practice.id} " + (
        "theme-observatorio-2024" if redesign else "theme-observatorio"
    )
    summary = practice.summary
    if redesign:
        lead = f'<p class="practice__lead">{esc_html(summary)}</p>' if summary else ""
        rows = "".join(
            f'<li class="fact"><span class="fact__label">{label}</span>'
            f'<span class="fact__value">{value}</span></li>'
            for _, label, value in facts
        )
        main = (
            f'<main id="content" class="site-content"><div class="practice-wrapper">'
            f'<div class="practice" data-id="{practice.id}">'
            f'<div class="practice__head"><h1 class="practice__title">{texturize(practice.title)}'
            f"</h1>{lead}</div>\n"
            f'<div class="practice__grid"><aside class="practice__facts"><ul>{rows}</ul></aside>\n'
            f'<section class="practice__description">{_paragraphs(practice.content_paragraphs)}'
            f"</section></div>\n{_files(base, practice, 'practice__files')}\n"
            f"{_contacts(practice, 'aside', 'practice__contact')}</div></div></main>"
        )
    else:
        resumen = (
            f'<div class="practica-resumen"><p>{esc_html(summary)}</p></div>' if summary else ""
        )
        rows = "".join(
            f'<dt class="ficha-{name}-label">{label}</dt><dd class="ficha-{name}">{value}</dd>'
            for name, label, value in facts
        )
        main = (
            f'<main id="main" class="site-main">\n<article id="post-{practice.id}" '
            f'class="post-{practice.id} practica type-practica status-publish hentry '
            f'{term_classes}">\n<header class="entry-header"><h1 class="entry-title">'
            f"{texturize(practice.title)}</h1></header>\n{resumen}\n"
            f'<dl class="ficha-practica">{rows}</dl>\n'
            f'<div class="entry-content">\n{_paragraphs(practice.content_paragraphs)}\n</div>\n'
            f"{_files(base, practice, 'practica-documentos')}\n"
            f"{_contacts(practice, 'section', 'practica-contacto')}\n</article>\n</main>"
        )
    title = f"{practice.title} - {SITE_NAME}"
    head = _head(base, practice, api)
    return _document(base, title, body_class, main, api=api, head=head, redesign=redesign)


def listing_page(
    base: str,
    practices: Sequence[Practice],
    *,
    page: int,
    pages: int,
    area: tuple[str, str] | None,  # (name, slug) of the filter
    areas: Sequence[tuple[str, str]],
    api: bool,
    redesign: bool,
) -> str:
    query = f"?area={area[1]}" if area else ""

    def page_url(number: int) -> str:
        return f"{base}/practicas/" + (f"page/{number}/" if number > 1 else "") + query

    head = f'<link rel="canonical" href="{page_url(page)}" />\n'
    if page > 1:
        head += f'<link rel="prev" href="{page_url(page - 1)}" />\n'
    if page < pages:
        head += f'<link rel="next" href="{page_url(page + 1)}" />\n'
    options = "".join(
        f'<option value="{slug}"{" selected" if area and area[1] == slug else ""}>'
        f"{esc_html(name)}</option>"
        for name, slug in areas
    )
    heading = esc_html(area[0]) if area else SITE_NAME
    form = (
        f'<form class="filtro-practicas" method="get" action="{base}/practicas/">'
        f'<label for="area">Área temática</label><select name="area" id="area">'
        f'<option value="">Todas</option>{options}</select><button type="submit">Filtrar</button>'
        "</form>"
    )
    if redesign:
        cards = "\n".join(
            f'<article class="practice-card" data-id="{p.id}"><h3 class="practice-card__title">'
            f'<a href="{base}{p.path}">{texturize(p.title)}</a></h3>'
            f'<p class="practice-card__place">{esc_html(p.government)} &middot; '
            f"{COUNTRY_NAMES[p.country]}</p></article>"
            for p in practices
        )
        pager = (
            f'<a class="pager__next" href="{page_url(page + 1)}">Siguiente</a>'
            if page < pages
            else ""
        )
        main = (
            f'<main id="content" class="site-content"><div class="practices-head"><h1>{heading}'
            f'</h1>{form}</div>\n<div class="practice-grid">\n{cards}\n</div>\n'
            f'<div class="pager">{pager}</div></main>'
        )
    else:
        entries = "\n".join(
            f'<article id="post-{p.id}" class="post-{p.id} practica type-practica '
            f'status-publish hentry"><header class="entry-header"><h2 class="entry-title">'
            f'<a href="{base}{p.path}" rel="bookmark">{texturize(p.title)}</a></h2></header>'
            + (
                f'<div class="entry-summary"><p>{esc_html(p.summary)}</p></div>'
                if p.summary
                else ""
            )
            + '<footer class="entry-footer"><span class="practica-gobierno">'
            f'{esc_html(p.government)}</span> | <span class="practica-pais">'
            f"{COUNTRY_NAMES[p.country]}</span></footer>"
            "</article>"
            for p in practices
        )
        links = []
        if page > 1:
            links.append(f'<a class="prev page-numbers" href="{page_url(page - 1)}">Anterior</a>')
        for number in range(1, pages + 1):
            if number == page:
                links.append(
                    f'<span aria-current="page" class="page-numbers current">{number}</span>'
                )
            else:
                links.append(f'<a class="page-numbers" href="{page_url(number)}">{number}</a>')
        if page < pages:
            links.append(f'<a class="next page-numbers" href="{page_url(page + 1)}">Siguiente</a>')
        nav = (
            '<nav class="navigation pagination" aria-label="Entradas">'
            '<h2 class="screen-reader-text">Navegación de entradas</h2>'
            f'<div class="nav-links">{"".join(links)}</div></nav>'
            if pages > 1
            else ""
        )
        main = (
            f'<main id="main" class="site-main"><header class="page-header"><h1 class="page-title">'
            f'{heading}</h1><div class="archive-description"><p>{ARCHIVE_INTRO}</p></div>{form}'
            f"</header>\n{entries}\n{nav}</main>"
        )
    body_class = "archive post-type-archive post-type-archive-practica " + (
        "theme-observatorio-2024" if redesign else "theme-observatorio"
    )
    title = f"{heading} - {NETWORK}" + (f" - Página {page}" if page > 1 else "")
    return _document(base, title, body_class, main, api=api, head=head, redesign=redesign)


def not_found_page(base: str, *, api: bool, redesign: bool) -> str:
    main = (
        '<main id="main" class="site-main"><section class="error-404 not-found">'
        '<h1 class="page-title">¡Vaya! No se ha podido encontrar esa página.</h1></section></main>'
    )
    return _document(
        base, f"Página no encontrada - {NETWORK}", "error404", main, api=api, redesign=redesign
    )


def home_page(base: str, *, api: bool, redesign: bool) -> str:
    main = (
        f'<main id="main" class="site-main"><h1>{NETWORK}</h1><p>{ARCHIVE_INTRO}</p>'
        f'<p><a href="{base}/practicas/">Ver el Banco de Buenas Prácticas</a></p></main>'
    )
    return _document(base, NETWORK, "home page-template-default", main, api=api, redesign=redesign)
