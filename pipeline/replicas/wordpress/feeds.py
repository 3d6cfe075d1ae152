"""What WordPress serves to machines besides the REST API: RSS 2.0, core sitemaps, robots.txt."""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

from pipeline.replicas.wordpress.content import content_html, excerpt_plain
from pipeline.replicas.wordpress.formatting import date_rfc822, date_w3c, texturize
from pipeline.replicas.wordpress.model import Blog, Language, Page, Post, Term

__all__ = [
    "FEED_SIZE",
    "SITEMAP_SIZE",
    "robots_txt",
    "rss_feed",
    "sitemap_index",
    "sitemap_posts",
    "sitemap_terms",
]

FEED_SIZE = 10  # posts_per_rss
SITEMAP_SIZE = 2000  # wp_sitemaps_get_max_urls()


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def rss_feed(
    blog: Blog,
    lang: Language,
    base_url: str,
    *,
    title: str,
    feed_path: str,
    page_path: str,
    posts: Sequence[Post],
) -> str:
    """``/feed/`` of the home page or of a term: the newest FEED_SIZE posts, full content."""
    last_build = max((post.modified for post in posts), default=None)
    items = "".join(_rss_item(blog, post, base_url) for post in posts[:FEED_SIZE])
    build = f"\t<lastBuildDate>{date_rfc822(last_build)}</lastBuildDate>\n" if last_build else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"\n'
        '\txmlns:content="http://purl.org/rss/1.0/modules/content/"\n'
        '\txmlns:wfw="http://wellformedweb.org/CommentAPI/"\n'
        '\txmlns:dc="http://purl.org/dc/elements/1.1/"\n'
        '\txmlns:atom="http://www.w3.org/2005/Atom"\n'
        '\txmlns:sy="http://purl.org/rss/1.0/modules/syndication/"\n'
        '\txmlns:slash="http://purl.org/rss/1.0/modules/slash/"\n'
        "\t>\n\n<channel>\n"
        f"\t<title>{texturize(title)}</title>\n"
        f'\t<atom:link href="{base_url}{feed_path}" rel="self" type="application/rss+xml" />\n'
        f"\t<link>{base_url}{page_path}</link>\n"
        f"\t<description>{escape(blog.description)}</description>\n"
        f"{build}"
        f"\t<language>{lang.html_lang}</language>\n"
        "\t<sy:updatePeriod>\n\thourly\t</sy:updatePeriod>\n"
        "\t<sy:updateFrequency>\n\t1\t</sy:updateFrequency>\n"
        f"\t<generator>https://wordpress.org/?v={blog.version}</generator>\n"
        f"{items}\t</channel>\n</rss>\n"
    )


def _rss_item(blog: Blog, post: Post, base_url: str) -> str:
    categories = "".join(
        f"\t\t<category>{_cdata(term.name)}</category>\n"
        for term in post.category_terms + post.tag_terms
    )
    return (
        "\t<item>\n"
        f"\t\t<title>{texturize(post.raw_title)}</title>\n"
        f"\t\t<link>{base_url}{post.path}</link>\n"
        f"\t\t<dc:creator>{_cdata(post.author.name)}</dc:creator>\n"
        f"\t\t<pubDate>{date_rfc822(post.date)}</pubDate>\n"
        f"{categories}"
        f'\t\t<guid isPermaLink="false">{base_url}/?p={post.id}</guid>\n\n'
        f"\t\t\t\t\t<description>{_cdata(excerpt_plain(post))}</description>\n"
        f"\t\t\t\t\t\t\t\t\t\t<content:encoded>{_cdata(content_html(post, base_url))}"
        "</content:encoded>\n"
        "\t\t\t\t\t\n\t\t\n\t\t\n\t\t\t</item>\n"
    )


_SITEMAP_XSL = '<?xml-stylesheet type="text/xsl" href="{base}/wp-sitemap.xsl" ?>\n'


def sitemap_index(base_url: str, post_pages: int, *, pages: bool = False) -> str:
    """``/wp-sitemap.xml``: the posts sitemaps, the pages one (if any), then the categories."""
    names = [f"wp-sitemap-posts-post-{number}.xml" for number in range(1, post_pages + 1)]
    if pages:
        names.append("wp-sitemap-posts-page-1.xml")
    names.append("wp-sitemap-taxonomies-category-1.xml")
    entries = "".join(f"<sitemap><loc>{base_url}/{name}</loc></sitemap>" for name in names)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        + _SITEMAP_XSL.replace("wp-sitemap.xsl", "wp-sitemap-index.xsl").format(base=base_url)
        + '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        + entries
        + "</sitemapindex>\n"
    )


def _urlset(base_url: str, entries: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        + _SITEMAP_XSL.format(base=base_url)
        + '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        + entries
        + "</urlset>\n"
    )


def sitemap_posts(base_url: str, posts: Sequence[Post | Page]) -> str:
    """One page of ``wp-sitemap-posts-{post,page}-N.xml``: every language, by id, lastmod."""
    entries = "".join(
        f"<url><loc>{base_url}{post.path}</loc><lastmod>{date_w3c(post.modified)}</lastmod></url>"
        for post in posts
    )
    return _urlset(base_url, entries)


def sitemap_terms(base_url: str, terms: Sequence[Term]) -> str:
    entries = "".join(f"<url><loc>{base_url}{term.path}</loc></url>" for term in terms)
    return _urlset(base_url, entries)


def robots_txt(base_url: str, *, disallow_api: bool = False) -> str:
    """The virtual robots.txt of WordPress with core sitemaps on (``disallow_api``: as some
    SEO and security plugins write it, keeping robots off ``/wp-json/``)."""
    api = "Disallow: /wp-json/\n" if disallow_api else ""
    return (
        "User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n"
        f"{api}\nSitemap: {base_url}/wp-sitemap.xml\n"
    )
