"""The WordPress REST API (``/wp-json/``) as core 6.x, Polylang and Yoast SEO shape it.

Read-only and unauthenticated: the posts, categories and tags collections and items, with the
core parameters a crawler uses (``page``, ``per_page``, ``categories``, ``tags``, ``include``,
``slug``, ``after``/``before``, ``modified_after``/``modified_before``, ``orderby``/``order``,
``search``, ``_embed``, ``_fields``) and Polylang's ``lang`` (the default language when absent);
the pages a site has (``/wp/v2/pages``). The REST quirks (``no-embed``, ``no-total-headers``,
``no-polylang-rest``) take away what a security plugin, a caching proxy or Polylang's free
version take away; ``lying-page-count`` announces pages that are not there.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pipeline.replicas.server import Response
from pipeline.replicas.wordpress.content import (
    blocks_html,
    content_html,
    excerpt_html,
    opening,
    term_description_html,
)
from pipeline.replicas.wordpress.formatting import (
    collation_key,
    http_date,
    php_json,
    rest_date,
    rest_date_gmt,
    texturize,
)
from pipeline.replicas.wordpress.model import Blog, Page, Post, Snapshot, Term
from pipeline.replicas.wordpress.quirks import (
    LOW_PAGE_COUNT,
    LYING_PAGE_COUNT,
    LYING_TOTAL_PAGES,
    NO_EMBED,
    NO_POLYLANG_REST,
    NO_TOTAL_HEADERS,
)
from pipeline.replicas.wordpress.rest_query import (
    DEFAULT_PER_PAGE,
    MAX_PER_PAGE,
    Query,
    RestError,
    error_response,
    filtered,
    invalid_param,
)
from pipeline.replicas.wordpress.seo import SeoMeta
from pipeline.replicas.wordpress.theme import page_classes, post_classes

__all__ = ["MAX_PER_PAGE", "RestContext", "error_response", "handle_rest"]

POST_ORDERBY = (
    "author",
    "date",
    "id",
    "include",
    "modified",
    "parent",
    "relevance",
    "slug",
    "include_slugs",
    "title",
)
TERM_ORDERBY = (
    "id",
    "include",
    "name",
    "slug",
    "include_slugs",
    "term_group",
    "description",
    "count",
)
CURIES = [{"name": "wp", "href": "https://api.w.org/{rel}", "templated": True}]


@dataclass(frozen=True)
class RestContext:
    blog: Blog
    base_url: str
    snapshot: Snapshot
    post_seo: Callable[[Post], SeoMeta]
    page_seo: Callable[[Page], SeoMeta]
    quirks: frozenset[str] = frozenset()

    @property
    def api(self) -> str:
        return self.base_url + "/wp-json"

    @property
    def polylang(self) -> bool:
        """Whether Polylang's REST support is there (``lang``, ``translations``)."""
        return NO_POLYLANG_REST not in self.quirks

    def embed_rels(self, params: Query) -> set[str] | None:
        return None if NO_EMBED in self.quirks else params.embed_rels()


def _headers(ctx: RestContext, last_modified: datetime | None) -> list[tuple[str, str]]:
    headers = [
        ("Content-Type", "application/json; charset=UTF-8"),
        ("X-Robots-Tag", "noindex"),
        ("Link", f'<{ctx.api}/>; rel="https://api.w.org/"'),
        ("X-Content-Type-Options", "nosniff"),
        ("Access-Control-Expose-Headers", "X-WP-Total, X-WP-TotalPages, Link"),
        (
            "Access-Control-Allow-Headers",
            "Authorization, X-WP-Nonce, Content-Disposition, Content-MD5, Content-Type",
        ),
        ("Allow", "GET"),
        ("Vary", "Origin"),
    ]
    if last_modified is not None:
        headers.append(("Last-Modified", http_date(last_modified)))
    return headers


def handle_rest(ctx: RestContext, route: str, query: str) -> Response:
    """Answer a GET on ``/wp-json{route}?{query}``."""
    params = Query(query)
    route = route.rstrip("/") or "/"
    try:
        if (params.one("context") or "view") not in ("view", "embed"):
            raise RestError(
                401,
                "rest_forbidden_context",
                "Sorry, you are not allowed to edit posts in this post type.",
            )
        return _dispatch(ctx, route, params)
    except RestError as error:
        return error_response(error.status, error.code, error.message, **error.data)


def _dispatch(ctx: RestContext, route: str, params: Query) -> Response:
    parts = route.strip("/").split("/")
    if route == "/":
        return _json(ctx, _index(ctx), ctx.snapshot.last_modified)
    if parts[:2] != ["wp", "v2"] or len(parts) not in (3, 4):
        raise RestError(
            404, "rest_no_route", "No route was found matching the URL and request method."
        )
    kind = parts[2]
    if kind not in ("posts", "categories", "tags") and not (kind == "pages" and ctx.snapshot.pages):
        raise RestError(
            404, "rest_no_route", "No route was found matching the URL and request method."
        )
    if len(parts) == 4:
        if not parts[3].isdigit():
            raise RestError(
                404, "rest_no_route", "No route was found matching the URL and request method."
            )
        return _item(ctx, kind, int(parts[3]), params)
    if kind == "posts":
        return _post_collection(ctx, params)
    if kind == "pages":
        return _page_collection(ctx, params)
    return _term_collection(ctx, "category" if kind == "categories" else "post_tag", params)


def _json(
    ctx: RestContext,
    payload: object,
    last_modified: datetime | None,
    extra: Sequence[tuple[str, str]] = (),
) -> Response:
    headers = [*extra, *_headers(ctx, last_modified)]
    return Response(200, headers, php_json(payload).encode())


def _collection(
    ctx: RestContext, payload: object, last_modified: datetime, paging: Sequence[tuple[str, str]]
) -> Response:
    """A collection's answer; behind a proxy that strips them, without paging or Link headers."""
    response = _json(ctx, payload, last_modified, paging)
    if NO_TOTAL_HEADERS not in ctx.quirks:
        return response
    stripped = {"x-wp-total", "x-wp-totalpages", "link"}
    kept = [(name, value) for name, value in response.headers if name.lower() not in stripped]
    return Response(response.status, kept, response.body)


def _language(ctx: RestContext, params: Query) -> str | None:
    slugs = [language.slug for language in ctx.blog.languages]
    lang = params.one("lang")
    if not ctx.polylang:
        return None  # no Polylang filter: every language, the parameter unknown and ignored
    if lang is None:
        return ctx.blog.default_language.slug
    if lang == "":
        return None  # Polylang: an empty lang means every language
    if lang not in slugs:
        raise invalid_param("lang", f"lang is not one of {', '.join(slugs)}.", "rest_not_in_enum")
    return lang


def _post_collection(ctx: RestContext, params: Query) -> Response:
    blog, snapshot = ctx.blog, ctx.snapshot
    lang = _language(ctx, params)
    posts = list(snapshot.posts if lang is None else snapshot.listing(lang))
    for name, field in (("categories", "category_terms"), ("tags", "tag_terms")):
        wanted = params.ids(name)
        if wanted is not None:
            posts = [p for p in posts if {t.id for t in getattr(p, field)} & set(wanted)]
        unwanted = params.ids(f"{name}_exclude")
        if unwanted is not None:
            posts = [p for p in posts if not {t.id for t in getattr(p, field)} & set(unwanted)]
    include, exclude = params.ids("include"), params.ids("exclude")
    if include is not None:
        posts = [post for post in posts if post.id in include]
    if exclude is not None:
        posts = [post for post in posts if post.id not in exclude]
    slugs = params.values("slug")
    if slugs is not None:
        posts = [post for post in posts if post.slug in slugs]
    for name, attribute, later in (
        ("after", "date", True),
        ("before", "date", False),
        ("modified_after", "modified", True),
        ("modified_before", "modified", False),
    ):
        bound = params.date(name, blog.gmt_offset)
        if bound is not None:
            posts = [
                p
                for p in posts
                if (getattr(p, attribute) > bound) == later and getattr(p, attribute) != bound
            ]
    search = params.one("search")
    if search:
        posts = [post for post in posts if search.casefold() in post.title.casefold()]
    posts = _ordered(posts, params)
    if LYING_PAGE_COUNT in ctx.quirks:
        page, headers = _lying_page(posts, params)
    elif LOW_PAGE_COUNT in ctx.quirks:
        page, headers = _lying_page(posts, params, total_pages=1)
    else:
        page, headers = params.paginate(
            posts, ctx.api + "/wp/v2/posts", "rest_post_invalid_page_number"
        )
    embed = ctx.embed_rels(params)
    fields = params.values("_fields")
    payload = [filtered(_post_json(ctx, post, embed), fields) for post in page]
    return _collection(ctx, payload, snapshot.last_modified, headers)


def _lying_page(
    posts: list[Post], params: Query, total_pages: int = LYING_TOTAL_PAGES
) -> tuple[list[Post], list[tuple[str, str]]]:
    """The page asked for (empty past the last), under headers announcing ``total_pages``."""
    per_page = params.integer("per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)
    page = params.integer("page", 1, 1, None)
    headers = [
        ("X-WP-Total", str(total_pages * per_page)),
        ("X-WP-TotalPages", str(total_pages)),
    ]
    return posts[(page - 1) * per_page : page * per_page], headers


def _ordered(posts: list[Post], params: Query) -> list[Post]:
    orderby = params.enum("orderby", "date", POST_ORDERBY)
    descending = params.enum("order", "desc", ("asc", "desc")) == "desc"
    keys: dict[str, Callable[[Post], Any]] = {
        "id": lambda post: post.id,
        "modified": lambda post: (post.modified, post.id),
        "title": lambda post: (post.title.casefold(), post.id),
        "slug": lambda post: (post.slug, post.id),
    }
    if orderby == "include":
        order = params.ids("include") or []
        return sorted(posts, key=lambda post: order.index(post.id))
    return sorted(
        posts, key=keys.get(orderby, lambda post: (post.date, post.id)), reverse=descending
    )


def _item(ctx: RestContext, kind: str, item_id: int, params: Query) -> Response:
    snapshot = ctx.snapshot
    fields = params.values("_fields")
    if kind == "posts":
        post = snapshot.by_id.get(item_id)
        if post is None:
            raise RestError(404, "rest_post_invalid_id", "Invalid post ID.")
        item = _post_json(ctx, post, ctx.embed_rels(params))
        return _json(ctx, filtered(item, fields), post.modified)
    if kind == "pages":
        wp_page = snapshot.page_by_id.get(item_id)
        if wp_page is None:
            raise RestError(404, "rest_post_invalid_id", "Invalid post ID.")
        return _json(ctx, filtered(_page_json(ctx, wp_page), fields), wp_page.modified)
    term = snapshot.term_by_id.get(item_id)
    taxonomy = "category" if kind == "categories" else "post_tag"
    if term is None or term.taxonomy != taxonomy:
        raise RestError(404, "rest_term_invalid", "Term does not exist.")
    return _json(ctx, filtered(_term_json(ctx, term), fields), snapshot.last_modified)


def _post_json(ctx: RestContext, post: Post, embed: set[str] | None) -> dict[str, Any]:
    api, base = ctx.api, ctx.base_url
    seo = ctx.post_seo(post)
    translations = {lang: other.id for lang, other in ctx.snapshot.translations(post).items()}
    item: dict[str, Any] = {
        "id": post.id,
        "date": rest_date(post.date),
        "date_gmt": rest_date_gmt(post.date),
        "guid": {"rendered": f"{base}/?p={post.id}"},
        "modified": rest_date(post.modified),
        "modified_gmt": rest_date_gmt(post.modified),
        "slug": post.slug,
        "status": "publish",
        "type": "post",
        "link": base + post.path,
        "title": {"rendered": texturize(post.raw_title)},
        "content": {"rendered": content_html(post, base), "protected": False},
        "excerpt": {"rendered": excerpt_html(post), "protected": False},
        "author": post.author.id,
        "featured_media": 0,
        "comment_status": "closed",
        "ping_status": "closed",
        "sticky": False,
        "template": "",
        "format": "standard",
        "meta": {"footnotes": ""},
        "categories": [term.id for term in post.category_terms],
        "tags": [term.id for term in post.tag_terms],
        "class_list": post_classes(post),
        "lang": post.lang,
        "translations": translations,
        "yoast_head": seo.head_html(),
        "yoast_head_json": seo.head_json(),
        "_links": {
            "self": [{"href": f"{api}/wp/v2/posts/{post.id}", "targetHints": {"allow": ["GET"]}}],
            "collection": [{"href": f"{api}/wp/v2/posts"}],
            "about": [{"href": f"{api}/wp/v2/types/post"}],
            "author": [{"embeddable": True, "href": f"{api}/wp/v2/users/{post.author.id}"}],
            "replies": [{"embeddable": True, "href": f"{api}/wp/v2/comments?post={post.id}"}],
            "version-history": [
                {
                    "count": 1 if post.modified == post.date else 3,
                    "href": f"{api}/wp/v2/posts/{post.id}/revisions",
                }
            ],
            "wp:attachment": [{"href": f"{api}/wp/v2/media?parent={post.id}"}],
            "wp:term": [
                {
                    "taxonomy": "category",
                    "embeddable": True,
                    "href": f"{api}/wp/v2/categories?post={post.id}",
                },
                {
                    "taxonomy": "post_tag",
                    "embeddable": True,
                    "href": f"{api}/wp/v2/tags?post={post.id}",
                },
            ],
            "curies": CURIES,
        },
    }
    if embed is not None:
        embedded: dict[str, Any] = {}
        if not embed or "author" in embed:
            embedded["author"] = [
                {
                    "id": post.author.id,
                    "name": post.author.name,
                    "url": "",
                    "description": "",
                    "link": f"{base}/author/{post.author.slug}/",
                    "slug": post.author.slug,
                    "avatar_urls": {},
                    "_links": {"self": [{"href": f"{api}/wp/v2/users/{post.author.id}"}]},
                }
            ]
        if not embed or "wp:term" in embed:
            embedded["wp:term"] = [
                [_term_json(ctx, term, embed=True) for term in post.category_terms],
                [_term_json(ctx, term, embed=True) for term in post.tag_terms],
            ]
        item["_embedded"] = embedded
    if not ctx.polylang:
        del item["lang"], item["translations"]
    return item


def _page_json(ctx: RestContext, page: Page) -> dict[str, Any]:
    api, base = ctx.api, ctx.base_url
    seo = ctx.page_seo(page)
    item: dict[str, Any] = {
        "id": page.id,
        "date": rest_date(page.date),
        "date_gmt": rest_date_gmt(page.date),
        "guid": {"rendered": f"{base}/?page_id={page.id}"},
        "modified": rest_date(page.modified),
        "modified_gmt": rest_date_gmt(page.modified),
        "slug": page.slug,
        "status": "publish",
        "type": "page",
        "link": base + page.path,
        "title": {"rendered": texturize(page.title)},
        "content": {"rendered": blocks_html(page.blocks, base), "protected": False},
        "excerpt": {
            "rendered": f"<p>{texturize(opening(page.paragraphs))}</p>\n",
            "protected": False,
        },
        "author": page.author.id,
        "featured_media": 0,
        "parent": 0,
        "menu_order": 0,
        "comment_status": "closed",
        "ping_status": "closed",
        "template": "",
        "meta": {"footnotes": ""},
        "class_list": page_classes(page),
        "lang": page.lang,
        "translations": {page.lang: page.id},
        "yoast_head": seo.head_html(),
        "yoast_head_json": seo.head_json(),
        "_links": {
            "self": [{"href": f"{api}/wp/v2/pages/{page.id}", "targetHints": {"allow": ["GET"]}}],
            "collection": [{"href": f"{api}/wp/v2/pages"}],
            "about": [{"href": f"{api}/wp/v2/types/page"}],
            "author": [{"embeddable": True, "href": f"{api}/wp/v2/users/{page.author.id}"}],
            "wp:attachment": [{"href": f"{api}/wp/v2/media?parent={page.id}"}],
            "curies": CURIES,
        },
    }
    if not ctx.polylang:
        del item["lang"], item["translations"]
    return item


def _page_collection(ctx: RestContext, params: Query) -> Response:
    lang = _language(ctx, params)
    pages = [page for page in ctx.snapshot.pages if lang is None or page.lang == lang]
    include, slugs = params.ids("include"), params.values("slug")
    if include is not None:
        pages = [page for page in pages if page.id in include]
    if slugs is not None:
        pages = [page for page in pages if page.slug in slugs]
    pages.sort(key=lambda page: (page.date, page.id), reverse=True)
    shown, headers = params.paginate(
        pages, ctx.api + "/wp/v2/pages", "rest_post_invalid_page_number"
    )
    fields = params.values("_fields")
    payload = [filtered(_page_json(ctx, page), fields) for page in shown]
    return _collection(ctx, payload, ctx.snapshot.last_modified, headers)


def _term_json(ctx: RestContext, term: Term, *, embed: bool = False) -> dict[str, Any]:
    api = ctx.api
    rest_base = "categories" if term.taxonomy == "category" else "tags"
    links = {
        "self": [{"href": f"{api}/wp/v2/{rest_base}/{term.id}", "targetHints": {"allow": ["GET"]}}],
        "collection": [{"href": f"{api}/wp/v2/{rest_base}"}],
        "about": [{"href": f"{api}/wp/v2/taxonomies/{term.taxonomy}"}],
        "wp:post_type": [{"href": f"{api}/wp/v2/posts?{rest_base}={term.id}"}],
        "curies": CURIES,
    }
    link = ctx.base_url + term.path
    if embed:
        return {
            "id": term.id,
            "link": link,
            "name": term.name,
            "slug": term.slug,
            "taxonomy": term.taxonomy,
            "_links": links,
        }
    item: dict[str, Any] = {
        "id": term.id,
        "count": len(ctx.snapshot.listing(term.lang, term)),
        "description": term_description_html(term, ctx.base_url),
        "link": link,
        "name": term.name,
        "slug": term.slug,
        "taxonomy": term.taxonomy,
    }
    if term.taxonomy == "category":
        item["parent"] = 0
    item["meta"] = []
    if ctx.polylang:
        item.update(lang=term.lang, translations=ctx.snapshot.term_translations(term))
    item["_links"] = links
    return item


def _term_collection(ctx: RestContext, taxonomy: str, params: Query) -> Response:
    snapshot = ctx.snapshot
    terms = [term for term in snapshot.terms if term.taxonomy == taxonomy]
    include, post_id = params.ids("include"), params.integer("post", 0, 0, None)
    lang = _language(ctx, params)
    if include is None and not post_id and lang is not None:  # Polylang spares explicit ids
        terms = [term for term in terms if term.lang == lang]
    if include is not None:
        terms = [term for term in terms if term.id in include]
    if post_id:
        post = snapshot.by_id.get(post_id)
        owned = () if post is None else post.category_terms + post.tag_terms
        terms = [term for term in terms if term in owned]
    slugs = params.values("slug")
    if slugs is not None:
        terms = [term for term in terms if term.slug in slugs]
    if params.one("hide_empty") in ("1", "true"):
        terms = [term for term in terms if snapshot.listing(term.lang, term)]
    search = params.one("search")
    if search:
        terms = [term for term in terms if search.casefold() in term.name.casefold()]
    orderby = params.enum("orderby", "name", TERM_ORDERBY)
    keys: dict[str, Callable[[Term], Any]] = {
        "id": lambda term: term.id,
        "slug": lambda term: term.slug,
        "count": lambda term: len(snapshot.listing(term.lang, term)),
    }
    terms.sort(  # ORDER BY name in a case- and accent-insensitive collation
        key=keys.get(orderby, lambda term: (collation_key(term.name), term.id)),
        reverse=params.enum("order", "asc", ("asc", "desc")) == "desc",
    )
    route = "/wp/v2/categories" if taxonomy == "category" else "/wp/v2/tags"
    page, headers = params.paginate(terms, ctx.api + route, "rest_term_invalid_page_number")
    payload = [filtered(_term_json(ctx, term), params.values("_fields")) for term in page]
    return _collection(ctx, payload, snapshot.last_modified, headers)


def _route_info(ctx: RestContext, route: str, args: dict[str, Any]) -> dict[str, Any]:
    return {
        "namespace": "wp/v2" if route.startswith("/wp/v2") else "",
        "methods": ["GET"],
        "endpoints": [{"methods": ["GET"], "args": args}],
        "_links": {"self": [{"href": ctx.api + route}]},
    }


def _index(ctx: RestContext) -> dict[str, Any]:
    collection_args = {
        "context": {
            "description": "Scope under which the request is made.",
            "type": "string",
            "enum": ["view", "embed", "edit"],
            "default": "view",
            "required": False,
        },
        "page": {
            "description": "Current page of the collection.",
            "type": "integer",
            "default": 1,
            "minimum": 1,
            "required": False,
        },
        "per_page": {
            "description": "Maximum number of items to be returned in result set.",
            "type": "integer",
            "default": DEFAULT_PER_PAGE,
            "minimum": 1,
            "maximum": MAX_PER_PAGE,
            "required": False,
        },
        "lang": {
            "description": "Language.",
            "type": "string",
            "enum": [language.slug for language in ctx.blog.languages],
            "required": False,
        },
    }
    if not ctx.polylang:
        del collection_args["lang"]
    post_args = {
        **collection_args,
        "modified_after": {
            "description": "Limit response to posts modified after a given ISO8601 compliant date.",
            "type": "string",
            "format": "date-time",
            "required": False,
        },
        "categories": {
            "description": "Limit result set to items with specific terms assigned "
            "in the categories taxonomy.",
            "type": ["object", "array"],
            "required": False,
        },
        "tags": {
            "description": "Limit result set to items with specific terms assigned in the "
            "tags taxonomy.",
            "type": ["object", "array"],
            "required": False,
        },
        "orderby": {
            "type": "string",
            "default": "date",
            "enum": list(POST_ORDERBY),
            "required": False,
        },
    }
    item_args = {
        "id": {
            "description": "Unique identifier for the post.",
            "type": "integer",
            "required": False,
        }
    }
    routes = {
        "/": _route_info(ctx, "/", {}),
        "/wp/v2": _route_info(ctx, "/wp/v2", {}),
        "/wp/v2/posts": _route_info(ctx, "/wp/v2/posts", post_args),
        "/wp/v2/posts/(?P<id>[\\d]+)": _route_info(ctx, "/wp/v2/posts/(?P<id>[\\d]+)", item_args),
        "/wp/v2/categories": _route_info(ctx, "/wp/v2/categories", collection_args),
        "/wp/v2/categories/(?P<id>[\\d]+)": _route_info(
            ctx, "/wp/v2/categories/(?P<id>[\\d]+)", item_args
        ),
        "/wp/v2/tags": _route_info(ctx, "/wp/v2/tags", collection_args),
        "/wp/v2/tags/(?P<id>[\\d]+)": _route_info(ctx, "/wp/v2/tags/(?P<id>[\\d]+)", item_args),
    }
    if ctx.snapshot.pages:
        routes["/wp/v2/pages"] = _route_info(ctx, "/wp/v2/pages", collection_args)
        routes["/wp/v2/pages/(?P<id>[\\d]+)"] = _route_info(
            ctx, "/wp/v2/pages/(?P<id>[\\d]+)", item_args
        )
    return {
        "name": ctx.blog.name,
        "description": ctx.blog.description,
        "url": ctx.base_url,
        "home": ctx.base_url,
        "gmt_offset": ctx.blog.gmt_offset,
        "timezone_string": ctx.blog.timezone,
        "namespaces": ["oembed/1.0", "wp/v2"],
        "authentication": [],
        "routes": routes,
        "site_logo": 0,
        "site_icon": 0,
        "site_icon_url": "",
        "_links": {"help": [{"href": "https://developer.wordpress.org/rest-api/"}]},
    }
