"""What a page says, reduced to what identifies it: its main text, a hash and a simhash of it.

A fingerprint must survive what changes around the content (menus, banners, sidebars, the
year in the footer) and change when the content does: it is compared across checks to find
a page that moved without a redirect, to notice a cited page's text drifting, and to tell a
site's error page from its real pages (soft 404s). So only the main text counts: scripts,
styles, navigation, forms, asides and the site's own header and footer are dropped, and the
page's main region (<main>, <article>, ...) is preferred to the whole body.

Parsing is lxml's (libxml2), which keeps thousands of pages a second within reach; the
simhash is 64-bit over word 3-shingles hashed with BLAKE2b, so that it is stable across
processes and Python versions (it is stored).
"""

from __future__ import annotations

import hashlib
import re
import threading
import unicodedata
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.etree  # type: ignore[import-untyped]  # no stubs: types-lxml is not a dependency
from w3lib.encoding import html_to_unicode

from pipeline.links.classes import Fingerprint
from pipeline.text import without_controls

__all__ = [
    "Page",
    "fingerprint",
    "is_html",
    "main_text",
    "normalise_text",
    "read_page",
    "simhash",
    "simhash_distance",
    "simhash_from_hex",
    "simhash_to_hex",
]

# Never prose. Site-wide header and footer go too, but not those inside an <article> or
# <main>: there they hold the post's own title and date.
_DROPPED_TAGS = (
    "script", "style", "noscript", "template", "nav", "aside", "form", "iframe", "svg",
    "button", "select", "textarea", "object", "embed", "canvas", "audio", "video", "math",
)  # fmt: skip
_SITE_CHROME = lxml.etree.XPath(
    "//header[not(ancestor::article or ancestor::main)]"
    " | //footer[not(ancestor::article or ancestor::main)]"
    " | //*[@role='navigation' or @role='banner' or @role='contentinfo' or @role='search']"
)
# Where the content is, most specific first. A region counts when the page has exactly one
# (a listing page has an <article> per item: its content is all of them) and it holds text.
_MAIN_REGIONS = tuple(
    lxml.etree.XPath(path)
    for path in (
        "//main",
        "//*[@role='main']",
        "//article",
        "//*[@id='content']",
        "//*[contains(concat(' ', normalize-space(@class), ' '), ' entry-content ')]",
    )
)
_TITLE = lxml.etree.XPath("//head/title | //title[not(ancestor::svg)]")
_OG = lxml.etree.XPath("//meta[@property=$name or @name=$name]/@content")
_LINK_REL = lxml.etree.XPath("//link[@rel and @href]")
_H1 = lxml.etree.XPath("(//h1)[position() <= 2]")

_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))
_WORD = re.compile(r"\w+")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>", re.IGNORECASE)
_MASK_64 = (1 << 64) - 1
# A site's pages share most of their words: hashing each once saves most of the work.
_WORD_CACHE_SIZE = 200_000
_word_cache: dict[str, bytes] = {}
_SHINGLE = 3
_MAX_TITLE_CHARS = 500

_parsers = threading.local()  # lxml parsers must not be shared between threads


@dataclass(frozen=True, slots=True)
class Page:
    """What the classifier reads of an HTML page, parsed once."""

    title: str | None  # <title>, else og:title; whitespace collapsed, case kept
    headings: tuple[str, ...]  # the first two <h1> (a logo is often the first)
    main_text: str  # normalised (see `normalise_text`)
    canonical_url: str | None
    fingerprint: Fingerprint


def normalise_text(text: str) -> str:
    """NFKC, lower case, invisible characters removed, whitespace collapsed to single spaces."""
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE).lower()
    return " ".join(text.split())


def main_text(html: bytes | str, encoding: str | None = None) -> str:
    """The page's main text, normalised; "" when there is none.

    Bytes are decoded with `encoding` when given, else as the page declares (BOM, <meta>),
    else as UTF-8.
    """
    document = _parse(html, encoding)
    return "" if document is None else _main_text(document)


def read_page(body: bytes, url: str, content_type: str) -> Page | None:
    """Parse an HTML answer once for everything the classifier needs; None if not HTML."""
    if not body or not is_html(content_type, body):
        return None
    document = _parse(body, _charset(content_type))
    if document is None:
        return None
    title = _title(document)
    canonical_url = _canonical_url(document, url)
    headings = tuple(_collapse(_text(h1)) for h1 in _H1(document))
    text = _main_text(document)
    words = _WORD.findall(text)
    return Page(
        title=title,
        headings=tuple(heading for heading in headings if heading),
        main_text=text,
        canonical_url=canonical_url,
        fingerprint=Fingerprint(
            text_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
            simhash=_simhash(words),
            title=title,
            canonical_url=canonical_url,
            words=len(words),
        ),
    )


def fingerprint(body: bytes, url: str, content_type: str) -> Fingerprint | None:
    """The fingerprint of an HTML answer; None for other types and for empty bodies."""
    page = read_page(body, url, content_type)
    return None if page is None else page.fingerprint


def is_html(content_type: str, body: bytes = b"") -> bool:
    """HTML by its Content-Type; by its first bytes when the server sent no type."""
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type:
        return media_type in ("text/html", "application/xhtml+xml")
    start = body[:512].lstrip().lower()
    return start.startswith((b"<!doctype html", b"<html")) or b"<html" in start


def simhash(text: str) -> int:
    """64-bit simhash (unsigned) of the word 3-shingles of `text`; 0 for no words.

    Near-duplicate texts get hashes a few bits apart; unrelated ones about 32 bits apart.
    A shingle's hash is h(w1) ^ rotl(h(w2), 21) ^ rotl(h(w3), 42), h being BLAKE2b-64 of a
    word. Word hashes are cached, and all the shingles are combined at once as the 64-bit
    lanes of big integers, so that a long page costs a fraction of a millisecond.
    """
    return _simhash(_WORD.findall(text))


def _simhash(words: list[str]) -> int:
    if not words:
        return 0
    if len(words) < _SHINGLE:
        words = [" ".join(words)]
    count = max(len(words) - _SHINGLE + 1, 1)
    # Per word, 24 bytes: its hash rotated by 0, 21 and 42 bits. Viewed as 8-byte units
    # (never read as native integers, so the byte order is the same everywhere).
    _hash_new_words(words)
    units = memoryview(b"".join(map(_word_cache.__getitem__, words))).cast("Q")
    combined = 0
    for position in range(min(_SHINGLE, len(words))):
        lane = units[3 * position + position :: 3][:count]
        combined ^= int.from_bytes(lane.tobytes(), "little")
    digests = combined.to_bytes(8 * count, "little")
    ones = int.from_bytes(b"\x01" * count, "little")
    half = count / 2
    value = 0
    for byte_index in range(8):  # little-endian: byte k of a digest holds bits 8k..8k+7
        column = int.from_bytes(digests[byte_index::8], "little")
        for bit in range(8):
            if (column & (ones << bit)).bit_count() > half:
                value |= 1 << (8 * byte_index + bit)
    return value


def simhash_distance(a: int, b: int) -> int:
    """How many of the 64 bits differ."""
    return (a ^ b).bit_count()


def simhash_to_hex(value: int) -> str:
    """16 lower-case hex digits: how a simhash is stored (a signed BIGINT cannot hold 2**63)."""
    if not 0 <= value < 1 << 64:
        raise ValueError(f"not a 64-bit unsigned simhash: {value}")
    return f"{value:016x}"


def simhash_from_hex(text: str) -> int:
    """Read back what `simhash_to_hex` wrote."""
    if len(text) != 16:
        raise ValueError(f"a stored simhash has 16 hex digits, not {text!r}")
    return int(text, 16)


def _hash_new_words(words: list[str]) -> None:
    """Cache, per word, BLAKE2b-64 of it rotated left by 0, 21 and 42 bits (little-endian)."""
    new_words = set(words).difference(_word_cache)
    if len(_word_cache) + len(new_words) > _WORD_CACHE_SIZE:
        _word_cache.clear()
        new_words = set(words)
    for word in new_words:
        value = int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest())
        _word_cache[word] = b"".join(
            (((value << shift) | (value >> (64 - shift))) & _MASK_64).to_bytes(8, "little")
            for shift in (0, 21, 42)
        )


def _parser() -> Any:
    parser = getattr(_parsers, "parser", None)
    if parser is None:
        # lxml.etree's parser, not lxml.html's: no Python class lookup per element.
        parser = lxml.etree.HTMLParser(
            encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True
        )
        _parsers.parser = parser
    return parser


def _parse(html: bytes | str, encoding: str | None) -> Any:
    """The document, or None when there is nothing to parse.

    Bytes are decoded here (w3lib follows the browsers' order: BOM, the given encoding, the
    page's <meta>, UTF-8), then handed to libxml2 as UTF-8 so that it never guesses again.
    """
    if isinstance(html, bytes):
        content_type = f"text/html; charset={encoding}" if encoding else None
        _, html = html_to_unicode(content_type, html)
    # libxml2 reads a NUL as U+FFFD; the rest of citywatch drops it (see pipeline.text).
    html = _XML_DECLARATION.sub("", html, count=1).replace("\x00", "")
    if not html.strip():
        return None
    try:
        return lxml.etree.fromstring(html.encode("utf-8", "replace"), parser=_parser())
    except (lxml.etree.ParserError, lxml.etree.XMLSyntaxError, ValueError):
        return None  # nothing but comments, or bytes libxml2 cannot make a document of


def _main_text(document: Any) -> str:
    lxml.etree.strip_elements(document, *_DROPPED_TAGS, with_tail=False)
    for element in _SITE_CHROME(document):
        _drop(element)
    for region in _MAIN_REGIONS:
        elements = region(document)
        if len(elements) == 1:
            text = normalise_text(_text(elements[0]))
            if text:
                return text
    return normalise_text(_text(document))


def _drop(element: Any) -> None:
    """Remove an element but not its tail: the text after it is not its own."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _text(element: Any) -> str:
    return " ".join(element.itertext())


def _title(document: Any) -> str | None:
    for element in _TITLE(document):
        title = _collapse(_text(element))
        if title:
            return title[:_MAX_TITLE_CHARS]
    for content in _OG(document, name="og:title"):
        title = _collapse(str(content))
        if title:
            return title[:_MAX_TITLE_CHARS]
    return None


def _canonical_url(document: Any, url: str) -> str | None:
    """<link rel=canonical>, else og:url, made absolute; only http(s) URLs."""
    hrefs = [
        str(link.get("href"))
        for link in _LINK_REL(document)
        if "canonical" in str(link.get("rel")).lower().split()
    ]
    hrefs += [str(content) for content in _OG(document, name="og:url")]
    for href in hrefs:
        href = without_controls(href).strip()
        if not href:
            continue
        absolute = urljoin(url, href)
        if urlsplit(absolute).scheme in ("http", "https"):
            return absolute
    return None


def _charset(content_type: str) -> str | None:
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip(" \"'"):
            return value.strip(" \"'")
    return None


def _collapse(text: str) -> str:
    """One line of what a page shows, without invisible or control characters (a title is
    stored and printed: see `pipeline.text.without_controls`)."""
    return " ".join(without_controls(text).translate(_INVISIBLE).split())
