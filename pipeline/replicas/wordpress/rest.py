"""The WordPress REST API (``/wp-json/``) as core 6.x, Polylang and Yoast SEO shape it.

Read-only and unauthenticated: the posts, categories and tags collections and items, with the
core parameters a crawler uses (``page``, ``per_page``, ``categories``, ``tags``, ``include``,
``slug``, ``after``/``before``, ``modified_after``/``modified_before``, ``orderby``/``order``,
``search``, ``_embed``, ``_fields``) and Polylang's ``lang`` (the default language when absent).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qsl, urlencode

from pipeline.replicas.server import Response
from pipeline.replicas.wordpress.content import content_html, excerpt_html, term_description_html
from pipeline.replicas.wordpress.formatting import (
    http_date,
    php_json,
    rest_date,
    rest_date_gmt,
    texturize,
)
from pipeline.replicas.wordpress.model import Blog, Post, Snapshot, Term
from pipeline.replicas.wordpress.seo import SeoMeta
from pipeline.replicas.wordpress.theme import post_classes

__all__ = ["MAX_PER_PAGE", "RestContext", "error_response", "handle_rest"]

DEFAULT_PER_PAGE = 10
MAX_PER_PAGE = 100
POST_ORDERBY = ("author", "date", "id", "include", "modified", "parent", "relevance", "slug",
                "include_slugs", "title")
TERM_ORDERBY = ("id", "include", "name", "slug", "include_slugs", "term_group", "description",
                "count")
CURIES = [{"name": "wp", "href": "https://api.w.org/{rel}", "templated": True}]


class RestError(Exception):
    def __init__(self, status: int, code: str, message: str, **data: Any) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.data = status, code, message, data


@dataclass(frozen=True)
class RestContext:
    blog: Blog
    base_url: str
    snapshot: Snapshot
    post_seo: Callable[[Post], SeoMeta]

    @property
    def api(self) -> str:
        return self.base_url + "/wp-json"


def _headers(ctx: RestContext, last_modified: datetime | None) -> list[tuple[str, str]]:
    headers = [
        ("Content-Type", "application/json; charset=UTF-8"),
        ("X-Robots-Tag", "noindex"),
        ("Link", f'<{ctx.api}/>; rel="https://api.w.org/"'),
        ("X-Content-Type-Options", "nosniff"),
        ("Access-Control-Expose-Headers", "X-WP-Total, X-WP-TotalPages, Link"),
        ("Access-Control-Allow-Headers",
         "Authorization, X-WP-Nonce, Content-Disposition, Content-MD5, Content-Type"),
        ("Allow", "GET"),
        ("Vary", "Origin"),
    ]
    if last_modified is not None:
        headers.append(("Last-Modified", http_date(last_modified)))
    return headers


def error_response(status: int, code: str, message: str, **data: Any) -> Response:
    payload = {"code": code, "message": message, "data": {"status": status, **data}}
    headers = [("Content-Type", "application/json; charset=UTF-8"), ("X-Robots-Tag", "noindex")]
    return Response(status, headers, php_json(payload).encode())


def _invalid_param(name: str, message: str, code: str) -> RestError:
    return RestError(
        400, "rest_invalid_param", f"Invalid parameter(s): {name}",
        params={name: message}, details={name: {"code": code, "message": message, "data": None}},
    )


def handle_rest(ctx: RestContext, route: str, query: str) -> Response:
    """Answer a GET on ``/wp-json{route}?{query}``."""
    params = parse_qsl(query, keep_blank_values=True)
    route = route.rstrip("/") or "/"
    try:
        if dict(params).get("context", "view") not in ("view", "embed"):
            raise RestError(401, "rest_forbidden_context",
                            "Sorry, you are not allowed to edit posts in this post type.")
        return _dispatch(ctx, route, params)
    except RestError as error:
        return error_response(error.status, error.code, error.message, **error.data)


def _dispatch(ctx: RestContext, route: str, params: list[tuple[str, str]]) -> Response:
    parts = route.strip("/").split("/")
    if route == "/":
        return _json(ctx, _index(ctx), ctx.snapshot.last_modified)
    if parts[:2] != ["wp", "v2"] or len(parts) not in (3, 4):
        raise RestError(404, "rest_no_route", "No route was found matching the URL and request method.")
    kind = parts[2]
    if kind not in ("posts", "categories", "tags"):
        raise RestError(404, "rest_no_route", "No route was found matching the URL and request method.")
    if len(parts) == 4:
        if not parts[3].isdigit():
            raise RestError(404, "rest_no_route", "No route was found matching the URL and request method.")
        return _item(ctx, kind, int(parts[3]), params)
    if kind == "posts":
        return _post_collection(ctx, params)
    return _term_collection(ctx, "category" if kind == "categories" else "post_tag", params)


def _json(ctx: RestContext, payload: object, last_modified: datetime | None,
          extra: Sequence[tuple[str, str]] = ()) -> Response:
    headers = [*extra, *_headers(ctx, last_modified)]
    return Response(200, headers, php_json(payload).encode())


def _values(params: list[tuple[str, str]], name: str) -> list[str] | None:
    """``name=a,b`` and ``name[]=a&name[]=b`` alike; None when absent."""
    found = [value for key, value in params if key in (name, f"{name}[]")]
    if not found:
        return None
    return [item.strip() for value in found for item in value.split(",") if item.strip()]


def _one(params: list[tuple[str, str]], name: str) -> str | None:
    found = [value for key, value in params if key == name]
    return found[-1] if found else None


def _integer(params: list[tuple[str, str]], name: str, default: int, low: int, high: int | None) -> int:
    raw = _one(params, name)
    if raw is None:
        return default
    if not raw.lstrip("-").isdigit():
        raise _invalid_param(name, f"{name} is not of type integer.", "rest_invalid_type")
    value = int(raw)
    if high is not None and not low <= value <= high:
        message = f"{name} must be between {low} (inclusive) and {high} (inclusive)"
        raise _invalid_param(name, message, "rest_out_of_bounds")
    if value < low:
        message = f"{name} must be greater than or equal to {low}"
        raise _invalid_param(name, message, "rest_out_of_bounds")
    return value


def _ids(params: list[tuple[str, str]], name: str) -> list[int] | None:
    values = _values(params, name)
    if values is None:
        return None
    if not all(value.isdigit() for value in values):
        raise _invalid_param(name, f"{name}[0] is not of type integer.", "rest_invalid_type")
    return [int(value) for value in values]


def _date(params: list[tuple[str, str]], name: str, offset: int) -> datetime | None:
    raw = _one(params, name)
    if raw is None:
        return None
    try:
        moment = datetime.fromisoformat(raw.replace(" ", "+"))
    except ValueError:
        raise _invalid_param(name, "Invalid date.", "rest_invalid_date") from None
    if moment.tzinfo is None:  # WordPress reads a date without offset in the site's timezone
        moment = moment.replace(tzinfo=timezone(timedelta(hours=offset)))
    return moment


def _language(ctx: RestContext, params: list[tuple[str, str]]) -> str | None:
    slugs = [language.slug for language in ctx.blog.languages]
    lang = _one(params, "lang")
    if lang is None:
        return ctx.blog.default_language.slug
    if lang == "":
        return None  # Polylang: an empty lang means every language
    if lang not in slugs:
        raise _invalid_param("lang", f"lang is not one of {', '.join(slugs)}.", "rest_not_in_enum")
    return lang


def _enum(params: list[tuple[str, str]], name: str, default: str, allowed: Sequence[str]) -> str:
    value = _one(params, name) or default
    if value not in allowed:
        message = f"{name} is not one of {', '.join(allowed)}."
        raise _invalid_param(name, message, "rest_not_in_enum")
    return value


def _page_of(
    ctx: RestContext,
    params: list[tuple[str, str]],
    items: Sequence[Any],
    route: str,
    invalid_page: str,
) -> tuple[list[Any], list[tuple[str, str]]]:
    """Cut one page out of ``items``: the page, and X-WP-Total / X-WP-TotalPages / Link."""
    per_page = _integer(params, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)
    page = _integer(params, "page", 1, 1, None)
    total = len(items)
    pages = -(-total // per_page)
    if page > pages and total > 0:
        raise RestError(400, invalid_page,
                        "The page number requested is larger than the number of pages available.")
    headers = [("X-WP-Total", str(total)), ("X-WP-TotalPages", str(pages))]
    kept = [(key, value) for key, value in params if key != "page"]
    for rel, number in (("prev", page - 1), ("next", page + 1)):
        if 1 <= number <= pages:
            query = urlencode([*kept, ("page", str(number))])
            headers.append(("Link", f'<{ctx.api}{route}?{query}>; rel="{rel}"'))
    return list(items[(page - 1) * per_page : page * per_page]), headers


def _post_collection(ctx: RestContext, params: list[tuple[str, str]]) -> Response:
    blog, snapshot = ctx.blog, ctx.snapshot
    lang = _language(ctx, params)
    posts = list(snapshot.posts if lang is None else snapshot.listing(lang))
    for name, field in (("categories", "category_terms"), ("tags", "tag_terms")):
        wanted = _ids(params, name)
        if wanted is not None:
            posts = [p for p in posts if {t.id for t in getattr(p, field)} & set(wanted)]
        unwanted = _ids(params, f"{name}_exclude")
        if unwanted is not None:
            posts = [p for p in posts if not {t.id for t in getattr(p, field)} & set(unwanted)]
    include, exclude = _ids(params, "include"), _ids(params, "exclude")
    if include is not None:
        posts = [post for post in posts if post.id in include]
    if exclude is not None:
        posts = [post for post in posts if post.id not in exclude]
    slugs = _values(params, "slug")
    if slugs is not None:
        posts = [post for post in posts if post.slug in slugs]
    for name, attribute, later in (("after", "date", True), ("before", "date", False),
                                   ("modified_after", "modified", True),
                                   ("modified_before", "modified", False)):
        bound = _date(params, name, blog.gmt_offset)
        if bound is not None:
            posts = [p for p in posts if (getattr(p, attribute) > bound) == later
                     and getattr(p, attribute) != bound]
    search = _one(params, "search")
    if search:
        posts = [post for post in posts if search.casefold() in post.title.casefold()]
    posts = _ordered(posts, params)
    page, headers = _page_of(ctx, params, posts, "/wp/v2/posts", "rest_post_invalid_page_number")
    embed = _embed_rels(params)
    fields = _values(params, "_fields")
    payload = [_filtered(_post_json(ctx, post, embed), fields) for post in page]
    return _json(ctx, payload, snapshot.last_modified, headers)


def _ordered(posts: list[Post], params: list[tuple[str, str]]) -> list[Post]:
    orderby = _enum(params, "orderby", "date", POST_ORDERBY)
    descending = _enum(params, "order", "desc", ("asc", "desc")) == "desc"
    keys: dict[str, Callable[[Post], Any]] = {
        "id": lambda post: post.id,
        "modified": lambda post: (post.modified, post.id),
        "title": lambda post: (post.title.casefold(), post.id),
        "slug": lambda post: (post.slug, post.id),
    }
    if orderby == "include":
        order = _ids(params, "include") or []
        return sorted(posts, key=lambda post: order.index(post.id))
    return sorted(posts, key=keys.get(orderby, lambda post: (post.date, post.id)),
                  reverse=descending)


def _embed_rels(params: list[tuple[str, str]]) -> set[str] | None:
    """None: no embedding; an empty set: embed everything; else the rels asked for."""
    value = _one(params, "_embed")
    if value is None:
        return None
    if value in ("", "1", "true"):
        return set()
    return {rel.strip() for rel in value.split(",")}


def _filtered(item: dict[str, Any], fields: list[str] | None) -> dict[str, Any]:
    if fields is None:
        return item
    kept: dict[str, Any] = {}
    for name in fields:
        top, _, rest = name.partition(".")
        if top not in item:
            continue
        if rest and isinstance(item[top], dict):
            kept.setdefault(top, {})
            if rest in item[top]:
                kept[top][rest] = item[top][rest]
        else:
            kept[top] = item[top]
    return kept


def _item(ctx: RestContext, kind: str, item_id: int, params: list[tuple[str, str]]) -> Response:
    snapshot = ctx.snapshot
    fields = _values(params, "_fields")
    if kind == "posts":
        post = snapshot.by_id.get(item_id)
        if post is None:
            raise RestError(404, "rest_post_invalid_id", "Invalid post ID.")
        item = _post_json(ctx, post, _embed_rels(params))
        return _json(ctx, _filtered(item, fields), post.modified)
    term = snapshot.term_by_id.get(item_id)
    taxonomy = "category" if kind == "categories" else "post_tag"
    if term is None or term.taxonomy != taxonomy:
        raise RestError(404, "rest_term_invalid", "Term does not exist.")
    return _json(ctx, _filtered(_term_json(ctx, term), fields), snapshot.last_modified)


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
            "version-history": [{"count": 1 if post.modified == post.date else 3,
                                 "href": f"{api}/wp/v2/posts/{post.id}/revisions"}],
            "wp:attachment": [{"href": f"{api}/wp/v2/media?parent={post.id}"}],
            "wp:term": [
                {"taxonomy": "category", "embeddable": True,
                 "href": f"{api}/wp/v2/categories?post={post.id}"},
                {"taxonomy": "post_tag", "embeddable": True,
                 "href": f"{api}/wp/v2/tags?post={post.id}"},
            ],
            "curies": CURIES,
        },
    }
    if embed is not None:
        embedded: dict[str, Any] = {}
        if not embed or "author" in embed:
            embedded["author"] = [{
                "id": post.author.id, "name": post.author.name, "url": "", "description": "",
                "link": f"{base}/author/{post.author.slug}/", "slug": post.author.slug,
                "avatar_urls": {}, "_links": {"self": [{"href": f"{api}/wp/v2/users/{post.author.id}"}]},
            }]
        if not embed or "wp:term" in embed:
            embedded["wp:term"] = [
                [_term_json(ctx, term, embed=True) for term in post.category_terms],
                [_term_json(ctx, term, embed=True) for term in post.tag_terms],
            ]
        item["_embedded"] = embedded
    return item


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
        return {"id": term.id, "link": link, "name": term.name, "slug": term.slug,
                "taxonomy": term.taxonomy, "_links": links}
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
    item.update(meta=[], lang=term.lang, translations=ctx.snapshot.term_translations(term))
    item["_links"] = links
    return item


def _term_collection(ctx: RestContext, taxonomy: str, params: list[tuple[str, str]]) -> Response:
    snapshot = ctx.snapshot
    terms = [term for term in snapshot.terms if term.taxonomy == taxonomy]
    include, post_id = _ids(params, "include"), _integer(params, "post", 0, 0, None)
    lang = _language(ctx, params)
    if include is None and not post_id and lang is not None:  # Polylang spares explicit ids
        terms = [term for term in terms if term.lang == lang]
    if include is not None:
        terms = [term for term in terms if term.id in include]
    if post_id:
        post = snapshot.by_id.get(post_id)
        owned = () if post is None else post.category_terms + post.tag_terms
        terms = [term for term in terms if term in owned]
    slugs = _values(params, "slug")
    if slugs is not None:
        terms = [term for term in terms if term.slug in slugs]
    if _one(params, "hide_empty") in ("1", "true"):
        terms = [term for term in terms if snapshot.listing(term.lang, term)]
    search = _one(params, "search")
    if search:
        terms = [term for term in terms if search.casefold() in term.name.casefold()]
    orderby = _enum(params, "orderby", "name", TERM_ORDERBY)
    keys: dict[str, Callable[[Term], Any]] = {
        "id": lambda term: term.id,
        "slug": lambda term: term.slug,
        "count": lambda term: len(snapshot.listing(term.lang, term)),
    }
    terms.sort(key=keys.get(orderby, lambda term: (term.name.casefold(), term.id)),
               reverse=_enum(params, "order", "asc", ("asc", "desc")) == "desc")
    route = "/wp/v2/categories" if taxonomy == "category" else "/wp/v2/tags"
    page, headers = _page_of(ctx, params, terms, route, "rest_term_invalid_page_number")
    payload = [_filtered(_term_json(ctx, term), _values(params, "_fields")) for term in page]
    return _json(ctx, payload, snapshot.last_modified, headers)


def _route_info(ctx: RestContext, route: str, args: dict[str, Any]) -> dict[str, Any]:
    return {
        "namespace": "wp/v2" if route.startswith("/wp/v2") else "",
        "methods": ["GET"],
        "endpoints": [{"methods": ["GET"], "args": args}],
        "_links": {"self": [{"href": ctx.api + route}]},
    }


def _index(ctx: RestContext) -> dict[str, Any]:
    collection_args = {
        "context": {"description": "Scope under which the request is made.", "type": "string",
                    "enum": ["view", "embed", "edit"], "default": "view", "required": False},
        "page": {"description": "Current page of the collection.", "type": "integer",
                 "default": 1, "minimum": 1, "required": False},
        "per_page": {"description": "Maximum number of items to be returned in result set.",
                     "type": "integer", "default": DEFAULT_PER_PAGE, "minimum": 1,
                     "maximum": MAX_PER_PAGE, "required": False},
        "lang": {"description": "Language.", "type": "string",
                 "enum": [language.slug for language in ctx.blog.languages], "required": False},
    }
    post_args = {
        **collection_args,
        "modified_after": {"description": "Limit response to posts modified after a given "
                           "ISO8601 compliant date.", "type": "string", "format": "date-time",
                           "required": False},
        "categories": {"description": "Limit result set to items with specific terms assigned "
                       "in the categories taxonomy.", "type": ["object", "array"],
                       "required": False},
        "tags": {"description": "Limit result set to items with specific terms assigned in the "
                 "tags taxonomy.", "type": ["object", "array"], "required": False},
        "orderby": {"type": "string", "default": "date", "enum": list(POST_ORDERBY),
                    "required": False},
    }
    item_args = {"id": {"description": "Unique identifier for the post.", "type": "integer",
                        "required": False}}
    routes = {
        "/": _route_info(ctx, "/", {}),
        "/wp/v2": _route_info(ctx, "/wp/v2", {}),
        "/wp/v2/posts": _route_info(ctx, "/wp/v2/posts", post_args),
        "/wp/v2/posts/(?P<id>[\\d]+)": _route_info(ctx, "/wp/v2/posts/(?P<id>[\\d]+)", item_args),
        "/wp/v2/categories": _route_info(ctx, "/wp/v2/categories", collection_args),
        "/wp/v2/categories/(?P<id>[\\d]+)": _route_info(ctx, "/wp/v2/categories/(?P<id>[\\d]+)", item_args),
        "/wp/v2/tags": _route_info(ctx, "/wp/v2/tags", collection_args),
        "/wp/v2/tags/(?P<id>[\\d]+)": _route_info(ctx, "/wp/v2/tags/(?P<id>[\\d]+)", item_args),
    }
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
