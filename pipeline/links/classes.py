"""The link classes (`storage.models.LINK_CLASSES`), what each means, and how each counts.

A class says what one check found; a link's *state* (healthy, failing, broken, moved,
needs_review) is decided over several checks by `pipeline.links.states`, so one bad night is
never a false alarm.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from storage.models import LINK_CLASSES

__all__ = [
    "CLASS_HELP",
    "FAILURES",
    "INCONCLUSIVE",
    "REVIEW",
    "USABLE",
    "Fingerprint",
    "Verdict",
]

CLASS_HELP: dict[str, str] = {
    "ok": "answered 2xx (a 503 or 429 that succeeded on retry is ok), or 304 to our "
    "conditional request",
    "redirected": "a temporary redirect (302, 303, 307) chain to a working page",
    "moved": "a permanent redirect (301, 308) chain to a working page, or the same content "
    "found at a new URL of the same platform; suggested_url holds the new URL",
    "not_found": "404 or 410 (the code is kept), also at the end of a redirect chain",
    "forbidden": "401 or 403 with no sign of a bot wall: refused to everyone",
    "client_error": "another 4xx (400, 406, 451, ...)",
    "blocked": "a bot wall (CDN or WAF challenge, e.g. cf-mitigated): people can read the page, "
    "the checker is refused; never counted as broken",
    "rate_limited": "429 still after honouring Retry-After; not counted as broken",
    "server_error": "5xx after the retries",
    "soft_404": "answers 200 but is an error page: by its text, by a redirect of a deep URL to "
    "the site root or a 404-looking URL, or by looking like the answer to a made-up URL",
    "timeout": "no answer within the timeout, after the retries",
    "dns_error": "the host name does not resolve",
    "connection_error": "connection refused, reset or closed before an answer",
    "tls_error": "the TLS handshake or the certificate failed",
    "redirect_loop": "the redirect chain loops or has too many hops",
    "robots_disallowed": "not checked: robots.txt disallows it and link checks obey robots.txt",
    "private_network": "not checked: the host or a redirect resolves to a loopback, private or "
    "link-local address, refused unless crawl.allow_private_networks is set",
    "unsafe_redirect": "a redirect to a scheme other than http(s) (file:, data:, ftp:, "
    "javascript:...): not followed, as a browser would not follow it; the Location is kept",
    "invalid_url": "not checked: not an http(s) URL that can be requested (e.g. a space in "
    "the host); stored by an older version or by hand",
}
if set(CLASS_HELP) != set(LINK_CLASSES):  # pragma: no cover - a developer's slip
    raise RuntimeError("CLASS_HELP and LINK_CLASSES disagree")

# The link can be followed by a reader.
USABLE = frozenset({"ok", "redirected", "moved"})
# The link is dead for readers: counted towards `broken` through the hysteresis.
FAILURES = frozenset(
    {
        "not_found",
        "forbidden",
        "client_error",
        "server_error",
        "timeout",
        "dns_error",
        "connection_error",
        "tls_error",
        "redirect_loop",
        "unsafe_redirect",
        "invalid_url",
    }
)
# A person should look: the checker could not tell, or suspects an error page.
REVIEW = frozenset({"blocked", "soft_404", "robots_disallowed", "private_network"})
# Says nothing about the link: the state stays as it was.
INCONCLUSIVE = frozenset({"rate_limited"})


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What identifies a page's content: the hash of its normalised main text, a 64-bit
    simhash of it (near-duplicates differ in few bits), its title and its canonical URL."""

    text_hash: str  # sha256 hex of the normalised main text
    simhash: int  # 64-bit, unsigned
    title: str | None = None
    canonical_url: str | None = None  # <link rel=canonical> or og:url, absolute
    words: int = 0  # words in the main text (a near-empty page proves little)


@dataclass(frozen=True, slots=True)
class Verdict:
    """The class of one observation, with what shows it."""

    link_class: str
    http_status: int | None
    final_url: str | None
    suggested_url: str | None = None  # for `moved`
    fingerprint: Fingerprint | None = None
    # Why: e.g. {"signal": "body", "phrase": "página no encontrada"} for a soft 404,
    # {"signature": "cf-mitigated: challenge"} for a bot wall, {"redirect": "permanent"}.
    evidence: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
