"""One spelling per URL, so that the same page found twice is recognised as one.

Canonicalisation removes only what cannot change the page (fragment, parameter order, default
port, case of scheme and host, campaign tracking). It keeps ``www.`` and ``http`` as they are: a
platform that moved host or scheme must show up as moved, not be hidden by normalisation.

A monitored link is checked more strictly: `url_problem` says why a URL may not be monitored
(every URL a user, the config or a record hands to the link store passes it), and `link_url`
spells a URL that passed it the one way the link store keeps it.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from urllib.parse import unquote_plus, urlsplit, urlunsplit

from w3lib.url import canonicalize_url, safe_url_string

__all__ = [
    "MAX_URL_LENGTH",
    "TRACKING_PARAMETERS",
    "canonical_url",
    "host_of",
    "is_http_url",
    "link_url",
    "quoted_url",
    "url_problem",
]

TRACKING_PARAMETERS = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "_ga", "_gl", "igshid"}
)
# Scrapy drops a request whose URL, as sent, is longer than its URLLENGTH_LIMIT (2,083, the
# old browser limit): a longer link would be monitored and never checked.
MAX_URL_LENGTH = 2083
_TRACKING_PREFIXES = ("utm_",)
_DEFAULT_PORTS = {"http": 80, "https": 443}
_PORT = re.compile(r":(\d*)$")
_MAX_HOST_LENGTH = 253
_MAX_LABEL_LENGTH = 63
# Letters, digits, hyphen; underscore too, as browsers and resolvers accept it in real names.
_LABEL = re.compile(r"^[a-z0-9_-]+$")
# Unicode categories a URL never needs and a terminal or a reader cannot see: controls,
# invisible formatting (bidi overrides, zero-width), surrogates, and every kind of space.
_INVISIBLE = {"Cc": "a control character", "Cf": "an invisible formatting character"}


def canonical_url(url: str) -> str:
    """The canonical spelling of ``url``; an unparseable URL comes back stripped, not raised."""
    url = url.strip()
    try:
        canonical = canonicalize_url(url, keep_fragments=False)
        parts = urlsplit(canonical)
    except ValueError:  # "http://[::1" and the like: leave it for is_http_url to reject
        return url
    scheme = parts.scheme.lower()
    userinfo, at, host_port = parts.netloc.rpartition("@")
    netloc = userinfo + at + _without_default_port(host_port.lower(), scheme)
    path = parts.path or ("/" if netloc else "")
    return urlunsplit((scheme, netloc, path, _without_tracking(parts.query), ""))


def is_http_url(url: str) -> bool:
    """True for an absolute ``http``/``https`` URL with a host and a valid port (what a scraped
    link must be to be kept; `url_problem` says whether it may be monitored)."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises ValueError on a port like ":99999" or ":abc"
    except ValueError:
        return False
    return parts.scheme.lower() in _DEFAULT_PORTS and bool(parts.hostname)


def url_problem(url: str) -> str | None:
    """Why ``url`` may not be monitored, in a few words; None when it may.

    A monitored URL is an absolute http(s) URL whose host is a DNS name (IDNA-encodable, labels
    of 1-63 letters, digits, hyphens or underscores, 253 characters in all) or an IP address,
    with a port from 1 to 65535, no user name or password, no whitespace or invisible
    character anywhere, and at most MAX_URL_LENGTH characters as it is sent.
    """
    if len(url) > MAX_URL_LENGTH:
        return f"{len(url):,} characters long, more than the {MAX_URL_LENGTH:,} allowed"
    unseen = _invisible_character(url)
    if unseen:
        return unseen
    try:
        parts = urlsplit(url)
    except ValueError as error:
        return f"not a valid URL ({error})"
    try:
        port = parts.port
    except ValueError:
        port = 0
    if parts.scheme.lower() not in _DEFAULT_PORTS or not url[len(parts.scheme) :].startswith("://"):
        return "not an http(s) URL"
    if "@" in parts.netloc:
        return "has a user name or password before the host (it would be stored and shown)"
    if port == 0:
        return "the port is not a number from 1 to 65535"
    host = parts.netloc.rpartition(":")[0] if _PORT.search(parts.netloc) else parts.netloc
    if not host:
        return "has no host"
    problem = _host_problem(host)
    if problem:
        return problem
    try:
        sent = safe_url_string(link_url(url))
    except ValueError as error:
        return f"not a valid URL ({error})"
    if len(sent) > MAX_URL_LENGTH:
        return (
            f"{len(sent):,} characters long once encoded, more than the {MAX_URL_LENGTH:,} allowed"
        )
    return None


def link_url(url: str) -> str:
    """The spelling the link store keeps for a URL `url_problem` accepts: scheme and host in
    lowercase, the host IDNA-encoded, a default port dropped, an empty path made ``/``; path,
    query and fragment stay exactly as given (they are the site's to interpret)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    rest = url[len(parts.scheme) + 3 + len(parts.netloc) :]
    if not rest.startswith("/"):
        rest = "/" + rest
    port = parts.port
    host = _ascii_host(parts.hostname or "")
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    return f"{scheme}://{netloc}{rest}"


def quoted_url(url: str, limit: int = 120) -> str:
    """``url`` quoted for a message, its control characters escaped and cut at ``limit``
    characters: a line on stderr names a bad URL, it does not reproduce a megabyte of it."""
    if len(url) <= limit:
        return repr(url)
    return f"{url[:limit]!r}... ({len(url):,} characters)"


def host_of(url: str) -> str:
    """The lowercase host of ``url`` (no port, no trailing dot, IDNA-encoded), or ``""``."""
    try:
        host = (urlsplit(url.strip()).hostname or "").rstrip(".")
    except ValueError:
        return ""
    if host.isascii():
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def _invisible_character(url: str) -> str | None:
    for position, character in enumerate(url, start=1):
        if character.isspace():
            kind = "a space" if character == " " else "whitespace"
        else:
            kind = _INVISIBLE.get(unicodedata.category(character), "")
            if not kind and unicodedata.category(character) == "Cs":
                kind = "a lone surrogate"
        if kind:
            return f"contains {kind} (U+{ord(character):04X}) at character {position}"
    return None


def _host_problem(host: str) -> str | None:
    """Why the host part of a netloc (brackets kept for IPv6) is neither a DNS name nor an IP
    address."""
    if host.startswith("["):
        try:
            ipaddress.IPv6Address(host[1:-1] if host.endswith("]") else "")
        except ValueError:
            return f"host {host!r} is not a valid IPv6 address"
        return None
    try:
        name = _ascii_host(host)
    except ValueError as error:
        return f"host {host!r} is not a valid domain name ({error})"
    try:
        ipaddress.IPv4Address(name)
        return None
    except ValueError:
        pass
    labels = name.removesuffix(".").split(".")
    if len(name.removesuffix(".")) > _MAX_HOST_LENGTH:
        return f"host is longer than {_MAX_HOST_LENGTH} characters"
    for label in labels:
        if not label:
            return f"host {host!r} has an empty label"
        if len(label) > _MAX_LABEL_LENGTH:
            return f"host {host!r} has a label longer than {_MAX_LABEL_LENGTH} characters"
        if not _LABEL.match(label):
            return f"host {host!r} is not a valid domain name"
    return None


def _ascii_host(host: str) -> str:
    """The host as a request sends it: lowercased, IDNA-encoded (UTS #46, as browsers do),
    numeric IPv4 forms made dotted; w3lib does it as Scrapy's requests do. ValueError if it
    cannot be."""
    if ":" in host:  # an IPv6 address, brackets already removed
        return str(ipaddress.IPv6Address(host))
    sent = urlsplit(safe_url_string(f"http://{host}/"))
    if sent.path != "/" or sent.query or sent.fragment:  # "\\" ends a host, as "/" does
        raise ValueError("not a host name")
    return sent.netloc


def _without_default_port(netloc: str, scheme: str) -> str:
    port = _PORT.search(netloc)
    if port is None or netloc.endswith("]"):  # "[::1]" ends without a port
        return netloc
    if not port[1] or int(port[1]) == _DEFAULT_PORTS.get(scheme):
        return netloc[: port.start()]
    return netloc


def _without_tracking(query: str) -> str:
    kept = []
    for parameter in query.split("&"):
        name = unquote_plus(parameter.partition("=")[0]).lower()
        if name in TRACKING_PARAMETERS or name.startswith(_TRACKING_PREFIXES):
            continue
        kept.append(parameter)
    return "&".join(kept)
