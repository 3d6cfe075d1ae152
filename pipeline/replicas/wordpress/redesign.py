"""HTML pages after a web agency's redesign, the ``redesign`` quirk.

Same content, new theme: BEM-style ``mc-*`` classes instead of WordPress's ``entry-*`` /
``hentry`` / ``post-ID`` ones, no ``<article>`` and no ``<time>``. Listings are
``div.mc-card`` items (``h3.mc-card__heading a``, ``span.mc-card__meta[data-published]``,
``div.mc-card__excerpt``) paged by ``a.mc-pager__next`` ("Más"); a post has
``h1.mc-article__headline``, ``span.mc-article__meta[data-published]`` (a local ``YYYY-MM-DD``,
shown ``DD/MM/YYYY``; a modified post adds ``span.mc-article__updated[data-modified]``),
``section.mc-article__body`` and its categories as ``ul.mc-tags li a`` (tags as
``ul.mc-keywords``), no ``rel`` attributes. The agency also removed Yoast: the ``<head>`` keeps
``<title>``, core's canonical (posts and pages only), shortlink, hreflang, feed and REST links, but
has no description, Open Graph, Twitter meta, JSON-LD or ``rel="prev"/"next"`` links. Core's body
classes (``postid-N``, ``page-id-N``, ``category-covid-19``...) stay.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime

from pipeline.replicas.wordpress.content import (
    blocks_html,
    content_html,
    excerpt_text,
    term_description_html,
)
from pipeline.replicas.wordpress.formatting import esc_attr, esc_html, texturize
from pipeline.replicas.wordpress.model import Language, Page, Post, Term
from pipeline.replicas.wordpress.seo import SeoMeta
from pipeline.replicas.wordpress.theme import (
    THEME,
    Archive,
    PageContext,
    archive_links,
    document_head,
    single_links,
)

__all__ = ["UI", "archive_page", "not_found_page", "page_page", "single_page"]

UI = {
    "es": {
        "skip": "Saltar al contenido",
        "menu": "Menú",
        "languages": "Idiomas",
        "updated": "Actualizado el",
        "categories": "Temas",
        "tags": "Ciudades",
        "read_more": "Leer más",
        "previous_page": "Anterior",
        "next_page": "Más",
        "page_of": "Página {page} de {total}",
        "previous_post": "Nota anterior",
        "next_post": "Nota siguiente",
        "empty": "Todavía no hay publicaciones en esta sección.",
        "not_found": "Página no encontrada",
        "not_found_text": "El contenido que buscás no está disponible.",
        "back_home": "Volver al inicio",
    },
    "pt": {
        "skip": "Pular para o conteúdo",
        "menu": "Menu",
        "languages": "Idiomas",
        "updated": "Atualizado em",
        "categories": "Temas",
        "tags": "Cidades",
        "read_more": "Leia mais",
        "previous_page": "Anterior",
        "next_page": "Mais",
        "page_of": "Página {page} de {total}",
        "previous_post": "Nota anterior",
        "next_post": "Próxima nota",
        "empty": "Ainda não há publicações nesta seção.",
        "not_found": "Página não encontrada",
        "not_found_text": "O conteúdo que você procura não está disponível.",
        "back_home": "Voltar ao início",
    },
}
AGENCY_THEME = "mercociudades-2024"
CORE_ROBOTS = "max-image-preview:large"  # wp_robots() without an SEO plugin


@dataclass(frozen=True)
class CoreHead(SeoMeta):
    """What WordPress core prints in the head without Yoast: the title and rel=canonical."""

    def head_html(self) -> str:
        lines = [f"<title>{esc_html(self.title)}</title>"]
        if self.canonical:
            lines.append(f'<link rel="canonical" href="{esc_attr(self.canonical)}" />')
        return "\n".join(lines)


def _core(seo: SeoMeta, *, singular: bool) -> CoreHead:
    values = {item.name: getattr(seo, item.name) for item in fields(seo)}
    values["robots"] = seo.robots if seo.robots.startswith("noindex") else CORE_ROBOTS
    if not singular:  # rel_canonical() is for singular pages only
        values["canonical"] = None
    return CoreHead(**values)


def _head(ctx: PageContext, seo: SeoMeta, links: Sequence[str], *, singular: bool) -> str:
    head = document_head(ctx, _core(seo, singular=singular), links)
    return head.replace(f"/themes/{THEME}/style.css?ver=1.2.0", f"/themes/{AGENCY_THEME}/style.css")


def _header(ctx: PageContext, body_classes: Sequence[str], current_path: str | None) -> str:
    ui = UI[ctx.lang.slug]
    items = []
    for label, path in ctx.menu:
        active = " mc-nav__item--active" if path == current_path else ""
        items.append(
            f'<li class="mc-nav__item{active}"><a href="{ctx.base_url}{path}">{label}</a></li>'
        )
    languages = "".join(
        f'<li class="mc-lang__item{"" if translated else " mc-lang__item--missing"}">'
        f'<a href="{url}" hreflang="{language.html_lang}" lang="{language.html_lang}">'
        f"{language.slug.upper()}</a></li>"
        for language, url, translated in ctx.switcher
    )
    return f"""<body class="{" ".join(body_classes)}">
<a class="mc-skip" href="#contenido">{ui["skip"]}</a>
<header class="mc-header">
  <div class="mc-header__inner">
    <a class="mc-logo" href="{ctx.home}"><span class="mc-logo__name">{ctx.blog.name}</span>\
<span class="mc-logo__claim">{ctx.blog.description}</span></a>
    <nav class="mc-nav" aria-label="{ui["menu"]}"><ul class="mc-nav__list">{"".join(items)}\
</ul></nav>
    <ul class="mc-lang" aria-label="{ui["languages"]}">{languages}</ul>
  </div>
</header>
<main class="mc-main" id="contenido">
"""


def _footer(ctx: PageContext) -> str:
    return f"""</main>
<footer class="mc-footer">
  <p class="mc-footer__legal">&copy; Mercociudades &ndash; Secretaría Técnica Permanente, \
Montevideo</p>
</footer>
<script src="{ctx.base_url}/wp-content/themes/{AGENCY_THEME}/assets/app.js?ver=2.0.3" \
id="mc-app-js"></script>
</body>
</html>
"""


def _day(moment: datetime) -> str:
    return f"{moment.day:02d}/{moment.month:02d}/{moment.year}"


def _meta(post: Post, block: str) -> str:
    """The published date (and, on a post page, the modification date) without ``<time>``."""
    html = (
        f'<span class="{block}__meta" data-published="{post.date.date().isoformat()}">'
        f"{_day(post.date)}</span>"
    )
    if block == "mc-article" and post.modified != post.date:
        html += (
            f' <span class="mc-article__updated" '
            f'data-modified="{post.modified.date().isoformat()}">'
            f"{UI[post.lang]['updated']} {_day(post.modified)}</span>"
        )
    return html


def _terms(ctx: PageContext, css_class: str, label: str, terms: Sequence[Term]) -> str:
    if not terms:
        return ""
    items = "".join(
        f'<li><a href="{ctx.base_url}{term.path}">{texturize(term.name)}</a></li>' for term in terms
    )
    return f'<ul class="{css_class}" aria-label="{label}">{items}</ul>\n'


def _related(ctx: PageContext, older: Post | None, newer: Post | None) -> str:
    ui = UI[ctx.lang.slug]
    links = ""
    if older is not None:
        links += (
            f'<a class="mc-related__prev" href="{ctx.base_url}{older.path}">'
            f"<small>{ui['previous_post']}</small> {texturize(older.raw_title)}</a>"
        )
    if newer is not None:
        links += (
            f'<a class="mc-related__next" href="{ctx.base_url}{newer.path}">'
            f"<small>{ui['next_post']}</small> {texturize(newer.raw_title)}</a>"
        )
    return f'<div class="mc-related">{links}</div>\n' if links else ""


def single_page(
    ctx: PageContext,
    post: Post,
    seo: SeoMeta,
    neighbours: tuple[Post | None, Post | None],
    hreflangs: Sequence[tuple[Language, str]],
) -> str:
    ui = UI[ctx.lang.slug]
    body_classes = ["single", "single-post", f"postid-{post.id}", "mc-theme"]
    current = post.category_terms[0].path if post.category_terms else None
    main = (
        '<div class="mc-article">\n'
        f'<h1 class="mc-article__headline">{texturize(post.raw_title)}</h1>\n'
        f"{_meta(post, 'mc-article')}\n"
        f'<section class="mc-article__body">\n{content_html(post, ctx.base_url)}</section>\n'
        + _terms(ctx, "mc-tags", ui["categories"], post.category_terms)
        + _terms(ctx, "mc-keywords", ui["tags"], post.tag_terms)
        + "</div>\n"
        + _related(ctx, *neighbours)
    )
    return (
        _head(ctx, seo, single_links(ctx, "posts", post.id, hreflangs), singular=True)
        + "\n"
        + _header(ctx, body_classes, current)
        + main
        + _footer(ctx)
    )


def page_page(ctx: PageContext, page: Page, seo: SeoMeta) -> str:
    body_classes = ["page", f"page-id-{page.id}", "mc-theme"]
    main = (
        '<div class="mc-article mc-article--page">\n'
        f'<h1 class="mc-article__headline">{texturize(page.title)}</h1>\n'
        '<section class="mc-article__body">\n'
        f"{blocks_html(page.blocks, ctx.base_url)}</section>\n</div>\n"
    )
    return (
        _head(ctx, seo, single_links(ctx, "pages", page.id), singular=True)
        + "\n"
        + _header(ctx, body_classes, page.path)
        + main
        + _footer(ctx)
    )


def _card(ctx: PageContext, post: Post) -> str:
    permalink = ctx.base_url + post.path
    return (
        '<div class="mc-card">\n'
        f'<h3 class="mc-card__heading"><a href="{permalink}">{texturize(post.raw_title)}</a></h3>\n'
        f"{_meta(post, 'mc-card')}\n"
        f'<div class="mc-card__excerpt"><p>{excerpt_text(post)}</p></div>\n'
        f'<a class="mc-card__more" href="{permalink}">{UI[post.lang]["read_more"]}</a>\n'
        "</div>"
    )


def _pager(ctx: PageContext, archive: Archive, page: int, total: int) -> str:
    if total < 2:
        return ""
    ui, base = UI[ctx.lang.slug], ctx.base_url
    parts = []
    if page > 1:
        href = archive.page_url(base, page - 1)
        parts.append(f'<a class="mc-pager__prev" href="{href}">{ui["previous_page"]}</a>')
    status = ui["page_of"].format(page=page, total=total)
    parts.append(f'<span class="mc-pager__status">{status}</span>')
    if page < total:
        href = archive.page_url(base, page + 1)
        parts.append(f'<a class="mc-pager__next" href="{href}">{ui["next_page"]}</a>')
    return f'<div class="mc-pager">{"".join(parts)}</div>\n'


def archive_page(
    ctx: PageContext,
    archive: Archive,
    seo: SeoMeta,
    posts: Sequence[Post],
    page: int,
    total_pages: int,
) -> str:
    term, ui = archive.term, UI[ctx.lang.slug]
    links, body_classes = archive_links(ctx, archive, page)
    body_classes.append("mc-theme")
    hero = ""
    if term is not None:
        hero = f'<h2 class="mc-hero__title">{texturize(term.name)}</h2>\n'
        description = term_description_html(term, ctx.base_url)
        if description:
            hero += f'<div class="mc-hero__intro">{description}</div>\n'
        hero = f'<div class="mc-hero">\n{hero}</div>\n'
    if posts:
        cards = "\n".join(_card(ctx, post) for post in posts)
        listing = f'<div class="mc-grid">\n{cards}\n</div>\n' + _pager(
            ctx, archive, page, total_pages
        )
    else:
        listing = f'<p class="mc-empty">{ui["empty"]}</p>\n'
    current = term.path if term is not None else ctx.lang.prefix + "/"
    return (
        _head(ctx, seo, links, singular=False)
        + "\n"
        + _header(ctx, body_classes, current)
        + hero
        + listing
        + _footer(ctx)
    )


def not_found_page(ctx: PageContext, seo: SeoMeta) -> str:
    ui = UI[ctx.lang.slug]
    main = (
        '<div class="mc-404">\n'
        f'<h1 class="mc-404__title">{ui["not_found"]}</h1>\n'
        f"<p>{ui['not_found_text']}</p>\n"
        f'<a class="mc-button" href="{ctx.home}">{ui["back_home"]}</a>\n'
        "</div>\n"
    )
    return (
        _head(ctx, seo, [], singular=False)
        + "\n"
        + _header(ctx, ["error404", "mc-theme"], None)
        + main
        + _footer(ctx)
    )
