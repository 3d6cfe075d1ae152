"""The Yoast SEO head of a page: title, description, Open Graph, and the JSON-LD graph.

The same values go into the HTML ``<head>`` and, as Yoast does, into the REST API's
``yoast_head`` / ``yoast_head_json`` fields.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pipeline.replicas.wordpress.content import description, opening
from pipeline.replicas.wordpress.formatting import esc_attr, esc_html, gmt_w3c, yoast_json
from pipeline.replicas.wordpress.model import Blog, Language, Page, Post

__all__ = ["YOAST_VERSION", "SeoMeta", "archive_seo", "not_found_seo", "page_seo", "post_seo"]

YOAST_VERSION = "22.4"
ROBOTS = "index, follow, max-image-preview:large, max-snippet:-1, max-video-preview:-1"
FACEBOOK = "https://www.facebook.com/Mercociudades/"
TWITTER = "@mercociudades"
SEP = "-"
LABELS = {
    "es": {
        "home": "Portada",
        "archive": "{name} archivos",
        "page": "Página {page} de {total}",
        "written_by": "Escrito por",
        "reading": "Tiempo de lectura",
        "minutes": "{n} minutos",
        "minute": "1 minuto",
        "not_found": "Página no encontrada",
    },
    "pt": {
        "home": "Início",
        "archive": "Arquivos {name}",
        "page": "Página {page} de {total}",
        "written_by": "Escrito por",
        "reading": "Tempo estimado de leitura",
        "minutes": "{n} minutos",
        "minute": "1 minuto",
        "not_found": "Página não encontrada",
    },
}


@dataclass(frozen=True)
class SeoMeta:
    title: str
    canonical: str | None
    locale: str
    og_type: str = "article"
    description: str | None = None
    alternate_locales: tuple[str, ...] = ()
    published: datetime | None = None
    modified: datetime | None = None
    author: str | None = None
    misc: tuple[tuple[str, str], ...] = ()  # twitter:labelN / twitter:dataN pairs
    prev_url: str | None = None
    next_url: str | None = None
    site_name: str = ""
    schema: dict[str, Any] = field(default_factory=dict)
    robots: str = ROBOTS

    def head_html(self) -> str:
        lines = [
            f"<!-- This site is optimized with the Yoast SEO plugin v{YOAST_VERSION}"
            " - https://yoast.com/wordpress/plugins/seo/ -->",
            f"<title>{esc_html(self.title)}</title>",
        ]
        if self.description:
            lines.append(f'<meta name="description" content="{esc_attr(self.description)}" />')
        for rel, url in (("canonical", self.canonical), ("prev", self.prev_url)):
            if url:
                lines.append(f'<link rel="{rel}" href="{esc_attr(url)}" />')
        if self.next_url:
            lines.append(f'<link rel="next" href="{esc_attr(self.next_url)}" />')
        for prop, value in self._properties():
            lines.append(f'<meta property="{prop}" content="{esc_attr(value)}" />')
        for name, value in self._names():
            lines.append(f'<meta name="{name}" content="{esc_attr(value)}" />')
        if self.schema:
            lines.append(
                '<script type="application/ld+json" class="yoast-schema-graph">'
                f"{yoast_json(self.schema)}</script>"
            )
        lines.append("<!-- / Yoast SEO plugin. -->")
        return "\n".join(lines)

    def _properties(self) -> list[tuple[str, str]]:
        found = [("og:locale", self.locale)]
        found += [("og:locale:alternate", locale) for locale in self.alternate_locales]
        found += [("og:type", self.og_type), ("og:title", self.title)]
        if self.description:
            found.append(("og:description", self.description))
        if self.canonical:
            found.append(("og:url", self.canonical))
        found.append(("og:site_name", self.site_name))
        if self.published is not None:
            found.append(("article:publisher", FACEBOOK))
            found.append(("article:published_time", gmt_w3c(self.published)))
        if self.modified is not None and self.modified != self.published:
            found.append(("article:modified_time", gmt_w3c(self.modified)))
        return found

    def _names(self) -> list[tuple[str, str]]:
        found = [("author", self.author)] if self.author else []
        found += [("twitter:card", "summary_large_image"), ("twitter:site", TWITTER)]
        for number, (label, data) in enumerate(self.misc, start=1):
            found += [(f"twitter:label{number}", label), (f"twitter:data{number}", data)]
        return found

    def head_json(self) -> dict[str, Any]:
        """The REST API's ``yoast_head_json``."""
        found: dict[str, Any] = {"title": self.title}
        if self.description:
            found["description"] = self.description
        found["robots"] = {
            "index": "index",
            "follow": "follow",
            "max-snippet": "max-snippet:-1",
            "max-image-preview": "max-image-preview:large",
            "max-video-preview": "max-video-preview:-1",
        }
        if self.canonical:
            found["canonical"] = self.canonical
        for prop, value in self._properties():
            found.setdefault(prop.replace(":", "_"), value)
        if self.author:
            found["author"] = self.author
        found["twitter_card"] = "summary_large_image"
        found["twitter_site"] = TWITTER
        if self.misc:
            found["twitter_misc"] = dict(self.misc)
        found["schema"] = self.schema
        return found


def _website_nodes(blog: Blog, base_url: str, lang: Language) -> list[dict[str, Any]]:
    home = base_url + "/"
    website = {
        "@type": "WebSite",
        "@id": f"{home}#website",
        "url": home,
        "name": blog.name,
        "description": blog.description,
        "publisher": {"@id": f"{home}#organization"},
        "potentialAction": [
            {
                "@type": "SearchAction",
                "target": {
                    "@type": "EntryPoint",
                    "urlTemplate": f"{home}?s={{search_term_string}}",
                },
                "query-input": "required name=search_term_string",
            }
        ],
        "inLanguage": lang.html_lang,
    }
    organization = {
        "@type": "Organization",
        "@id": f"{home}#organization",
        "name": blog.name,
        "url": home,
        "sameAs": [FACEBOOK, "https://twitter.com/mercociudades"],
    }
    return [website, organization]


def _breadcrumb(url: str, base_url: str, lang: Language, name: str) -> dict[str, Any]:
    return {
        "@type": "BreadcrumbList",
        "@id": f"{url}#breadcrumb",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": 1,
                "name": LABELS[lang.slug]["home"],
                "item": base_url + lang.prefix + "/",
            },
            {"@type": "ListItem", "position": 2, "name": name},
        ],
    }


def post_seo(blog: Blog, post: Post, base_url: str, alternates: tuple[str, ...]) -> SeoMeta:
    """Yoast on a single post; ``alternates`` are the locales of its translations."""
    lang = blog.language(post.lang)
    labels = LABELS[post.lang]
    url = base_url + post.path
    home = base_url + "/"
    title = f"{post.raw_title} {SEP} {blog.name}"
    words = len(post.text.split())
    minutes = max(1, math.ceil(words / 200))
    person_id = f"{home}#/schema/person/{hashlib.md5(post.author.slug.encode()).hexdigest()}"
    article = {
        "@type": "Article",
        "@id": f"{url}#article",
        "isPartOf": {"@id": url},
        "author": {"name": post.author.name, "@id": person_id},
        "headline": post.raw_title,
        "datePublished": gmt_w3c(post.date),
        "dateModified": gmt_w3c(post.modified),
        "mainEntityOfPage": {"@id": url},
        "wordCount": words,
        "publisher": {"@id": f"{home}#organization"},
        "keywords": list(post.tags),
        "articleSection": list(post.categories),
        "inLanguage": lang.html_lang,
    }
    if not post.tags:
        del article["keywords"]
    webpage = {
        "@type": "WebPage",
        "@id": url,
        "url": url,
        "name": title,
        "isPartOf": {"@id": f"{home}#website"},
        "datePublished": gmt_w3c(post.date),
        "dateModified": gmt_w3c(post.modified),
        "description": description(post),
        "breadcrumb": {"@id": f"{url}#breadcrumb"},
        "inLanguage": lang.html_lang,
        "potentialAction": [{"@type": "ReadAction", "target": [url]}],
    }
    person = {"@type": "Person", "@id": person_id, "name": post.author.name}
    graph = [article, webpage, _breadcrumb(url, base_url, lang, post.raw_title)]
    graph += [*_website_nodes(blog, base_url, lang), person]
    return SeoMeta(
        title=title,
        canonical=url,
        locale=lang.locale,
        description=description(post),
        alternate_locales=alternates,
        published=post.date,
        modified=post.modified,
        author=post.author.name,
        misc=(
            (labels["written_by"], post.author.name),
            (
                labels["reading"],
                labels["minute"] if minutes == 1 else labels["minutes"].format(n=minutes),
            ),
        ),
        site_name=blog.name,
        schema={"@context": "https://schema.org", "@graph": graph},
    )


def page_seo(blog: Blog, page: Page, base_url: str) -> SeoMeta:
    """Yoast on a WordPress page: a WebPage (no Article), og:type website."""
    lang = blog.language(page.lang)
    url = base_url + page.path
    home = base_url + "/"
    title = f"{page.title} {SEP} {blog.name}"
    summary = opening(page.paragraphs)
    webpage = {
        "@type": "WebPage",
        "@id": url,
        "url": url,
        "name": title,
        "isPartOf": {"@id": f"{home}#website"},
        "datePublished": gmt_w3c(page.date),
        "dateModified": gmt_w3c(page.modified),
        "description": summary,
        "breadcrumb": {"@id": f"{url}#breadcrumb"},
        "inLanguage": lang.html_lang,
        "potentialAction": [{"@type": "ReadAction", "target": [url]}],
    }
    graph = [webpage, _breadcrumb(url, base_url, lang, page.title)]
    graph += _website_nodes(blog, base_url, lang)
    return SeoMeta(
        title=title,
        canonical=url,
        locale=lang.locale,
        og_type="website",
        description=summary,
        modified=page.modified,
        site_name=blog.name,
        schema={"@context": "https://schema.org", "@graph": graph},
    )


def archive_seo(
    blog: Blog,
    lang: Language,
    base_url: str,
    *,
    name: str | None,  # the term's name; None for the blog's home
    urls: tuple[str, str | None, str | None],  # this page, previous page, next page
    page: int,
    total_pages: int,
) -> SeoMeta:
    labels = LABELS[lang.slug]
    url, prev_url, next_url = urls
    paged = f" {SEP} " + labels["page"].format(page=page, total=total_pages) if page > 1 else ""
    if name is None:
        title = f"{blog.name}{paged} {SEP} {blog.description}"
    else:
        title = labels["archive"].format(name=name) + f"{paged} {SEP} {blog.name}"
    collection = {
        "@type": "CollectionPage",
        "@id": url,
        "url": url,
        "name": title,
        "isPartOf": {"@id": f"{base_url}/#website"},
        "breadcrumb": {"@id": f"{url}#breadcrumb"},
        "inLanguage": lang.html_lang,
    }
    graph = [collection, _breadcrumb(url, base_url, lang, name or blog.name)]
    graph += _website_nodes(blog, base_url, lang)
    return SeoMeta(
        title=title,
        canonical=url,
        locale=lang.locale,
        og_type="article" if name else "website",
        description=None if name else blog.description,
        prev_url=prev_url,
        next_url=next_url,
        site_name=blog.name,
        schema={"@context": "https://schema.org", "@graph": graph},
    )


def not_found_seo(blog: Blog, lang: Language) -> SeoMeta:
    title = f"{LABELS[lang.slug]['not_found']} {SEP} {blog.name}"
    return SeoMeta(
        title=title,
        canonical=None,
        locale=lang.locale,
        og_type="website",
        site_name=blog.name,
        robots="noindex, follow",
    )
