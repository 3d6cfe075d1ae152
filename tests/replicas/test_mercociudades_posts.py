"""One post, three views: its page, its REST object and its archive entry say the same thing."""

from __future__ import annotations

import html
import json
import re
from datetime import UTC

import pytest

from pipeline.replicas.mercociudades import MercociudadesSite
from pipeline.replicas.wordpress.model import Post
from tests.replicas.conftest import fetch


def _sample(site: MercociudadesSite) -> list[Post]:
    """The newest posts (which carry every feature) and a few older ones."""
    posts = site.posts()
    return posts[:6] + posts[20:60:13]


def _archive_entry(base: str, site: MercociudadesSite, post: Post) -> tuple[str, str]:
    position = [p.id for p in site.posts()].index(post.id)
    page = position // 10 + 1
    url = base + site.landing_path + (f"page/{page}/" if page > 1 else "")
    article = fetch(url).html.css(f"article#post-{post.id}")
    title = "".join(article.css("h2.entry-title a ::text").getall())
    return title, article.css("time.entry-date.published::attr(datetime)").get("")


def test_page_rest_and_archive_agree(base: str, site: MercociudadesSite) -> None:
    for post in _sample(site):
        page = fetch(base + post.path)
        assert page.status == 200, post.path
        article = page.html.css(f"article#post-{post.id}")
        assert "".join(article.css("h1.entry-title ::text").getall()) == post.title
        published = article.css("time.entry-date.published::attr(datetime)").get()
        assert published == post.date.isoformat()
        # "published updated" on one <time> when never modified, else a second <time>
        assert article.css("time.updated::attr(datetime)").get() == post.modified.isoformat()
        assert len(article.css("time")) == (1 if post.modified == post.date else 2)
        assert article.css("span.cat-links a::text").getall() == list(post.categories)
        assert article.css("span.tags-links a::text").getall() == list(post.tags)
        classes = article.attrib["class"].split()
        assert classes[:6] == [
            f"post-{post.id}",
            "post",
            "type-post",
            "status-publish",
            "format-standard",
            "hentry",
        ]
        assert "category-covid-19" in classes

        item = fetch(f"{base}/wp-json/wp/v2/posts/{post.id}?_embed=1").json()
        assert html.unescape(item["title"]["rendered"]) == post.title
        assert item["date"] == post.date.replace(tzinfo=None).isoformat()
        assert item["date_gmt"] == post.date.astimezone(UTC).replace(tzinfo=None).isoformat()
        assert item["modified"] == post.modified.replace(tzinfo=None).isoformat()
        assert item["link"] == base + post.path
        assert item["slug"] == post.slug
        embedded = item["_embedded"]["wp:term"]
        assert [term["name"] for term in embedded[0]] == list(post.categories)
        assert [term["id"] for term in embedded[0]] == item["categories"]
        assert [term["name"] for term in embedded[1]] == list(post.tags)
        assert item["class_list"] == classes

        assert _archive_entry(base, site, post) == (post.title, post.date.isoformat())


def test_post_head(base: str, site: MercociudadesSite) -> None:
    post = site.posts()[0]
    page = fetch(base + post.path)
    head = page.html.css("head")
    url = base + post.path
    assert page.html.css("html::attr(lang)").get() == "es-ES"
    assert head.css("title::text").get() == f"{html.unescape(post.raw_title)} - Mercociudades"
    assert head.css('link[rel="canonical"]::attr(href)').get() == url
    assert head.css('link[rel="shortlink"]::attr(href)').get() == f"{base}/?p={post.id}"
    json_link = head.css('link[rel="alternate"][type="application/json"]::attr(href)').get()
    assert json_link == f"{base}/wp-json/wp/v2/posts/{post.id}"
    assert head.css('meta[property="og:type"]::attr(content)').get() == "article"
    assert head.css('meta[property="og:url"]::attr(content)').get() == url
    published = head.css('meta[property="article:published_time"]::attr(content)').get()
    assert published == post.date.astimezone(UTC).isoformat()
    description = head.css('meta[name="description"]::attr(content)').get()
    assert description == (post.excerpt or description)
    graph = json.loads(head.css("script.yoast-schema-graph::text").get(""))["@graph"]
    article = next(node for node in graph if node["@type"] == "Article")
    assert article["headline"] == post.raw_title
    assert article["articleSection"] == list(post.categories)
    assert article["datePublished"] == post.date.astimezone(UTC).isoformat()
    assert article["inLanguage"] == "es-ES"
    organization = next(node for node in graph if node["@id"] == article["publisher"]["@id"])
    assert organization["@type"] == "Organization" and organization["name"] == "Mercociudades"
    assert {node["@type"] for node in graph} >= {"WebPage", "BreadcrumbList"}
    link_headers = page.header_all("Link")
    assert f'<{base}/wp-json/>; rel="https://api.w.org/"' in link_headers
    assert f"<{base}/?p={post.id}>; rel=shortlink" in link_headers


def test_description_falls_back_to_content(base: str, site: MercociudadesSite) -> None:
    post = next(p for p in site.posts() if p.excerpt is None)
    head = fetch(base + post.path).html.css("head")
    description = head.css('meta[name="description"]::attr(content)').get("")
    assert description.rstrip("…") and post.paragraphs[0].startswith(description.rstrip("…"))
    item = fetch(f"{base}/wp-json/wp/v2/posts/{post.id}").json()
    assert item["excerpt"]["rendered"].endswith("&nbsp;[&hellip;]</p>\n")


def test_hreflang_pairs_are_reciprocal(base: str, site: MercociudadesSite) -> None:
    translated = [p for p in site.posts() if p.translation is not None]
    assert translated
    for post in translated:
        assert post.translation is not None
        spanish = fetch(base + post.path).html
        portuguese = fetch(base + post.translation.path).html
        pairs = {
            lang: spanish.css(f'link[hreflang="{lang}"]::attr(href)').get()
            for lang in ("es", "pt-br")
        }
        assert pairs == {"es": base + post.path, "pt-br": base + post.translation.path}
        for lang, url in pairs.items():
            assert portuguese.css(f'link[hreflang="{lang}"]::attr(href)').get() == url
        assert portuguese.css("html::attr(lang)").get() == "pt-BR"
        item = fetch(f"{base}/wp-json/wp/v2/posts/{post.translation.id}").json()
        assert item["lang"] == "pt"
        assert item["translations"] == {"es": post.id, "pt": post.translation.id}
        assert post.translation.translation_of == post.id
    alone = next(p for p in site.posts() if p.translation is None)
    assert fetch(base + alone.path).html.css("link[hreflang]").getall() == []


def test_portuguese_dates_and_categories(base: str, site: MercociudadesSite) -> None:
    post = site.posts(lang="pt")[0]
    article = fetch(base + post.path).html.css("article")
    shown = article.css("time.entry-date.published::text").get("")
    assert re.fullmatch(r"\d{1,2} de [a-zç]+ de 20\d\d", shown)
    assert "COVID-19" in article.css("span.cat-links a::text").getall()
    assert article.css("span.cat-links::text").get("").startswith("Publicado em")


def test_shortlinks_redirect(base: str, site: MercociudadesSite) -> None:
    post = site.posts()[3]
    moved = fetch(f"{base}/?p={post.id}")
    assert moved.status == 301
    assert moved.header("Location") == base + post.path
    translation = site.posts(lang="pt")[0]
    assert fetch(f"{base}/?p={translation.id}").header("Location") == base + translation.path
    assert fetch(f"{base}/?p=999999").status == 404
    slashless = fetch(base + post.path.rstrip("/"))
    assert slashless.status == 301 and slashless.header("Location") == base + post.path


def test_content_links_videos_and_hostile_markup(base: str, site: MercociudadesSite) -> None:
    posts = site.posts()
    with_pdf = next(p for p in posts if p.pdfs)
    content = fetch(base + with_pdf.path).html.css("div.entry-content")
    hrefs = content.css("a::attr(href)").getall()
    for pdf in with_pdf.pdfs:
        assert base + pdf.path in hrefs
    for link in with_pdf.links:
        assert link.url in hrefs
        assert link.url.startswith("https://")
    with_video = next(p for p in posts if p.video_id)
    iframe = fetch(base + with_video.path).html.css("figure.wp-block-embed.is-type-video iframe")
    assert iframe.attrib["src"].startswith(f"https://www.youtube.com/embed/{with_video.video_id}")
    hostile = next(p for p in posts if p.hostile_markup)
    page = fetch(base + hostile.path).text
    for markup in hostile.hostile_markup:
        assert markup in page
    assert not any("alert(" in paragraph for paragraph in hostile.paragraphs)
    assert 3 <= len(hostile.paragraphs) <= 8


def test_post_fields(site: MercociudadesSite) -> None:
    posts = site.posts()
    assert all(p.date.utcoffset() == p.modified.utcoffset() for p in posts)
    assert all(p.modified >= p.date for p in posts)
    assert all(p.categories and "COVID-19" in p.categories for p in posts)
    assert all(len(p.categories) <= 3 for p in posts)
    assert any(p.categories == ("COVID-19",) for p in posts)
    assert any(p.modified == p.date for p in posts)
    assert any(p.excerpt is None for p in posts) and any(p.excerpt for p in posts)
    about_cities = [p for p in posts if p.city is not None]
    assert about_cities and all(p.country and len(p.country) == 2 for p in about_cities)
    assert all(p.path == f"/{p.slug}/" for p in posts)
    assert len({p.slug for p in posts}) == len(posts)
    text = " ".join(p.title + " ".join(p.paragraphs) for p in posts)
    assert re.search("[áéíóúñ]", text)


def test_missing_page_is_themed_404(base: str) -> None:
    missing = fetch(base + "/no-existe/")
    assert missing.status == 404
    assert missing.header("Content-Type") == "text/html; charset=UTF-8"
    assert missing.html.css("title::text").get() == "Página no encontrada - Mercociudades"
    assert "error404" in missing.html.css("body::attr(class)").get("")


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_post_page_conditional_get(base: str, site: MercociudadesSite, method: str) -> None:
    post = site.posts()[5]
    first = fetch(base + post.path)
    etag, last_modified = first.header("ETag"), first.header("Last-Modified")
    assert etag and last_modified
    assert fetch(base + post.path, method=method, If_None_Match=etag).status == 304
    assert fetch(base + post.path, method=method, If_Modified_Since=last_modified).status == 304
    item_url = f"{base}/wp-json/wp/v2/posts/{post.id}"
    item_etag = fetch(item_url).header("ETag") or ""
    assert fetch(item_url, If_None_Match=item_etag).status == 304
