"""``/sitemap.xml`` as Drupal's simple_sitemap module writes it, hreflang alternates included."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

__all__ = ["SITEMAP_MAX_LINKS", "sitemap_xml"]

SITEMAP_MAX_LINKS = 2000  # simple_sitemap's default: more URLs make an index of pages
_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def sitemap_xml(
    base: str, entries: Sequence[tuple[dict[str, str], datetime]], page: int | None
) -> str | None:
    """The sitemap (or its index, or page ``page`` of it); None for a page past the end.

    ``entries``: per node, its path in each language and when it last changed.
    """
    urls = [(path, paths, changed) for paths, changed in entries for path in paths.values()]
    chunks = [urls[i : i + SITEMAP_MAX_LINKS] for i in range(0, len(urls), SITEMAP_MAX_LINKS)]
    if page is None and len(chunks) > 1:
        items = "".join(
            f"<sitemap><loc>{base}/sitemap.xml?page={number}</loc></sitemap>"
            for number in range(1, len(chunks) + 1)
        )
        xml = f'<sitemapindex xmlns="{_NS}">{items}</sitemapindex>'
    else:
        number = page or 1
        if not 1 <= number <= len(chunks):
            return None
        rows = []
        for path, paths, changed in chunks[number - 1]:
            links = "".join(
                f'<xhtml:link rel="alternate" hreflang="{code}" href="{base}{href}"/>'
                for code, href in sorted(paths.items())
            )
            rows.append(
                f"<url><loc>{base}{path}</loc>{links}<lastmod>{changed.isoformat()}</lastmod></url>"
            )
        xml = (
            f'<urlset xmlns="{_NS}" xmlns:xhtml="http://www.w3.org/1999/xhtml">'
            f"{''.join(rows)}</urlset>"
        )
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + xml
