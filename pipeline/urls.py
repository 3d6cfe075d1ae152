"""One spelling per URL, so that the same page found twice is recognised as one.

Canonicalisation removes only what cannot change the page (fragment, parameter order, default
port, case of scheme and host, campaign tracking). It keeps ``www.`` and ``http`` as they are: a
platform that moved host or scheme must show up as moved, not be hidden by normalisation.
"""

from __future__ import annotations

import re
from urllib.parse import unquote_plus, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

__all__ = ["TRACKING_PARAMETERS", "canonical_url", "host_of", "is_http_url"]

TRACKING_PARAMETERS = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "_ga", "_gl", "igshid"}
)
_TRACKING_PREFIXES = ("utm_",)
_DEFAULT_PORTS = {"http": 80, "https": 443}
_PORT = re.compile(r":(\d*)$")


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
    """True for an absolute ``http``/``https`` URL with a host and a valid port."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises ValueError on a port like ":99999" or ":abc"
    except ValueError:
        return False
    return parts.scheme.lower() in _DEFAULT_PORTS and bool(parts.hostname)


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
