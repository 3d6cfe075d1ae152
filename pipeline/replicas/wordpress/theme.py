"""HTML pages of a classic, underscores-based WordPress theme with Polylang and Yoast SEO.

The markup is what WordPress 6 with such a theme prints: ``body_class``/``post_class`` classes,
``entry-*`` containers, ``the_posts_pagination`` and ``the_post_navigation`` markup, Polylang's
``hreflang`` links and language switcher, and Yoast's head.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.replicas.wordpress.content import (
    blocks_html,
    content_html,
    excerpt_html,
    term_description_html,
)
from pipeline.replicas.wordpress.formatting import date_i18n, date_w3c, texturize
from pipeline.replicas.wordpress.model import Blog, Language, Page, Post, Term
from pipeline.replicas.wordpress.seo import SeoMeta

__all__ = [
    "UI",
    "Archive",
    "PageContext",
    "archive_links",
    "archive_page",
    "document_head",
    "not_found_page",
    "page_classes",
    "page_numbers",
    "page_page",
    "post_classes",
    "single_links",
    "single_page",
]

THEME = "mercociudades"
UI = {
    "es": {
        "skip": "Ir al contenido",
        "menu": "Menú principal",
        "home": "Inicio",
        "posted_on": "Publicado el",
        "cat_links": "Publicado en",
        "tag_links": "Etiquetado",
        "posts": "Entradas",
        "post_nav": "Navegación de entradas",
        "pagination": "Paginación de entradas",
        "previous": "Anterior",
        "next": "Siguiente",
        "oops": "¡Vaya! No se puede encontrar esa página.",
        "oops_text": "Parece que no se encontró nada en esta ubicación. ¿Quieres probar a buscar?",
        "nothing": "Nada encontrado",
        "nothing_text": "Parece que no podemos encontrar lo que buscas. Quizá buscar pueda ayudar.",
        "search": "Buscar",
        "search_for": "Buscar:",
        "powered": "Funciona gracias a WordPress",
        "feed": "Feed",
        "category_feed": "{site} &raquo; {name} Feed de la categoría",
        "tag_feed": "{site} &raquo; {name} Feed de la etiqueta",
    },
    "pt": {
        "skip": "Pular para o conteúdo",
        "menu": "Menu principal",
        "home": "Início",
        "posted_on": "Publicado em",
        "cat_links": "Publicado em",
        "tag_links": "Marcado",
        "posts": "Posts",
        "post_nav": "Navegação de Post",
        "pagination": "Paginação de posts",
        "previous": "Anterior",
        "next": "Próximo",
        "oops": "Ops! Essa página não pode ser encontrada.",
        "oops_text": "Parece que nada foi encontrado neste local. Que tal tentar uma pesquisa?",
        "nothing": "Nada encontrado",
        "nothing_text": "Parece que não conseguimos encontrar o que você procura. Tente pesquisar.",
        "search": "Pesquisar",
        "search_for": "Pesquisar por:",
        "powered": "Orgulhosamente movido com WordPress",
        "feed": "Feed",
        "category_feed": "{site} &raquo; Feed da categoria {name}",
        "tag_feed": "{site} &raquo; Feed da tag {name}",
    },
}


@dataclass(frozen=True)
class PageContext:
    """What every page of one language needs: where the site is, its menu, its switcher."""

    blog: Blog
    base_url: str
    lang: Language
    rest_api: bool
    menu: tuple[tuple[str, str], ...]  # (label, site path)
    switcher: tuple[tuple[Language, str, bool], ...] = ()  # (language, url, has translation)

    @property
    def home(self) -> str:
        return self.base_url + self.lang.prefix + "/"


@dataclass(frozen=True)
class Archive:
    """A listing: the blog's home (``term`` None), a category or a tag archive."""

    path: str  # page 1, e.g. "/covid-19/"
    term: Term | None = None

    def page_url(self, base_url: str, page: int) -> str:
        return base_url + self.path + (f"page/{page}/" if page > 1 else "")


def post_classes(post: Post) -> list[str]:
    """get_post_class(): the classes WordPress puts on a post's ``<article>``."""
    classes = [f"post-{post.id}", "post", "type-post", "status-publish", "format-standard"]
    classes.append("hentry")
    classes += [f"category-{term.slug}" for term in post.category_terms]
    classes += [f"tag-{term.slug}" for term in post.tag_terms]
    return classes


def page_classes(page: Page) -> list[str]:
    """get_post_class() of a page: no post format, no terms."""
    return [f"post-{page.id}", "page", "type-page", "status-publish", "hentry"]


def document_head(ctx: PageContext, seo: SeoMeta, links: Sequence[str]) -> str:
    base, blog = ctx.base_url, ctx.blog
    lines = [
        "<!doctype html>",
        f'<html lang="{ctx.lang.html_lang}">',
        "<head>",
        '\t<meta charset="UTF-8">',
        '\t<meta name="viewport" content="width=device-width, initial-scale=1">',
        '\t<link rel="profile" href="https://gmpg.org/xfn/11">',
        "",
        f"<meta name='robots' content='{seo.robots}' />",
        *[line for line in links if 'hreflang="' in line],
        "",
        "\t" + seo.head_html(),
        "",
        "",
        "<link rel='dns-prefetch' href='//fonts.googleapis.com' />",
        f'<link rel="alternate" type="application/rss+xml" title="{blog.name} &raquo; '
        f'{UI[ctx.lang.slug]["feed"]}" href="{ctx.home}feed/" />',
        *[line for line in links if "rss+xml" in line],
        f"<link rel='stylesheet' id='wp-block-library-css' href='{base}/wp-includes/css/dist/"
        f"block-library/style.min.css?ver={blog.version}' media='all' />",
        f"<link rel='stylesheet' id='{THEME}-style-css' href='{base}/wp-content/themes/{THEME}/"
        "style.css?ver=1.2.0' media='all' />",
        f'<script src="{base}/wp-includes/js/jquery/jquery.min.js?ver=3.7.1" '
        'id="jquery-core-js"></script>',
    ]
    if ctx.rest_api:
        lines.append(f'<link rel="https://api.w.org/" href="{base}/wp-json/" />')
        lines += [line for line in links if "application/json" in line]
    lines += [
        '<link rel="EditURI" type="application/rsd+xml" title="RSD" '
        f'href="{base}/xmlrpc.php?rsd" />',
        f'<meta name="generator" content="WordPress {blog.version}" />',
        *[line for line in links if "shortlink" in line],
        "</head>",
    ]
    return "\n".join(lines) + "\n"


def _masthead(ctx: PageContext, body_classes: Sequence[str], current_path: str | None) -> str:
    items = []
    for number, (label, path) in enumerate(ctx.menu, start=20):
        current = " current-menu-item" if path == current_path else ""
        kind = "custom" if path == ctx.lang.prefix + "/" else "taxonomy"
        items.append(
            f'<li id="menu-item-{number}" class="menu-item menu-item-type-{kind} '
            f"menu-item-object-{'custom' if kind == 'custom' else 'category'}{current} "
            f'menu-item-{number}"><a href="{ctx.base_url}{path}">{label}</a></li>'
        )
    for language, url, translated in ctx.switcher:
        missing = "" if translated else " no-translation"
        items.append(
            f'<li class="lang-item lang-item-{language.slug}{missing} menu-item '
            f'menu-item-type-custom menu-item-object-custom"><a href="{url}" '
            f'hreflang="{language.html_lang}" lang="{language.html_lang}">{language.name}</a></li>'
        )
    ui = UI[ctx.lang.slug]
    menu = "\n".join(items)
    return f"""<body class="{" ".join(body_classes)}">
<div id="page" class="site">
\t<a class="skip-link screen-reader-text" href="#primary">{ui["skip"]}</a>

\t<header id="masthead" class="site-header">
\t\t<div class="site-branding">
\t\t\t<p class="site-title"><a href="{ctx.home}" rel="home">{ctx.blog.name}</a></p>
\t\t\t<p class="site-description">{ctx.blog.description}</p>
\t\t</div><!-- .site-branding -->

\t\t<nav id="site-navigation" class="main-navigation">
\t\t\t<button class="menu-toggle" aria-controls="primary-menu" aria-expanded="false">\
{ui["menu"]}</button>
\t\t\t<div class="menu-principal-container"><ul id="primary-menu" class="menu">{menu}
</ul></div>\t\t</nav><!-- #site-navigation -->
\t</header><!-- #masthead -->

\t<main id="primary" class="site-main">
"""


def _colophon(ctx: PageContext) -> str:
    ui = UI[ctx.lang.slug]
    return f"""
\t</main><!-- #main -->

\t<footer id="colophon" class="site-footer">
\t\t<div class="site-info">
\t\t\t&copy; Mercociudades &ndash; Secretaría Técnica Permanente, Montevideo
\t\t\t<span class="sep"> | </span>
\t\t\t<a href="https://es.wordpress.org/">{ui["powered"]}</a>
\t\t</div><!-- .site-info -->
\t</footer><!-- #colophon -->
</div><!-- #page -->

<script src="{ctx.base_url}/wp-content/themes/{THEME}/js/navigation.js?ver=1.2.0" \
id="{THEME}-navigation-js"></script>

</body>
</html>
"""


def _posted_on(ctx: PageContext, post: Post) -> str:
    lang = post.lang
    published = date_w3c(post.date), date_i18n(post.date, lang)
    if post.modified == post.date:
        times = (
            f'<time class="entry-date published updated" datetime="{published[0]}">'
            f"{published[1]}</time>"
        )
    else:
        times = (
            f'<time class="entry-date published" datetime="{published[0]}">{published[1]}</time>'
            f'<time class="updated" datetime="{date_w3c(post.modified)}">'
            f"{date_i18n(post.modified, lang)}</time>"
        )
    permalink = ctx.base_url + post.path
    return (
        f'<span class="posted-on">{UI[lang]["posted_on"]} '
        f'<a href="{permalink}" rel="bookmark">{times}</a></span>'
    )


def _entry_footer(ctx: PageContext, post: Post) -> str:
    ui = UI[post.lang]
    categories = ", ".join(
        f'<a href="{ctx.base_url}{term.path}" rel="category tag">{texturize(term.name)}</a>'
        for term in post.category_terms
    )
    footer = f'<span class="cat-links">{ui["cat_links"]} {categories}</span>'
    if post.tag_terms:
        tags = ", ".join(
            f'<a href="{ctx.base_url}{term.path}" rel="tag">{texturize(term.name)}</a>'
            for term in post.tag_terms
        )
        footer += f' <span class="tags-links">{ui["tag_links"]} {tags}</span>'
    return f'\t<footer class="entry-footer">\n\t\t{footer}\n\t</footer><!-- .entry-footer -->\n'


def _article(ctx: PageContext, post: Post, *, single: bool) -> str:
    permalink = ctx.base_url + post.path
    title = texturize(post.raw_title)
    if single:
        heading = f'<h1 class="entry-title">{title}</h1>'
        body = f'\t<div class="entry-content">\n\t\t{content_html(post, ctx.base_url)}\t</div>'
        body += "<!-- .entry-content -->\n\n"
    else:
        heading = f'<h2 class="entry-title"><a href="{permalink}" rel="bookmark">{title}</a></h2>'
        body = f'\t<div class="entry-summary">\n\t\t{excerpt_html(post)}\t</div>'
        body += "<!-- .entry-summary -->\n\n"
    return (
        f'<article id="post-{post.id}" class="{" ".join(post_classes(post))}">\n'
        '\t<header class="entry-header">\n'
        f"\t\t{heading}\n"
        '\t\t<div class="entry-meta">\n'
        f"\t\t\t{_posted_on(ctx, post)}\n"
        "\t\t</div><!-- .entry-meta -->\n"
        "\t</header><!-- .entry-header -->\n\n"
        f"{body}{_entry_footer(ctx, post)}"
        f"</article><!-- #post-{post.id} -->\n"
    )


def _post_navigation(ctx: PageContext, older: Post | None, newer: Post | None) -> str:
    ui = UI[ctx.lang.slug]
    links = ""
    if older is not None:
        links += (
            f'<div class="nav-previous"><a href="{ctx.base_url}{older.path}" rel="prev">'
            f'<span class="nav-subtitle">{ui["previous"]}:</span> '
            f'<span class="nav-title">{texturize(older.raw_title)}</span></a></div>'
        )
    if newer is not None:
        links += (
            f'<div class="nav-next"><a href="{ctx.base_url}{newer.path}" rel="next">'
            f'<span class="nav-subtitle">{ui["next"]}:</span> '
            f'<span class="nav-title">{texturize(newer.raw_title)}</span></a></div>'
        )
    if not links:
        return ""
    return (
        f'\n\t<nav class="navigation post-navigation" aria-label="{ui["posts"]}">\n'
        f'\t\t<h2 class="screen-reader-text">{ui["post_nav"]}</h2>\n'
        f'\t\t<div class="nav-links">{links}</div>\n\t</nav>'
    )


def single_links(
    ctx: PageContext, rest_base: str, item_id: int, hreflangs: Sequence[tuple[Language, str]] = ()
) -> list[str]:
    """The head links of a post or page: Polylang's hreflang, the REST item, the shortlink."""
    base = ctx.base_url
    links = [
        f'<link rel="alternate" href="{url}" hreflang="{language.hreflang}" />'
        for language, url in hreflangs
    ]
    if len(hreflangs) > 1:
        default = next(url for language, url in hreflangs if language.prefix == "")
        links.append(f'<link rel="alternate" href="{default}" hreflang="x-default" />')
    links += [
        f'<link rel="alternate" title="JSON" type="application/json" '
        f'href="{base}/wp-json/wp/v2/{rest_base}/{item_id}" />',
        f"<link rel='shortlink' href='{base}/?p={item_id}' />",
    ]
    return links


def page_page(ctx: PageContext, page: Page, seo: SeoMeta) -> str:
    """A WordPress page (``page.php`` of an underscores theme): title and content only."""
    body_classes = [
        "page-template-default",
        "page",
        f"page-id-{page.id}",
        "wp-embed-responsive",
        "no-sidebar",
    ]
    article = (
        f'<article id="post-{page.id}" class="{" ".join(page_classes(page))}">\n'
        '\t<header class="entry-header">\n'
        f'\t\t<h1 class="entry-title">{texturize(page.title)}</h1>\n'
        "\t</header><!-- .entry-header -->\n\n"
        f'\t<div class="entry-content">\n\t\t{blocks_html(page.blocks, ctx.base_url)}\t</div>'
        "<!-- .entry-content -->\n"
        f"</article><!-- #post-{page.id} -->\n"
    )
    return (
        document_head(ctx, seo, single_links(ctx, "pages", page.id))
        + "\n"
        + _masthead(ctx, body_classes, page.path)
        + "\n"
        + article
        + _colophon(ctx)
    )


def single_page(
    ctx: PageContext,
    post: Post,
    seo: SeoMeta,
    neighbours: tuple[Post | None, Post | None],
    hreflangs: Sequence[tuple[Language, str]],
) -> str:
    links = single_links(ctx, "posts", post.id, hreflangs)
    body_classes = [
        "post-template-default",
        "single",
        "single-post",
        f"postid-{post.id}",
        "single-format-standard",
        "wp-embed-responsive",
        "no-sidebar",
    ]
    current = post.category_terms[0].path if post.category_terms else None
    return (
        document_head(ctx, seo, links)
        + "\n"
        + _masthead(ctx, body_classes, current)
        + "\n"
        + _article(ctx, post, single=True)
        + _post_navigation(ctx, *neighbours)
        + _colophon(ctx)
    )


def page_numbers(
    ctx: PageContext, archive: Archive, page: int, total: int, *, mid_size: int
) -> list[str]:
    """The numbers of paginate_links (end_size 1): links, the current page, and dots."""
    parts = []
    dots = False
    for number in range(1, total + 1):
        if number == page:
            parts.append(f'<span aria-current="page" class="page-numbers current">{number}</span>')
            dots = True
        elif number <= 1 or page - mid_size <= number <= page + mid_size or number > total - 1:
            href = archive.page_url(ctx.base_url, number)
            parts.append(f'<a class="page-numbers" href="{href}">{number}</a>')
            dots = True
        elif dots:
            parts.append('<span class="page-numbers dots">&hellip;</span>')
            dots = False
    return parts


def _pagination(ctx: PageContext, archive: Archive, page: int, total: int) -> str:
    """the_posts_pagination(): paginate_links with mid_size 1 and end_size 1."""
    if total < 2:
        return ""
    ui = UI[ctx.lang.slug]
    parts = []
    if page > 1:
        href = archive.page_url(ctx.base_url, page - 1)
        parts.append(f'<a class="prev page-numbers" href="{href}">{ui["previous"]}</a>')
    parts += page_numbers(ctx, archive, page, total, mid_size=1)
    if page < total:
        href = archive.page_url(ctx.base_url, page + 1)
        parts.append(f'<a class="next page-numbers" href="{href}">{ui["next"]}</a>')
    return (
        f'\n\t<nav class="navigation pagination" aria-label="{ui["posts"]}">\n'
        f'\t\t<h2 class="screen-reader-text">{ui["pagination"]}</h2>\n'
        f'\t\t<div class="nav-links">{chr(10).join(parts)}</div>\n\t</nav>'
    )


def archive_links(ctx: PageContext, archive: Archive, page: int) -> tuple[list[str], list[str]]:
    """An archive's head links (its feed, its REST term) and core's body classes."""
    term, ui, base = archive.term, UI[ctx.lang.slug], ctx.base_url
    links = []
    if term is None:
        body_classes = ["home", "blog"]
    else:
        kind = "category" if term.taxonomy == "category" else "tag"
        feed_title = ui[f"{kind}_feed"].format(site=ctx.blog.name, name=term.name)
        links.append(
            f'<link rel="alternate" type="application/rss+xml" title="{feed_title}" '
            f'href="{base}{term.path}feed/" />'
        )
        rest_base = "categories" if kind == "category" else "tags"
        links.append(
            f'<link rel="alternate" title="JSON" type="application/json" '
            f'href="{base}/wp-json/wp/v2/{rest_base}/{term.id}" />'
        )
        body_classes = ["archive", kind, f"{kind}-{term.slug}", f"{kind}-{term.id}"]
    if page > 1:
        body_classes += ["paged", f"paged-{page}"]
        if term is not None:
            body_classes.append(f"{body_classes[1]}-paged-{page}")
    body_classes.append("wp-embed-responsive")
    return links, body_classes


def archive_page(
    ctx: PageContext,
    archive: Archive,
    seo: SeoMeta,
    posts: Sequence[Post],
    page: int,
    total_pages: int,
) -> str:
    term, ui, base = archive.term, UI[ctx.lang.slug], ctx.base_url
    links, body_classes = archive_links(ctx, archive, page)
    body_classes += ["hfeed", "no-sidebar"]
    header = ""
    if term is not None:
        description = term_description_html(term, base)
        if description:
            description = f'<div class="archive-description">{description}</div>\n'

        header = (
            '\t\t\t<header class="page-header">\n'
            f'\t\t\t\t<h1 class="page-title">{texturize(term.name)}</h1>{description}'
            "\t\t\t</header><!-- .page-header -->\n\n"
        )
    if posts:
        listing = "".join(_article(ctx, post, single=False) for post in posts)
        listing += _pagination(ctx, archive, page, total_pages)
    else:
        listing = _no_results(ui, ctx, ui["nothing"], ui["nothing_text"])
    current = term.path if term is not None else ctx.lang.prefix + "/"
    return (
        document_head(ctx, seo, links)
        + "\n"
        + _masthead(ctx, body_classes, current)
        + "\n"
        + header
        + listing
        + _colophon(ctx)
    )


def _no_results(ui: dict[str, str], ctx: PageContext, title: str, text: str) -> str:
    return f"""
<section class="no-results not-found">
\t<header class="page-header">
\t\t<h1 class="page-title">{title}</h1>
\t</header><!-- .page-header -->

\t<div class="page-content">
\t\t<p>{text}</p>
<form role="search" method="get" class="search-form" action="{ctx.home}">
\t\t\t\t<label>
\t\t\t\t\t<span class="screen-reader-text">{ui["search_for"]}</span>
\t\t\t\t\t<input type="search" class="search-field" \
placeholder="{ui["search"]} &hellip;" value="" name="s" />
\t\t\t\t</label>
\t\t\t\t<input type="submit" class="search-submit" value="{ui["search"]}" />
\t\t\t</form>\t</div><!-- .page-content -->
</section><!-- .no-results -->
"""


def not_found_page(ctx: PageContext, seo: SeoMeta) -> str:
    ui = UI[ctx.lang.slug]
    section = (
        _no_results(ui, ctx, ui["oops"], ui["oops_text"])
        .replace('class="no-results not-found"', 'class="error-404 not-found"')
        .replace("<!-- .no-results -->", "<!-- .error-404 -->")
    )
    return (
        document_head(ctx, seo, [])
        + "\n"
        + _masthead(ctx, ["error404", "wp-embed-responsive", "hfeed", "no-sidebar"], None)
        + section
        + _colophon(ctx)
    )
