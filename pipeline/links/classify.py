"""One class per check: what the spider saw (`LinkObservation`) judged against CLASS_HELP.

The rules, in the order they are tried (the first that applies decides):

1. No usable answer: the transport error decides (timeout, dns_error, connection_error,
   tls_error, redirect_loop, robots_disallowed, private_network, unsafe_redirect with the
   Location as sent, invalid_url), as does a chain longer than `max_redirects`.
2. A bot wall (`signatures.BOT_WALLS`) is `blocked`, whatever its status: challenges come
   as 403, 429, 503, even 202, and counting them as broken is the false alarm to avoid.
3. 429, or a Retry-After longer than we may wait, is `rate_limited` (says nothing).
4. 304 to our conditional request: unchanged, so the class the chain implies.
5. 2xx: `soft_404` when the answer is an error page (by its body, by a deep URL landing on
   the site root or a 404-looking URL, or by looking like the answer to a made-up URL);
   else `ok`, `redirected` (any temporary hop) or `moved` (every hop permanent).
6. 404 / 410 `not_found`, 401 / 403 `forbidden`, other 4xx `client_error`, 5xx (and
   anything stranger) `server_error`.

The evidence always carries the chain ([[url, status], ...]) when there were redirects, and
says when a compressed body was decoded only up to its bound (``body_cut``).
"""

from __future__ import annotations

import html
import re
import unicodedata
from typing import Any
from urllib.parse import SplitResult, urlsplit

from w3lib.url import canonicalize_url

from crawler.links import LinkObservation
from pipeline.links.classes import Verdict
from pipeline.links.fingerprint import Page, read_page, simhash_distance
from pipeline.links.signatures import (
    BOT_WALLS,
    ERROR_PAGE_MAX_WORDS,
    NOT_FOUND_PATH,
    NOT_FOUND_QUERY,
    SOFT_404_BODY_PATTERNS,
    SOFT_404_FILLERS,
    SOFT_404_HEADINGS,
    BotWallSignature,
)

__all__ = [
    "PROBE_MAX_DISTANCE",
    "PROBE_MIN_WORDS",
    "bot_wall",
    "classify",
    "error_heading",
    "error_sentence",
    "is_site_root",
    "looks_not_found",
]

_TRANSPORT_CLASSES = {
    "timeout": "timeout",
    "dns": "dns_error",
    "connection": "connection_error",
    "tls": "tls_error",
    "too_many_hops": "redirect_loop",
    "loop": "redirect_loop",
    "robots": "robots_disallowed",
    "private_network": "private_network",
    "unsafe_redirect": "unsafe_redirect",
    "invalid_url": "invalid_url",
    "other": "connection_error",
}
# A Location is kept as sent, up to this: a data: URL can carry a whole page.
LOCATION_EVIDENCE_CHARS = 2000
_PERMANENT = frozenset({301, 308})
# A page like the answer to a made-up URL is an error page only if both say something:
# two near-empty pages (a JavaScript shell) are alike without being errors.
PROBE_MIN_WORDS = 10
PROBE_MAX_DISTANCE = 3  # simhash bits; unrelated pages differ in about 32
_SENTENCE_WINDOW = 300  # characters of main text where an error page says what it is
_BODY_WINDOW = 65_536  # characters of a refusal searched for a bot wall's markers

# Language roots (/es/, /pt-br/, /zh-hans/) count as a site's root; two letters known to be a
# language, so that /tv/ or /go/ are not taken for one.
# fmt: off
_LANGUAGES = frozenset({
    "ar", "bg", "bn", "ca", "cs", "cy", "da", "de", "el", "en", "es", "et", "eu", "fa", "fi",
    "fr", "ga", "gl", "he", "hi", "hr", "hu", "hy", "id", "is", "it", "ja", "ka", "kk", "ko",
    "lt", "lv", "mk", "ms", "mt", "nb", "nl", "nn", "no", "pl", "pt", "ro", "ru", "sk", "sl",
    "sq", "sr", "sv", "sw", "ta", "th", "tl", "tr", "uk", "ur", "uz", "vi", "zh",
})
# fmt: on
_LANGUAGE_SEGMENT = re.compile(r"^([a-z]{2})(?:[-_](?:[a-z]{2}|hans|hant|\d{3}))?$", re.I)
_INDEX_SEGMENT = re.compile(
    r"^(?:index|default|home|homepage|inicio|início|portada)(?:\.[a-z0-9]{2,5})?$", re.I
)
# " | ", " - ", " / ", " :: ", and the dashes and bullets titles put between page and site.
_TITLE_SEPARATORS = re.compile(r"\s+[-|/:·•»«\u2013\u2014~]+\s+|\s*[|·•»«\u2013\u2014]\s*")
_NOT_WORD = re.compile(r"[^\w']+")
_CODE_FILLERS = frozenset({"404", "410"})


def classify(observation: LinkObservation, *, max_redirects: int = 10) -> Verdict:
    """The class of one observation, with its evidence (see the module's docstring)."""
    status = observation.status
    evidence: dict[str, Any] = {}
    redirects = [hop for hop in observation.hops if _is_redirect(hop.status)]
    if redirects:
        evidence["chain"] = [[hop.url, hop.status] for hop in observation.hops]
    if observation.body_cut_encoding:
        # It answered; the page inflates beyond what is read (a bomb, or a huge page).
        evidence["body_cut"] = {
            "content_encoding": observation.body_cut_encoding,
            "decoded_bytes": len(observation.body),
        }

    def verdict(link_class: str, **fields: Any) -> Verdict:
        return Verdict(
            link_class=link_class,
            http_status=status,
            final_url=observation.final_url,
            evidence=evidence,
            **fields,
        )

    if observation.error_kind is not None or status is None:
        kind = observation.error_kind or "other"
        evidence["error_kind"] = kind
        if kind == "unsafe_redirect" and observation.hops and observation.hops[-1].location:
            evidence["location"] = observation.hops[-1].location[:LOCATION_EVIDENCE_CHARS]
        error = observation.error or ("no answer" if status is None else None)
        return verdict(_TRANSPORT_CLASSES.get(kind, "connection_error"), error=error)
    if len({hop.url for hop in redirects}) > max_redirects:
        evidence["error_kind"] = "too_many_hops"
        return verdict("redirect_loop", error=f"more than {max_redirects} redirects")
    if observation.retried_statuses:
        evidence["retried_statuses"] = list(observation.retried_statuses)

    headers = {name.lower(): value for name, value in observation.headers.items()}
    signature = bot_wall(status, headers, observation.body)
    if signature is not None:
        evidence.update(signature=signature.evidence, vendor=signature.vendor)
        return verdict("blocked")
    success = 200 <= status < 300
    if status == 429 or (observation.retry_after_exceeded and not success):
        evidence["retry_after_exceeded"] = observation.retry_after_exceeded
        if "retry-after" in headers:
            evidence["retry_after"] = headers["retry-after"]
        return verdict("rate_limited")
    if status == 304:
        evidence["not_modified"] = True
        link_class, suggested_url = _chain_class(observation, redirects, evidence)
        return verdict(link_class, suggested_url=suggested_url)
    if success:
        page = read_page(
            observation.body,
            observation.final_url or observation.url,
            headers.get("content-type", ""),
        )
        fingerprint = None if page is None else page.fingerprint
        signal = _soft_404(observation, page)
        if signal is not None:
            evidence.update(signal)
            return verdict("soft_404", fingerprint=fingerprint)
        link_class, suggested_url = _chain_class(observation, redirects, evidence)
        return verdict(link_class, suggested_url=suggested_url, fingerprint=fingerprint)
    if status in (404, 410):
        return verdict("not_found")
    if status in (401, 403):
        return verdict("forbidden")
    if 400 <= status < 500:
        return verdict("client_error")
    if 300 <= status < 400:  # a redirect the spider could not follow: no usable Location
        evidence["reason"] = "redirect without a usable Location"
    return verdict("server_error")


def bot_wall(status: int, headers: dict[str, str], body: bytes) -> BotWallSignature | None:
    """The first bot-wall signature the answer shows, if any (headers named in lower case)."""
    text: str | None = None
    for signature in BOT_WALLS:
        if signature.statuses is not None and status not in signature.statuses:
            continue
        if signature.header is not None:
            value = headers.get(signature.header)
            if value is None:
                continue
            if signature.header_value is not None and not signature.header_value.search(value):
                continue
        if signature.body is not None:
            if text is None:
                text = html.unescape(body[:_BODY_WINDOW].decode("utf-8", "replace"))
            if not signature.body.search(text):
                continue
        return signature
    return None


def error_heading(heading: str) -> str | None:
    """The soft-404 phrase a title or <h1> is, if it is one ("404" for "Error 404").

    The heading is split at its separators ("Página no encontrada | Mercociudades"), and a
    part must be the phrase exactly once the fillers ("Oops!", "Error 404") are stripped.
    """
    code_only = False
    for part in _TITLE_SEPARATORS.split(heading):
        core, had_code = _core(_fold(part))
        if core in _HEADINGS:
            return _HEADINGS[core]
        code_only |= not core and had_code
    return "404" if code_only else None


def error_sentence(text: str) -> str | None:
    """The error-page sentence the start of a main text opens with, if any."""
    match = _BODY_PATTERN.search(_fold(text[:_SENTENCE_WINDOW]))
    return None if match is None else match.group(0)


def is_site_root(path: str) -> bool:
    """/, a language root (/es/, /pt-br/) or an index page (/index.php, /es/inicio)."""
    segments = [segment for segment in path.split("/") if segment]
    if segments:
        language = _LANGUAGE_SEGMENT.match(segments[0])
        if language is not None and language.group(1).lower() in _LANGUAGES:
            segments = segments[1:]
    return not segments or (len(segments) == 1 and bool(_INDEX_SEGMENT.match(segments[0])))


def looks_not_found(url: str) -> bool:
    """A URL that names an error page: /404, /not-found, /pagina-no-encontrada, ?aspxerrorpath."""
    parts = urlsplit(url)
    if any(NOT_FOUND_PATH.match(segment) for segment in parts.path.split("/") if segment):
        return True
    return bool(NOT_FOUND_QUERY.search(parts.query))


def _chain_class(
    observation: LinkObservation, redirects: list[Any], evidence: dict[str, Any]
) -> tuple[str, str | None]:
    """ok, redirected or moved (with the suggested URL), by the redirect hops."""
    final_url = observation.final_url
    if not redirects or final_url is None or _same_url(observation.url, final_url):
        return "ok", None
    if all(hop.status in _PERMANENT for hop in redirects):
        evidence["redirect"] = "permanent"
        if _slash_only(observation.url, final_url):
            # A server adding (or dropping) the trailing slash (Apache's DirectorySlash) has
            # not moved the page: nothing for a maintainer to update.
            evidence["redirect"] = "trailing slash"
            return "ok", None
        if _cosmetic(observation.url, final_url):
            evidence["cosmetic"] = True  # only http->https, www. or a trailing slash changed
        return "moved", final_url
    evidence["redirect"] = "temporary"
    return "redirected", None


def _soft_404(observation: LinkObservation, page: Page | None) -> dict[str, Any] | None:
    """What shows a 2xx answer is an error page: its body, its redirect, or the probe."""
    if page is not None and page.fingerprint.words <= ERROR_PAGE_MAX_WORDS:
        for where, texts in (("title", (page.title,)), ("h1", page.headings)):
            for text in texts:
                phrase = error_heading(text) if text else None
                if phrase is not None:
                    return {"signal": "body", "where": where, "phrase": phrase}
        sentence = error_sentence(page.main_text)
        if sentence is not None:
            return {"signal": "body", "where": "text", "phrase": sentence}
    final_url = observation.final_url
    asked = urlsplit(observation.url)
    if final_url is None or is_site_root(asked.path):
        return None  # a site's root is never an error page, whatever the probe says
    if not _same_url(observation.url, final_url):
        landed = urlsplit(final_url)
        if looks_not_found(final_url) and not looks_not_found(observation.url):
            return {"signal": "redirect", "target": "not_found_url"}
        if _site(landed) == _site(asked) and is_site_root(landed.path):
            return {"signal": "redirect", "target": "site_root"}
    return _probe_signal(observation, page)


def _probe_signal(observation: LinkObservation, page: Page | None) -> dict[str, Any] | None:
    """The made-up URL of the same origin landed where this one did, or on a like page.

    The probe's status is taken as its final answer's; a redirect status (the first answer,
    if that is what was kept) still lets its final URL be compared, not its body.
    """
    probe = observation.probe
    final_url = observation.final_url
    if probe is None or probe.status is None or not final_url:
        return None
    answered = 200 <= probe.status < 300
    evidence: dict[str, Any] = {"signal": "probe", "probe_url": probe.url}
    if (
        (answered or _is_redirect(probe.status))
        and probe.final_url is not None
        and _same_url(probe.final_url, final_url)
        and not _same_url(observation.url, final_url)
    ):
        return evidence | {"match": "final_url", "final_url": final_url}
    if not answered or page is None or page.fingerprint.words < PROBE_MIN_WORDS:
        return None
    probe_page = read_page(probe.body, probe.final_url or probe.url, probe.content_type)
    if probe_page is None or probe_page.fingerprint.words < PROBE_MIN_WORDS:
        return None
    if probe_page.fingerprint.text_hash == page.fingerprint.text_hash:
        return evidence | {"match": "text_hash", "distance": 0}
    distance = simhash_distance(probe_page.fingerprint.simhash, page.fingerprint.simhash)
    if distance <= PROBE_MAX_DISTANCE:
        return evidence | {"match": "simhash", "distance": distance}
    return None


def _is_redirect(status: int | None) -> bool:
    return status is not None and 300 <= status < 400 and status != 304


def _same_url(a: str, b: str) -> bool:
    return a == b or canonicalize_url(a) == canonicalize_url(b)


def _site(parts: SplitResult) -> str:
    host = (parts.hostname or "").lower()
    return host.removeprefix("www.")


def _slash_only(a: str, b: str) -> bool:
    first, second = urlsplit(a), urlsplit(b)
    return (first.scheme, first.netloc.lower(), first.query) == (
        second.scheme,
        second.netloc.lower(),
        second.query,
    ) and first.path.rstrip("/") == second.path.rstrip("/")


def _cosmetic(a: str, b: str) -> bool:
    first, second = urlsplit(a), urlsplit(b)
    return (
        _site(first) == _site(second)
        and first.path.rstrip("/") == second.path.rstrip("/")
        and first.query == second.query
    )


# The accents NFKD splits off Latin letters (what Spanish and Portuguese use).
_COMBINING_MARKS = re.compile("[\u0300-\u036f]")


def _fold(text: str) -> str:
    """Lower case, no accents, straight apostrophes, punctuation to spaces, collapsed."""
    text = unicodedata.normalize("NFKD", text.replace("\u2019", "'").replace("\u2018", "'"))
    text = _COMBINING_MARKS.sub("", text).lower()
    return " ".join(_NOT_WORD.sub(" ", text).split())


def _core(folded: str) -> tuple[str, bool]:
    """A folded heading without its fillers at either end, and whether one was "404"."""
    had_code = False
    changed = True
    while folded and changed:
        changed = False
        for filler in _FILLERS:
            if folded == filler:
                had_code |= filler in _CODE_FILLERS
                return "", had_code
            if folded.startswith(filler + " "):
                folded, changed = folded[len(filler) + 1 :], True
            elif folded.endswith(" " + filler):
                folded, changed = folded[: -len(filler) - 1], True
            if changed:
                had_code |= filler in _CODE_FILLERS
                break
    return folded, had_code


_FILLERS = tuple(sorted({_fold(filler) for filler in SOFT_404_FILLERS}, key=len, reverse=True))
_HEADINGS: dict[str, str] = {}
for _phrase in SOFT_404_HEADINGS:
    _HEADINGS.setdefault(_core(_fold(_phrase))[0], _phrase)
_BODY_PATTERN = re.compile("|".join(f"(?:{pattern})" for pattern in SOFT_404_BODY_PATTERNS))
