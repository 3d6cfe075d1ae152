"""Plain text from the HTML fragments that platforms publish (bodies, excerpts, titles).

Scraped HTML is untrusted: it is parsed, never rendered or run, and both the markup read and the
text returned are bounded. Everything here returns ``None`` rather than an empty string, so that
"the page has no summary" stays distinguishable from "the summary is blank".

The text returned is plain text with entities decoded (``&lt;script&gt;`` becomes the characters
``<script>``): escape it again wherever it is written into HTML. It holds no control characters
(see `without_controls`): a terminal obeys them and PostgreSQL refuses NUL.
"""

from __future__ import annotations

import html as html_lib
import re
import unicodedata
import warnings
from collections.abc import Iterator
from typing import Any

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, XMLParsedAsHTMLWarning
from bs4.element import NavigableString, PageElement, PreformattedString, Tag

__all__ = [
    "ELLIPSIS",
    "MAX_HTML_CHARS",
    "clean_inline",
    "clean_summary",
    "html_to_text",
    "match_key",
    "truncate",
    "without_controls",
    "without_controls_in",
]

ELLIPSIS = "…"
# Markup beyond this is not read: no page body is this long, a hostile or broken one can be.
MAX_HTML_CHARS = 2_000_000

# Elements whose content is never prose. header/footer stay: inside a post they often hold text.
# head, media and form fields are dropped too, for their fallback text ("Your browser does not...").
# fmt: off
_DROPPED = frozenset({
    "script", "style", "noscript", "template", "iframe", "svg", "math", "form", "button", "nav",
    "head", "select", "textarea", "object", "embed", "canvas", "audio", "video",
})
_PARAGRAPH_TAGS = frozenset({
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "figure", "section", "article",
    "header", "footer", "aside", "main", "ul", "ol", "dl", "table", "pre", "hr", "address",
    "details", "fieldset", "body", "html",
})
# fmt: on
_LINE_TAGS = frozenset({"li", "tr", "dt", "dd", "figcaption", "caption", "summary", "legend"})
_CELL_TAGS = frozenset({"td", "th"})
# WordPress "read more" links and the hidden post title that themes put inside them.
_SUMMARY_NOISE_CLASSES = frozenset({"more-link", "read-more", "screen-reader-text"})

_LINE, _PARAGRAPH, _BR, _SPACE = 1, 2, 3, 4
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u2060\ufeff"))
# A terminal escape sequence goes whole, not just its ESC: "\x1b[31mred" is "red", not "[31mred".
# CSI (ESC [, parameters, final byte); OSC, DCS, APC, PM and SOS up to their BEL or ESC \ (a
# bounded stretch: an unterminated one must not swallow the text after it); any other ESC
# sequence. C1 controls are not read as sequences: mis-decoded cp1252 text is full of them.
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b[\]P_^X][^\x07\x1b]{0,512}(?:\x07|\x1b\\)"
    r"|\x1b[ -/]*[0-~]?"
)


def _control_table() -> dict[int, str | None]:
    """C0 and C1 controls and DEL: a terminal obeys them (BEL rings, CR rewrites the line) and
    PostgreSQL refuses NUL in text and jsonb. The ones Python counts as whitespace become a
    space, the others go. So do the bidi embeddings, overrides and isolates (U+202A-U+202E,
    U+2066-U+2069): they reorder what follows when it is displayed, so a title could show a
    terminal or a report other words, or another URL, than it holds. Catalogue text never needs
    them; the marks U+200E, U+200F and U+061C, which only nudge neutral characters, stay."""
    table: dict[int, str | None] = {}
    for code in (*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)):
        table[code] = " " if chr(code).isspace() else None
    for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)):
        table[code] = None
    return table


_CONTROLS = _control_table()
_CONTROLS_KEEPING_LINES = {**_CONTROLS, ord("\n"): "\n", ord("\t"): "\t"}
_FOLDED = {**_CONTROLS, **_INVISIBLE}
_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[\W_]+")
_EXCERPT_TAIL = re.compile(
    r"""(?:
        \[\s*(?:…|&hellip;|&\#8230;|\.\.\.)\s*\]
      | …
      | \.\.\.
      | \b(?:leer\s+m[aá]s|continuar\s+leyendo|ler\s+mais|continue\s+lendo|read\s+more
            |continue\s+reading)\b\s*(?:…|\.\.\.)?
    )\s*[»\u203a→>]*\s*$""",
    re.IGNORECASE | re.VERBOSE,
)


def html_to_text(html: str | None, max_chars: int = 100_000) -> str | None:
    """Readable text of an HTML fragment: a line per block, ``\\n\\n`` between paragraphs."""
    paragraphs = _paragraphs(html)
    if not paragraphs:
        return None
    return truncate("\n\n".join("\n".join(lines) for lines in paragraphs), max_chars)


def clean_inline(text: str | None, max_chars: int = 1000) -> str | None:
    """A title or label on one line: tags dropped, entities decoded, whitespace folded."""
    paragraphs = _paragraphs(text)
    if not paragraphs:
        return None
    return truncate(" ".join(" ".join(lines) for lines in paragraphs), max_chars)


def clean_summary(html: str | None, max_chars: int = 2000) -> str | None:
    """An excerpt as one paragraph, without WordPress's ``[…]`` / "Leer más" tail."""
    paragraphs = _paragraphs(html, drop_classes=_SUMMARY_NOISE_CLASSES)
    if not paragraphs:
        return None
    summary = " ".join(" ".join(lines) for lines in paragraphs)
    for _ in range(5):  # a tail can be stacked: "texto… [&hellip;] Leer más »"
        shorter = _EXCERPT_TAIL.sub("", summary).rstrip()
        if shorter == summary:
            break
        summary = shorter
    return truncate(summary, max_chars) if summary else None


def without_controls(text: str) -> str:
    """``text`` without terminal escape sequences, control characters or bidi overrides; its
    lines (``\\n``, ``\\r\\n`` and ``\\r`` become ``\\n``) and tabs stay."""
    if text.isprintable():  # the common case, checked at C speed
        return text
    text = _ESCAPE_SEQUENCE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return text.translate(_CONTROLS_KEEPING_LINES)


def without_controls_in(value: Any) -> Any:
    """`without_controls` applied to every string of a JSON-like value, keys included."""
    if isinstance(value, str):
        return without_controls(value)
    if isinstance(value, dict):
        return {without_controls_in(k): without_controls_in(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(without_controls_in(item) for item in value)
    return value


def match_key(text: str | None) -> str | None:
    """Form in which labels and names are compared: ``" Saúde  Pública! "`` -> ``"saude publica"``.

    Lowercase, accents stripped, every run of punctuation and whitespace one space; ``None`` when
    nothing is left.
    """
    if not text:
        return None
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(_NON_WORD.sub(" ", plain).split()) or None


def truncate(text: str, max_chars: int) -> str:
    """``text`` cut to at most ``max_chars`` characters at a word boundary, ending in "…"."""
    if max_chars < 1:
        raise ValueError(f"max_chars must be at least 1, got {max_chars}")
    if len(text) <= max_chars:
        return text
    cut = text[: max_chars - 1]
    if not text[max_chars - 1].isspace():
        boundary = max(cut.rfind(" "), cut.rfind("\n"))
        if boundary >= max_chars // 2:  # a single huge "word" (a URL) is cut where it must be
            cut = cut[:boundary]
    return cut.rstrip(" \n\t,;:") + ELLIPSIS


def _paragraphs(html: str | None, drop_classes: frozenset[str] = frozenset()) -> list[list[str]]:
    """Paragraphs of non-empty, whitespace-folded lines."""
    if not html:
        return []
    html = html[:MAX_HTML_CHARS]
    if "<" not in html:  # plain text, maybe with entities (WordPress ``title.rendered``)
        line = _fold(html_lib.unescape(html))
        return [[line]] if line else []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        soup = BeautifulSoup(html, "html.parser")
    return _assemble(_pieces(soup, drop_classes))


def _pieces(root: Tag, drop_classes: frozenset[str]) -> Iterator[str | int]:
    """Text and break markers in document order; iterative, so deep nesting cannot overflow."""
    stack: list[PageElement | int] = list(reversed(root.contents))
    while stack:
        node = stack.pop()
        if isinstance(node, int):
            yield node
        elif isinstance(node, NavigableString):
            if not isinstance(node, PreformattedString):  # comments, CDATA, doctypes
                yield str(node)
        elif isinstance(node, Tag) and not _is_dropped(node, drop_classes):
            name = node.name.lower()
            marker = _marker(name)
            if name == "br":
                yield _BR
                continue
            if marker:
                yield marker
                stack.append(marker)
            stack.extend(reversed(node.contents))


def _is_dropped(tag: Tag, drop_classes: frozenset[str]) -> bool:
    if tag.name.lower() in _DROPPED:
        return True
    if not drop_classes:
        return False
    classes = tag.get("class")
    if classes is None:
        return False
    return not drop_classes.isdisjoint(classes.split() if isinstance(classes, str) else classes)


def _marker(name: str) -> int:
    if name in _PARAGRAPH_TAGS:
        return _PARAGRAPH
    if name in _LINE_TAGS:
        return _LINE
    if name in _CELL_TAGS:
        return _SPACE
    return 0


def _assemble(pieces: Iterator[str | int]) -> list[list[str]]:
    """Lines and paragraphs from pieces; runs of breaks collapse to the strongest one."""
    paragraphs: list[list[str]] = [[]]
    line: list[str] = []
    pending = 0  # strongest break seen since the last text
    brs = 0  # consecutive <br>: two of them separate paragraphs, as WordPress writes them

    for piece in pieces:
        if isinstance(piece, int):
            if piece == _SPACE:
                line.append(" ")
                continue
            brs = brs + 1 if piece == _BR else 0
            level = _PARAGRAPH if brs >= 2 else _LINE if piece == _BR else piece
            pending = max(pending, level)
            continue
        if not piece.strip():
            line.append(" ")
            continue
        if pending:
            _flush(line, paragraphs, new_paragraph=pending == _PARAGRAPH)
            line = []
            pending = brs = 0
        line.append(piece)
    _flush(line, paragraphs, new_paragraph=False)
    return [lines for lines in paragraphs if lines]


def _flush(line: list[str], paragraphs: list[list[str]], *, new_paragraph: bool) -> None:
    text = _fold("".join(line))
    if text:
        paragraphs[-1].append(text)
    if new_paragraph and paragraphs[-1]:
        paragraphs.append([])


def _fold(text: str) -> str:
    if not text.isprintable():
        text = _ESCAPE_SEQUENCE.sub("", text)
    return _SPACES.sub(" ", text.translate(_FOLDED)).strip()
