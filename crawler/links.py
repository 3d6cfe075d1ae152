"""What the link-check spider is given and what it yields: raw observations, never verdicts.

The spider only fetches. It records every hop of a redirect chain, the final answer's headers
and (bounded) body, and what went wrong at the transport level; `pipeline.links.classify` turns
a `LinkObservation` into one class of the documented vocabulary (docs/links.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

__all__ = ["ERROR_KINDS", "Hop", "LinkObservation", "LinkTarget", "OriginProbe"]

# What `LinkObservation.error_kind` may say when no usable answer came back.
ERROR_KINDS = (
    "timeout",  # no answer within the timeout, after retries
    "dns",  # the host name does not resolve
    "connection",  # refused, reset or lost before an answer
    "tls",  # the TLS handshake or certificate failed
    "too_many_hops",  # the redirect chain is longer than allowed
    "loop",  # the redirect chain comes back to a URL it already visited
    "robots",  # robots.txt disallows the URL for our user agent (not fetched)
    "private_network",  # the host (or a redirect target) resolves to a non-public address
    "unsafe_redirect",  # a redirect to another scheme than http(s) (file:, data:...): not followed
    "invalid_url",  # the URL is not an http(s) URL that can be requested: not fetched
    "other",  # anything else; `error` says what
)


@dataclass(frozen=True, slots=True)
class LinkTarget:
    """One URL to check, standing for every link row that fetches the same URL."""

    url: str  # fetched as is, fragment removed
    link_ids: tuple[int, ...] = ()
    # Validators of the last answer: sent as If-None-Match / If-Modified-Since, so that an
    # unchanged page costs a 304. Only ever used to learn "unchanged", never to hide an outage.
    etag: str | None = None
    last_modified: str | None = None
    # The link failed its last check: a timeout is not retried within this run.
    failing: bool = False


@dataclass(frozen=True, slots=True)
class Hop:
    """One request of a chain: the URL asked, the method, and the status it answered."""

    url: str
    method: str
    status: int | None  # None: the request got no answer (see the observation's error)
    location: str | None = None  # the Location header of a 3xx, as sent


@dataclass(frozen=True, slots=True)
class OriginProbe:
    """What a surely non-existent URL of the same origin (scheme, host, port) answered.

    A site that answers such a URL 200 with a page looking like a checked page serves soft
    404s; one that redirects it to the same place as a checked link does too.
    """

    url: str
    status: int | None
    final_url: str | None
    content_type: str = ""
    body: bytes = b""  # bounded; only kept for HTML


@dataclass(slots=True)
class LinkObservation:
    """Everything one check of one URL saw (item yielded by the link-check spider)."""

    url: str
    link_ids: tuple[int, ...]
    checked_at: datetime
    hops: list[Hop] = field(default_factory=list)  # first request to last, in order
    status: int | None = None  # status of the final answer (304 for a conditional hit)
    final_url: str | None = None  # URL of the final answer
    # Headers of the final answer, names lower-cased, one value each (first one wins).
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""  # of the final answer, bounded; empty for HEAD and for non-HTML types
    body_truncated: bool = False
    # The Content-Encoding (gzip, br...) whose decoding was cut at the body's bound: the
    # compressed body inflates beyond it (a decompression bomb, or simply a very long page).
    body_cut_encoding: str | None = None
    error: str | None = None  # what failed, one line
    error_kind: str | None = None  # one of ERROR_KINDS when no usable answer came
    attempts: int = 0  # requests made, retries and redirects included
    retried_statuses: list[int] = field(default_factory=list)  # 429/503... answered then retried
    # The server kept answering 429/503 with a Retry-After longer than we may wait.
    retry_after_exceeded: bool = False
    latency_ms: float | None = None  # first request sent to final answer received
    size: int | None = None  # body bytes received, else Content-Length
    not_modified: bool = False  # the final answer was 304 to our conditional request
    probe: OriginProbe | None = None
