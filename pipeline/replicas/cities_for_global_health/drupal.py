# ruff: noqa: E501, RUF001  (templates: markup as Drupal prints it, the pager's glyphs too)
"""HTML, RSS and sitemap markup as a Drupal 9 site with a custom theme serves them.

Field markup is core's ``field.html.twig`` (``field field--name-field-city field--type-string
field--label-inline``), listings are Views (``views-row``, the full pager ``nav.pager``), the
language switcher is core's, hreflang alternates come from content_translation (translations that
exist only), the sitemap from simple_sitemap. With ``redesign`` the theme's node template is new:
same content, other classes, fields moved into a fact list.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from xml.sax.saxutils import escape as xml_escape

from pipeline.replicas.cities_for_global_health.model import Home, Initiative, Version, date_text
from pipeline.replicas.wordpress.formatting import date_rfc822

__all__ = [
    "PER_PAGE",
    "SITE_NAME",
    "home_page",
    "listing_page",
    "node_page",
    "page",
    "rss_feed",
    "sitemap",
    "sitemap_index",
]

SITE_NAME = "Cities for Global Health"
PER_PAGE = 10
UI = {
    "en": {
        "home": "Home", "initiatives": "Initiatives", "about": "About", "city": "City",
        "country": "Country", "organisation": "Organisation", "topics": "Topics",
        "phase": "Phase", "date": "Date", "documents": "Documents", "links": "Links",
        "uploaded": "initiatives uploaded", "cities": "cities with initiatives",
        "empty": "No initiatives found.", "next": "Next page", "last": "Last page",
        "first": "First page", "previous": "Previous page", "more": "Read more",
        "intro": "Cities for Global Health gathers the initiatives of local and regional "
        "governments facing COVID-19 and other health emergencies: plans, strategies, "
        "policies, protocols, decrees and studies, shared by Metropolis and AL-LAs with the "
        "support of UCLG and UN-Habitat.",
    },
    "es": {
        "home": "Inicio", "initiatives": "Iniciativas", "about": "Acerca de", "city": "Ciudad",
        "country": "País", "organisation": "Organización", "topics": "Temas", "phase": "Fase",
        "date": "Fecha", "documents": "Documentos", "links": "Enlaces",
        "uploaded": "iniciativas subidas", "cities": "ciudades con iniciativas",
        "empty": "No se encontraron iniciativas.", "next": "Página siguiente",
        "last": "Última página", "first": "Primera página", "previous": "Página anterior",
        "more": "Leer más",
        "intro": "Cities for Global Health reúne las iniciativas de gobiernos locales y "
        "regionales frente al COVID-19 y otras emergencias sanitarias: planes, estrategias, "
        "políticas, protocolos, decretos y estudios, compartidos por Metropolis y AL-LAs con "
        "el apoyo de CGLU y ONU-Hábitat.",
    },
}  # fmt: skip
LANGUAGE_NAMES = {"en": "English", "es": "Español"}


def _prefix(lang: str) -> str:
    return "" if lang == "en" else "/" + lang


def page(
    base: str,
    lang: str,
    title: str,
    content: str,
    *,
    body_class: str,
    switcher: dict[str, str],
    head: Sequence[str] = (),
) -> bytes:
    """The html.html.twig + page.html.twig around ``content``; ``switcher``: lang -> path."""
    ui = UI[lang]
    prefix = _prefix(lang)
    links = "".join(
        f'<li hreflang="{code}" data-drupal-link-system-path="<front>" class="{code}'
        f'{" is-active" if code == lang else ""}"><a href="{escape(path)}" class="language-link'
        f'{" is-active" if code == lang else ""}" hreflang="{code}">{LANGUAGE_NAMES[code]}</a></li>'
        for code, path in switcher.items()
    )
    head_html = "\n".join(head)
    return f"""<!DOCTYPE html>
<html lang="{lang}" dir="ltr" prefix="content: http://purl.org/rss/1.0/modules/content/  dc: http://purl.org/dc/terms/  og: http://ogp.me/ns#  schema: http://schema.org/">
  <head>
    <meta charset="utf-8" />
    <meta name="Generator" content="Drupal 9 (https://www.drupal.org)" />
    <meta name="MobileOptimized" content="width" />
    <meta name="viewport" content="width=device-width, initial-scale=1.0" />
    <meta property="og:site_name" content="{SITE_NAME}" />
{head_html}
    <link rel="icon" href="/themes/custom/cfgh/favicon.ico" type="image/vnd.microsoft.icon" />
    <title>{escape(title)}</title>
    <link rel="stylesheet" media="all" href="/sites/default/files/css/css_7Hb0bT3u5.css" />
  </head>
  <body class="{body_class}">
    <a href="#main-content" class="visually-hidden focusable skip-link">Skip to main content</a>
    <div class="dialog-off-canvas-main-canvas" data-off-canvas-main-canvas>
    <div class="layout-container">
      <header role="banner">
        <div class="region region-header">
          <div id="block-cfgh-branding" class="block block-system block-system-branding-block">
            <a href="{prefix}/" rel="home" class="site-logo"><img src="/themes/custom/cfgh/logo.svg" alt="{ui["home"]}" /></a>
          </div>
          <nav role="navigation" aria-labelledby="block-cfgh-main-menu-menu" id="block-cfgh-main-menu" class="block block-menu navigation menu--main">
            <ul class="menu">
              <li class="menu-item"><a href="{prefix}/" data-drupal-link-system-path="&lt;front&gt;">{ui["home"]}</a></li>
              <li class="menu-item"><a href="{prefix}/initiatives" data-drupal-link-system-path="initiatives">{ui["initiatives"]}</a></li>
              <li class="menu-item"><a href="{prefix}/about" data-drupal-link-system-path="node/3">{ui["about"]}</a></li>
            </ul>
          </nav>
          <div class="language-switcher-language-url block block-language block-language-blocklanguage-interface" id="block-cfgh-languageswitcher" role="navigation">
            <ul class="links">{links}</ul>
          </div>
        </div>
      </header>
      <main role="main">
        <a id="main-content" tabindex="-1"></a>
        <div class="layout-content">
{content}
        </div>
      </main>
      <footer role="contentinfo"><div class="region region-footer"><p>Metropolis · AL-LAs · UCLG · UN-Habitat</p></div></footer>
    </div>
    </div>
  </body>
</html>
""".encode()


def _field(name: str, kind: str, label: str | None, items: Sequence[str]) -> str:
    """core field.html.twig: inline label, one item or ``field__items``."""
    if not items:
        return ""
    if label is None:
        return (
            f'<div class="field field--name-{name} field--type-{kind} field--label-hidden '
            f'field__item">{items[0]}</div>'
        )
    wrapped = "".join(f'<div class="field__item">{item}</div>' for item in items)
    if len(items) > 1:
        wrapped = f'<div class="field__items">{wrapped}</div>'
    layout = "above" if kind in ("file", "link", "entity-reference") else "inline"
    return (
        f'<div class="field field--name-{name} field--type-{kind} field--label-{layout}">'
        f'<div class="field__label">{escape(label)}</div>{wrapped}</div>'
    )


def _date_item(node: Initiative, lang: str) -> tuple[str, str] | None:
    """(field type, item html) of the date field: a datetime, or a legacy string as typed."""
    if node.date is None:
        return None
    if node.date_text is not None:
        return "string", escape(node.date_text)
    shown = date_text(node.date, "es" if lang == "es" else "dmy")
    stamp = f"{node.date.isoformat()}T12:00:00Z"
    return "datetime", f'<time datetime="{stamp}" class="datetime">{shown}</time>'


def _documents(node: Initiative) -> list[str]:
    return [
        '<span class="file file--mime-application-pdf file--application-pdf">'
        f'<a href="{escape(doc.path)}" type="application/pdf">{escape(doc.title)}</a></span>'
        f" <span>({40 + len(doc.title)} KB)</span>"
        for doc in node.documents
    ]


def _links(node: Initiative) -> list[str]:
    return [f'<a href="{escape(link.url)}">{escape(link.title)}</a>' for link in node.links]


def _topics(version: Version, term_ids: dict[str, int]) -> list[str]:
    prefix = _prefix(version.language)
    return [
        f'<a href="{prefix}/taxonomy/term/{term_ids[topic]}" hreflang="{version.language}">'
        f"{escape(topic)}</a>"
        for topic in version.topics
    ]


def _description(version: Version) -> str:
    return "".join(f"<p>{escape(paragraph)}</p>" for paragraph in version.paragraphs)


def node_page(
    base: str, node: Initiative, version: Version, term_ids: dict[str, int], *, redesign: bool
) -> bytes:
    lang, ui = version.language, UI[version.language]
    dated = _date_item(node, lang)
    head = [
        f'    <meta name="description" content="{escape(version.summary)}" />',
        f'    <link rel="canonical" href="{base}{escape(version.path)}" />',
        f'    <link rel="shortlink" href="{base}{_prefix(lang)}/node/{node.nid}" />',
        *(
            f'    <link rel="alternate" hreflang="{v.language}" href="{base}{escape(v.path)}" />'
            for v in node.versions
        ),
        f'    <meta property="og:url" content="{base}{escape(version.path)}" />',
        f'    <meta property="og:title" content="{escape(version.title)}" />',
        f'    <meta property="og:description" content="{escape(version.summary)}" />',
        '    <meta property="og:type" content="article" />',
        f'    <meta property="article:published_time" content="{node.created.isoformat()}" />',
        f'    <meta property="article:modified_time" content="{node.changed.isoformat()}" />',
    ]
    switcher = {
        code: (v.path if (v := node.version(code)) else f"{_prefix(code)}/node/{node.nid}")
        for code in ("en", "es")
    }
    if redesign:
        content = _node_redesigned(node, version, term_ids, dated)
    else:
        fields = [
            _field("field-city", "string", ui["city"], [escape(version.city or "")] * bool(version.city)),
            _field("field-country", "string", ui["country"], [escape(version.country_name)]),
            _field("field-organisation", "string", ui["organisation"], [escape(o) for o in node.organisations]),
            _field("field-topics", "entity-reference", ui["topics"], _topics(version, term_ids)),
            _field("field-phase", "list-string", ui["phase"], [escape(version.phase)]),
            _field("field-date", dated[0] if dated else "datetime", ui["date"], [dated[1]] if dated else []),
            _field("body", "text-with-summary", None, [_description(version)]).replace(
                'class="field', 'class="clearfix text-formatted field', 1
            ),
            _field("field-documents", "file", ui["documents"], _documents(node)),
            _field("field-links", "link", ui["links"], _links(node)),
        ]  # fmt: skip
        content = f"""          <div class="region region-content">
            <div id="block-cfgh-page-title" class="block block-core block-page-title-block">
              <h1 class="page-title"><span class="field field--name-title field--type-string field--label-hidden">{escape(version.title)}</span></h1>
            </div>
            <div id="block-cfgh-content" class="block block-system block-system-main-block">
              <article data-history-node-id="{node.nid}" role="article" about="{escape(version.path)}" class="node node--type-initiative node--view-mode-full">
                <div class="node__content">
                  {"".join(fields)}
                </div>
              </article>
            </div>
          </div>"""
    return page(
        base,
        lang,
        f"{version.title} | {SITE_NAME}",
        content,
        body_class="path-node page-node-type-initiative",
        switcher=switcher,
        head=head,
    )


def _node_redesigned(
    node: Initiative, version: Version, term_ids: dict[str, int], dated: tuple[str, str] | None
) -> str:
    """The 2023 theme: a hero with the title, a fact list (dl), the text in its own section."""
    ui = UI[version.language]
    facts = [
        (ui["city"], escape(version.city or "")),
        (ui["country"], escape(version.country_name)),
        (ui["organisation"], ", ".join(escape(o) for o in node.organisations)),
        (ui["topics"], " ".join(_topics(version, term_ids))),
        (ui["phase"], escape(version.phase)),
        (ui["date"], dated[1] if dated else ""),
    ]
    fact_list = "".join(
        f'<div class="initiative-facts__row"><dt>{label}</dt><dd>{value}</dd></div>'
        for label, value in facts
        if value
    )
    files = "".join(f"<li>{item}</li>" for item in [*_documents(node), *_links(node)])
    return f"""          <div class="region region-content">
            <section class="initiative" data-history-node-id="{node.nid}">
              <header class="initiative__hero"><h1 class="initiative__heading">{escape(version.title)}</h1></header>
              <dl class="initiative-facts">{fact_list}</dl>
              <section class="initiative__text">{_description(version)}</section>
              <ul class="initiative__attachments">{files}</ul>
            </section>
          </div>"""


def home_page(base: str, lang: str, home: Home, latest: Sequence[Initiative]) -> bytes:
    ui, prefix = UI[lang], _prefix(lang)
    cards = "".join(
        f'<li><a href="{escape(n.path)}">{escape(n.title)}</a></li>' for n in latest[:6]
    )
    content = f"""          <div class="region region-content">
            <h1 class="visually-hidden">{SITE_NAME}</h1>
            <div id="block-cfgh-intro" class="block block-block-content">
              <div class="clearfix text-formatted field field--name-body field--type-text-with-summary field--label-hidden field__item"><p>{escape(ui["intro"])}</p></div>
            </div>
            <div id="block-cfgh-counters" class="block block-block-content block-counters">
              <div class="counters">
                <div class="counter"><span class="counter__number">{home.initiatives}</span> <span class="counter__label">{ui["uploaded"]}</span></div>
                <div class="counter"><span class="counter__number">{home.cities}</span> <span class="counter__label">{ui["cities"]}</span></div>
              </div>
            </div>
            <div class="views-element-container block block-views"><ul class="latest-initiatives">{cards}</ul>
              <a class="button" href="{prefix}/initiatives">{ui["initiatives"]}</a></div>
          </div>"""
    head = [
        f'    <link rel="canonical" href="{base}{prefix}/" />',
        f'    <link rel="alternate" hreflang="en" href="{base}/" />',
        f'    <link rel="alternate" hreflang="es" href="{base}/es" />',
        f'    <link rel="alternate" type="application/rss+xml" title="{SITE_NAME}" href="{base}{prefix}/rss.xml" />',
        f'    <meta property="og:title" content="{SITE_NAME}" />',
        f'    <meta name="description" content="{escape(ui["intro"])}" />',
    ]  # fmt: skip
    return page(
        base,
        lang,
        f"{ui['home']} | {SITE_NAME}",
        content,
        body_class="path-frontpage",
        switcher={"en": "/", "es": "/es"},
        head=head,
    )


def _teaser(node: Initiative) -> str:
    version = node.original
    summary = escape(version.summary)
    day = f'<div class="node__date">{node.date.isoformat()}</div>' if node.date else ""
    return f"""<div class="views-row"><article data-history-node-id="{node.nid}" role="article" about="{escape(version.path)}" class="node node--type-initiative node--view-mode-teaser" lang="{version.language}">
  <h2 class="node__title"><a href="{escape(version.path)}" rel="bookmark"><span class="field field--name-title field--type-string field--label-hidden">{escape(version.title)}</span></a></h2>
  {day}<div class="node__content"><div class="clearfix text-formatted field field--name-body field--type-text-with-summary field--label-hidden field__item"><p>{summary}</p></div>
  <a href="{escape(version.path)}" rel="tag" hreflang="{version.language}">{UI[version.language]['more']}</a></div>
</article></div>"""  # fmt: skip


def _pager(lang: str, page_number: int, pages: int) -> str:
    ui = UI[lang]
    items = []
    if page_number > 0:
        items.append(
            f'<li class="pager__item pager__item--first"><a href="?page=0" title="{ui["first"]}">«</a></li>'
        )
        items.append(
            f'<li class="pager__item pager__item--previous"><a href="?page={page_number - 1}" rel="prev" title="{ui["previous"]}">‹</a></li>'
        )
    for number in range(max(0, page_number - 4), min(pages, page_number + 5)):
        active = " is-active" if number == page_number else ""
        items.append(
            f'<li class="pager__item{active}"><a href="?page={number}" title="{number + 1}">{number + 1}</a></li>'
        )
    if page_number < pages - 1:
        items.append(
            f'<li class="pager__item pager__item--next"><a href="?page={page_number + 1}" rel="next" title="{ui["next"]}">›</a></li>'
        )
        items.append(
            f'<li class="pager__item pager__item--last"><a href="?page={pages - 1}" title="{ui["last"]}">»</a></li>'
        )
    return f'<nav class="pager" role="navigation" aria-labelledby="pagination-heading"><ul class="pager__items js-pager__items">{"".join(items)}</ul></nav>'  # fmt: skip


def listing_page(base: str, lang: str, nodes: Sequence[Initiative], page_number: int) -> bytes:
    ui, prefix = UI[lang], _prefix(lang)
    pages = max(1, -(-len(nodes) // PER_PAGE))
    shown = nodes[page_number * PER_PAGE : (page_number + 1) * PER_PAGE]
    rows = (
        "\n".join(_teaser(node) for node in shown) or f'<div class="view-empty">{ui["empty"]}</div>'
    )
    pager = _pager(lang, page_number, pages) if shown and pages > 1 else ""
    content = f"""          <div class="region region-content">
            <div id="block-cfgh-page-title" class="block block-core block-page-title-block"><h1 class="page-title">{ui['initiatives']}</h1></div>
            <div class="views-element-container"><div class="view view-initiatives view-id-initiatives view-display-id-page_1 js-view-dom-id-5b1f">
              <div class="view-content">
{rows}
              </div>
              {pager}
              <div class="feed-icons"><a href="{prefix}/initiatives/feed" class="feed-icon">RSS</a></div>
            </div></div>
          </div>"""  # fmt: skip
    query = f"?page={page_number}" if page_number else ""
    head = [
        f'    <link rel="canonical" href="{base}{prefix}/initiatives{query}" />',
        f'    <link rel="alternate" type="application/rss+xml" title="{ui["initiatives"]}" href="{base}{prefix}/initiatives/feed" />',
    ]  # fmt: skip
    return page(
        base,
        lang,
        f"{ui['initiatives']} | {SITE_NAME}",
        content,
        body_class="path-initiatives",
        switcher={"en": f"/initiatives{query}", "es": f"/es/initiatives{query}"},
        head=head,
    )


def rss_feed(base: str, lang: str, nodes: Sequence[Initiative], path: str) -> bytes:
    """views RSS: the ten newest nodes (by created), each in its original language."""
    items = "".join(
        f"""
    <item>
      <title>{xml_escape(n.title)}</title>
      <link>{base}{xml_escape(n.path)}</link>
      <description>{xml_escape(f"<p>{escape(n.original.summary)}</p>")}</description>
      <pubDate>{date_rfc822(n.created)}</pubDate>
      <dc:creator>cfgh_editor</dc:creator>
      <guid isPermaLink="false">{n.nid} at {base}</guid>
    </item>"""
        for n in nodes[:10]
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xml:base="{base}{_prefix(lang)}/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>{SITE_NAME}</title>
    <link>{base}{_prefix(lang)}/</link>
    <description></description>
    <language>{lang}</language>
    <atom:link href="{base}{path}" rel="self" type="application/rss+xml" />{items}
  </channel>
</rss>
""".encode()


def sitemap(base: str, entries: Sequence[tuple[str, str, dict[str, str]]]) -> bytes:
    """simple_sitemap's urlset: (path, lastmod, hreflang -> path) per URL."""
    urls = []
    for path, lastmod, alternates in entries:
        links = "".join(
            f'<xhtml:link rel="alternate" hreflang="{code}" href="{base}{xml_escape(alt)}"/>'
            for code, alt in alternates.items()
        )
        urls.append(
            f"<url><loc>{base}{xml_escape(path)}</loc>{links}<lastmod>{lastmod}</lastmod>"
            "<changefreq>weekly</changefreq><priority>0.5</priority></url>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><?xml-stylesheet type="text/xsl" '
        'href="/sitemap_generator/default/sitemap.xsl"?>\n<urlset '
        'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:xhtml="http://www.w3.org/1999/xhtml">' + "".join(urls) + "</urlset>"
    ).encode()


def sitemap_index(base: str, pages: int, lastmod: str) -> bytes:
    chunks = "".join(
        f"<sitemap><loc>{base}/sitemap.xml?page={number}</loc><lastmod>{lastmod}</lastmod></sitemap>"
        for number in range(1, pages + 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex '
        'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">' + chunks + "</sitemapindex>"
    ).encode()
