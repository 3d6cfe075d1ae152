"""HTML pages of a block theme (Twenty Twenty-Four style), the ``block-theme`` quirk.

The ``<head>`` (Yoast, Polylang's hreflang, shortlink, REST links) and core's body classes are
those of the classic theme; the body is made of block markup: ``wp-block-post-template`` lists
of ``wp-block-post`` items, ``wp-block-post-title`` / ``wp-block-post-date`` /
``wp-block-post-excerpt``, ``wp-block-query-pagination``, ``wp-block-post-content`` and
``wp-block-post-terms``. There is no ``<article>``: the post id is in the body and item classes.
"""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.replicas.wordpress.content import (
    blocks_html,
    content_html,
    excerpt_text,
    term_description_html,
)
from pipeline.replicas.wordpress.formatting import date_i18n, date_w3c, texturize
from pipeline.replicas.wordpress.model import Language, Page, Post, Term
from pipeline.replicas.wordpress.seo import SeoMeta
from pipeline.replicas.wordpress.theme import (
    Archive,
    PageContext,
    archive_links,
    document_head,
    page_numbers,
    post_classes,
    single_links,
)

__all__ = ["archive_page", "not_found_page", "page_page", "single_page"]

UI = {
    "es": {
        "skip": "Saltar al contenido",
        "menu": "Menú principal",
        "category": "Categoría:",
        "tag": "Etiqueta:",
        "pagination": "Paginación",
        "previous_page": "Entradas anteriores",
        "next_page": "Entradas siguientes",
        "post_nav": "Navegación de entradas",
        "nothing": "Lo siento, pero no hay nada que coincida con tus términos de búsqueda.",
        "not_found": "Página no encontrada",
        "not_found_text": "La página que estás buscando no existe o ha sido movida. "
        "Por favor, intenta buscar usando el formulario siguiente.",
        "search": "Buscar",
        "designed": "Diseñado con",
    },
    "pt": {
        "skip": "Pular para o conteúdo",
        "menu": "Menu principal",
        "category": "Categoria:",
        "tag": "Tag:",
        "pagination": "Paginação",
        "previous_page": "Posts anteriores",
        "next_page": "Próximos posts",
        "post_nav": "Navegação de posts",
        "nothing": "Desculpe, mas nada corresponde aos seus termos de pesquisa.",
        "not_found": "Página não encontrada",
        "not_found_text": "A página que você está procurando não existe ou foi movida. "
        "Tente pesquisar usando o formulário abaixo.",
        "search": "Pesquisar",
        "designed": "Desenvolvido com",
    },
}
_FLOW = "is-layout-flow wp-block-post-template-is-layout-flow"
_CONSTRAINED = "has-global-padding is-layout-constrained wp-block-group-is-layout-constrained"


def _header(ctx: PageContext, body_classes: Sequence[str], current_path: str | None) -> str:
    items = []
    for label, path in ctx.menu:
        current = path == current_path
        item_class = " current-menu-item" if current else ""
        aria = ' aria-current="page"' if current else ""
        items.append(
            f'<li class="wp-block-navigation-item{item_class} '
            'wp-block-navigation-link"><a class="wp-block-navigation-item__content" '
            f'href="{ctx.base_url}{path}"{aria}>'
            f'<span class="wp-block-navigation-item__label">{label}</span></a></li>'
        )
    for language, url, translated in ctx.switcher:
        missing = "" if translated else " no-translation"
        items.append(
            f'<li class="wp-block-navigation-item lang-item lang-item-{language.slug}{missing} '
            'wp-block-navigation-link"><a class="wp-block-navigation-item__content" '
            f'href="{url}" hreflang="{language.html_lang}" lang="{language.html_lang}">'
            f'<span class="wp-block-navigation-item__label">{language.name}</span></a></li>'
        )
    menu = "".join(items)
    return f"""<body class="{" ".join(body_classes)}">

<div class="wp-site-blocks"><header class="wp-block-template-part">
<div class="wp-block-group alignwide {_CONSTRAINED}">
<div class="wp-block-group alignwide is-content-justification-space-between is-layout-flex \
wp-block-group-is-layout-flex">
<p class="wp-block-site-title"><a href="{ctx.home}" target="_self" rel="home">\
{ctx.blog.name}</a></p>
<p class="wp-block-site-tagline">{ctx.blog.description}</p>
<nav class="is-responsive items-justified-right wp-block-navigation is-layout-flex \
wp-block-navigation-is-layout-flex" aria-label="{UI[ctx.lang.slug]["menu"]}">\
<ul class="wp-block-navigation__container items-justified-right wp-block-navigation">\
{menu}</ul></nav>
</div>
</div>
</header>

<main class="wp-block-group {_CONSTRAINED}" id="wp--skip-link--target">
"""


def _footer(ctx: PageContext) -> str:
    ui = UI[ctx.lang.slug]
    return f"""</main>

<footer class="wp-block-template-part">
<div class="wp-block-group alignwide {_CONSTRAINED}">
<p class="has-small-font-size">&copy; Mercociudades &ndash; Secretaría Técnica Permanente, \
Montevideo. {ui["designed"]} <a href="https://es.wordpress.org" rel="nofollow">WordPress</a></p>
</div>
</footer></div>
<script id="wp-block-template-skip-link-js-after">
\t( function() {{ var skipLinkTarget = document.querySelector( 'main' ); }}() );
</script>
</body>
</html>
"""


def _date(post: Post) -> str:
    return (
        f'<div class="wp-block-post-date"><time datetime="{date_w3c(post.date)}">'
        f"{date_i18n(post.date, post.lang)}</time></div>"
    )


def _terms(ctx: PageContext, taxonomy: str, terms: Sequence[Term]) -> str:
    """The post-terms block: rel="tag" on categories too, a separator span between links."""
    if not terms:
        return ""
    links = '<span class="wp-block-post-terms__separator">, </span>'.join(
        f'<a href="{ctx.base_url}{term.path}" rel="tag">{texturize(term.name)}</a>'
        for term in terms
    )
    return f'<div class="taxonomy-{taxonomy} wp-block-post-terms">{links}</div>\n'


def _post_navigation(ctx: PageContext, older: Post | None, newer: Post | None) -> str:
    links = ""
    if older is not None:
        links += (
            '<div class="post-navigation-link-previous wp-block-post-navigation-link">'
            '<span class="wp-block-post-navigation-link__arrow-previous is-arrow-arrow" '
            f'aria-hidden="true">←</span><a href="{ctx.base_url}{older.path}" rel="prev">'
            f"{texturize(older.raw_title)}</a></div>"
        )
    if newer is not None:
        links += (
            '<div class="post-navigation-link-next wp-block-post-navigation-link">'
            f'<a href="{ctx.base_url}{newer.path}" rel="next">{texturize(newer.raw_title)}</a>'
            '<span class="wp-block-post-navigation-link__arrow-next is-arrow-arrow" '
            'aria-hidden="true">→</span></div>'
        )
    if not links:
        return ""
    label = UI[ctx.lang.slug]["post_nav"]
    return (
        f'<nav class="wp-block-group alignwide is-content-justification-space-between '
        f'is-layout-flex wp-block-group-is-layout-flex" aria-label="{label}">{links}</nav>\n'
    )


def _content(html: str) -> str:
    return (
        '<div class="entry-content alignfull wp-block-post-content has-global-padding '
        f'is-layout-constrained wp-block-post-content-is-layout-constrained">{html}</div>\n'
    )


def single_page(
    ctx: PageContext,
    post: Post,
    seo: SeoMeta,
    neighbours: tuple[Post | None, Post | None],
    hreflangs: Sequence[tuple[Language, str]],
) -> str:
    body_classes = [
        "post-template-default",
        "single",
        "single-post",
        f"postid-{post.id}",
        "single-format-standard",
        "wp-embed-responsive",
    ]
    current = post.category_terms[0].path if post.category_terms else None
    main = (
        f'<div class="wp-block-group {_CONSTRAINED}">\n'
        f'<h1 class="wp-block-post-title">{texturize(post.raw_title)}</h1>\n'
        f"{_date(post)}\n</div>\n"
        + _content(content_html(post, ctx.base_url))
        + f'<div class="wp-block-group {_CONSTRAINED}">\n'
        + _terms(ctx, "category", post.category_terms)
        + _terms(ctx, "post_tag", post.tag_terms)
        + "</div>\n"
        + _post_navigation(ctx, *neighbours)
    )
    return (
        document_head(ctx, seo, single_links(ctx, "posts", post.id, hreflangs))
        + "\n"
        + _header(ctx, body_classes, current)
        + main
        + _footer(ctx)
    )


def page_page(ctx: PageContext, page: Page, seo: SeoMeta) -> str:
    body_classes = ["page-template-default", "page", f"page-id-{page.id}", "wp-embed-responsive"]
    main = (
        f'<div class="wp-block-group {_CONSTRAINED}">\n'
        f'<h1 class="wp-block-post-title">{texturize(page.title)}</h1>\n</div>\n'
        + _content(blocks_html(page.blocks, ctx.base_url))
    )
    return (
        document_head(ctx, seo, single_links(ctx, "pages", page.id))
        + "\n"
        + _header(ctx, body_classes, page.path)
        + main
        + _footer(ctx)
    )


def _item(ctx: PageContext, post: Post) -> str:
    return (
        f'<li class="wp-block-post {" ".join(post_classes(post))}">\n'
        f'<h2 class="wp-block-post-title"><a href="{ctx.base_url}{post.path}" target="_self">'
        f"{texturize(post.raw_title)}</a></h2>\n"
        f"{_date(post)}\n"
        '<div class="wp-block-post-excerpt"><p class="wp-block-post-excerpt__excerpt">'
        f"{excerpt_text(post)}</p></div>\n"
        "</li>"
    )


def _pagination(ctx: PageContext, archive: Archive, page: int, total: int) -> str:
    """The query-pagination block: previous, the numbers (mid_size 2), next."""
    if total < 2:
        return ""
    ui, base = UI[ctx.lang.slug], ctx.base_url
    parts = []
    if page > 1:
        parts.append(
            f'<a href="{archive.page_url(base, page - 1)}" '
            f'class="wp-block-query-pagination-previous">{ui["previous_page"]}</a>'
        )
    numbers = "\n".join(page_numbers(ctx, archive, page, total, mid_size=2))
    parts.append(f'<div class="wp-block-query-pagination-numbers">{numbers}</div>')
    if page < total:
        parts.append(
            f'<a href="{archive.page_url(base, page + 1)}" '
            f'class="wp-block-query-pagination-next">{ui["next_page"]}</a>'
        )
    return (
        '<nav class="wp-block-query-pagination is-content-justification-space-between '
        'is-layout-flex wp-block-query-pagination-is-layout-flex" '
        f'aria-label="{ui["pagination"]}">\n{chr(10).join(parts)}\n</nav>\n'
    )


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
    header = ""
    if term is not None:
        prefix = ui["category" if term.taxonomy == "category" else "tag"]
        header = (
            f'<h1 class="wp-block-query-title">{prefix} <span>{texturize(term.name)}</span></h1>\n'
        )
        description = term_description_html(term, ctx.base_url)
        if description:
            header += f'<div class="wp-block-term-description">{description}</div>\n'
    if posts:
        items = "\n".join(_item(ctx, post) for post in posts)
        listing = f'<ul class="wp-block-post-template {_FLOW}">\n{items}\n</ul>\n' + _pagination(
            ctx, archive, page, total_pages
        )
    else:
        listing = f'<div class="wp-block-query-no-results"><p>{ui["nothing"]}</p></div>\n'
    current = term.path if term is not None else ctx.lang.prefix + "/"
    return (
        document_head(ctx, seo, links)
        + "\n"
        + _header(ctx, body_classes, current)
        + header
        + f'<div class="wp-block-query alignfull {_CONSTRAINED}">\n{listing}</div>\n'
        + _footer(ctx)
    )


def not_found_page(ctx: PageContext, seo: SeoMeta) -> str:
    ui = UI[ctx.lang.slug]
    main = (
        f'<h1 class="wp-block-heading">{ui["not_found"]}</h1>\n'
        f"<p>{ui['not_found_text']}</p>\n"
        f'<form role="search" method="get" action="{ctx.home}" class="wp-block-search__button-'
        'outside wp-block-search__text-button wp-block-search"><label class="wp-block-search__'
        f'label screen-reader-text" for="wp-block-search__input-1">{ui["search"]}</label>'
        '<div class="wp-block-search__inside-wrapper"><input class="wp-block-search__input" '
        'id="wp-block-search__input-1" placeholder="" value="" type="search" name="s" required />'
        f'<button aria-label="{ui["search"]}" class="wp-block-search__button wp-element-button" '
        f'type="submit">{ui["search"]}</button></div></form>\n'
    )
    return (
        document_head(ctx, seo, [])
        + "\n"
        + _header(ctx, ["error404", "wp-embed-responsive"], None)
        + main
        + _footer(ctx)
    )
