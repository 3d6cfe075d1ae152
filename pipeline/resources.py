"""Documents, videos and outbound links found in a record's HTML, as `ResourceData`.

Links between a site's own pages (menus, tags, other posts) are navigation, not resources; what a
catalogue reader follows is a document (wherever it is hosted), a video, or another site.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

from pipeline.text import clean_inline
from pipeline.urls import canonical_url, host_of, is_http_url
from storage.records import ResourceData

__all__ = ["MAX_RESOURCES", "extract_resources", "resource_type"]

MAX_RESOURCES = 200
_DOCUMENT_SUFFIXES = (
    ".pdf",
    ".doc",
    ".docx",
    ".odt",
    ".rtf",
    ".xls",
    ".xlsx",
    ".ods",
    ".csv",
    ".ppt",
    ".pptx",
    ".odp",
    ".zip",
    ".epub",
)
_VIDEO_HOSTS = ("youtube.com", "youtu.be", "vimeo.com", "youtube-nocookie.com")


def resource_type(url: str) -> str:
    """``document``, ``video`` or ``link``, from the URL alone."""
    parts = urlsplit(url)
    path = parts.path.lower()
    if path.endswith(_DOCUMENT_SUFFIXES) or "/wp-content/uploads/" in path:
        return "document"
    host = (parts.hostname or "").lower()
    if any(host == h or host.endswith("." + h) for h in _VIDEO_HOSTS):
        return "video"
    return "link"


def extract_resources(html: str | None, base_url: str) -> list[ResourceData]:
    """Resources in document order, each URL once (its first title wins)."""
    if not html:
        return []
    soup = BeautifulSoup(html, "html.parser")
    site = host_of(base_url)
    found: dict[str, ResourceData] = {}
    for element in soup.find_all(["a", "iframe", "embed", "source", "object"]):
        if not isinstance(element, Tag):
            continue
        href = element.get("href") or element.get("src") or element.get("data")
        if not isinstance(href, str) or not href.strip():
            continue
        url = urljoin(base_url, href.strip())
        if not is_http_url(url):
            continue  # mailto:, tel:, javascript: never become resources
        url = canonical_url(url)
        kind = resource_type(url)
        if kind == "link" and host_of(url) == site:
            continue
        if url not in found:
            title = clean_inline(element.get_text(" ")) if element.name == "a" else None
            found[url] = ResourceData(url=url, title=title, type=kind)
        if len(found) >= MAX_RESOURCES:
            break
    return list(found.values())
