"""WordPress's text filters and date formats, close enough that a replica emits what WordPress does.

Text in the content model is stored *as typed* in the editor (straight quotes, ``-`` between
spaces, ``...``); `texturize` turns it into what WordPress prints (``&#8220;``, ``&#8211;``,
``&#8230;``) and `display_text` into what a reader sees (the same text, entities decoded).
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from datetime import UTC, datetime
from email.utils import format_datetime

__all__ = [
    "collation_key",
    "date_i18n",
    "date_rfc822",
    "date_w3c",
    "display_text",
    "esc_attr",
    "esc_html",
    "gmt_w3c",
    "http_date",
    "php_json",
    "remove_accents",
    "rest_date",
    "rest_date_gmt",
    "sanitize_file_name",
    "sanitize_title",
    "texturize",
    "trim_words",
    "yoast_json",
]

MONTHS = {
    "es": (
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ),
    "pt": (
        "janeiro",
        "fevereiro",
        "março",
        "abril",
        "maio",
        "junho",
        "julho",
        "agosto",
        "setembro",
        "outubro",
        "novembro",
        "dezembro",
    ),
}

# wptexturize: an opening quote follows the start of the text, a space or one of ([{-
_OPENING = r"(^|[\s(\[{\-])"


def texturize(text: str) -> str:
    """wptexturize + convert_chars on plain text (no tags): typographic entities, ``&#038;``."""
    out = text.replace("&", "&#038;").replace("<", "&lt;").replace(">", "&gt;")
    out = out.replace("...", "&#8230;")
    out = out.replace("---", "&#8212;").replace(" -- ", " &#8212; ")
    out = out.replace("--", "&#8211;").replace(" - ", " &#8211; ")
    out = re.sub(_OPENING + '"', r"\1&#8220;", out)
    out = out.replace('"', "&#8221;")
    out = re.sub(r"(?<=\w)'(?=\w)", "&#8217;", out)
    out = re.sub(_OPENING + "'", r"\1&#8216;", out)
    return out.replace("'", "&#8217;")


def display_text(text: str) -> str:
    """What a reader sees of ``text`` once WordPress has texturized it."""
    return html.unescape(texturize(text))


def esc_html(text: str) -> str:
    """esc_html / esc_attr: both quote styles encoded, as WordPress does."""
    return html.escape(text, quote=True).replace("&#x27;", "&#039;")


esc_attr = esc_html


def remove_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def collation_key(text: str) -> str:
    """How MySQL's utf8mb4_unicode_ci compares (``ORDER BY name``): accents and case ignored."""
    return remove_accents(text).casefold()


def sanitize_title(title: str) -> str:
    """sanitize_title_with_dashes: the slug WordPress derives from a title."""
    slug = remove_accents(html.unescape(title)).lower().replace(".", "-")
    slug = re.sub(r"[^a-z0-9 _-]", "", slug)
    slug = re.sub(r"[\s-]+", "-", slug)
    return slug.strip("-")


def sanitize_file_name(name: str) -> str:
    """sanitize_file_name (with the common remove-accents plugin): keeps case, dashes spaces."""
    cleaned = re.sub(r"[^A-Za-z0-9._ -]", "", remove_accents(name))
    return re.sub(r"[\s-]+", "-", cleaned).strip("-.")


def trim_words(text: str, count: int) -> tuple[str, bool]:
    """wp_trim_words without the "more" suffix: the first ``count`` words, and whether cut."""
    words = text.split()
    return " ".join(words[:count]), len(words) > count


def php_json(value: object) -> str:
    """wp_json_encode with PHP's default flags: ASCII only, slashes escaped as ``\\/``."""
    return json.dumps(value, ensure_ascii=True, separators=(",", ":")).replace("/", "\\/")


def yoast_json(value: object) -> str:
    """Yoast's JSON-LD encoding: JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def date_w3c(moment: datetime) -> str:
    """DATE_W3C in the site's timezone: ``2020-04-15T10:00:00-03:00``."""
    return moment.isoformat(timespec="seconds")


def gmt_w3c(moment: datetime) -> str:
    """How Yoast prints times: in UTC, ``2020-04-15T13:00:00+00:00``."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def rest_date(moment: datetime) -> str:
    """The REST API's ``date`` / ``modified``: site-local time without an offset."""
    return moment.replace(tzinfo=None).isoformat(timespec="seconds")


def rest_date_gmt(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds")


def date_rfc822(moment: datetime) -> str:
    """RSS pubDate: ``Wed, 15 Apr 2020 13:00:00 +0000``."""
    return format_datetime(moment.astimezone(UTC))


def http_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def date_i18n(moment: datetime, lang: str) -> str:
    """The date format of es_ES and pt_BR, ``j \\d\\e F \\d\\e Y``: ``3 de março de 2021``."""
    return f"{moment.day} de {MONTHS[lang][moment.month - 1]} de {moment.year}"
