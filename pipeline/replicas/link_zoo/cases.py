"""The zoo's cases: each edge a link checker meets, its URL and the class a checker must give it.

Expected classes assume the checker obeys robots.txt, probes for soft 404s, allows private
networks (everything is on 127.0.0.1), follows at most 10 redirects and waits at most 30 s for
a ``Retry-After``. They are the classes of state 1: in state 2 the old article of a
``moved-without-redirect`` link answers 404 (its content is at the new URL).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from pipeline.replicas.link_zoo.site import REDIRECT_CHAINS

__all__ = [
    "CASES",
    "OK_SHARE",
    "PDF_EVERY",
    "RARE_PER",
    "Case",
    "Origins",
    "ZooLink",
    "case_counts",
    "mix",
]

OK_SHARE = 0.85  # of a mix: working pages and PDFs; the rest cycles through the edge cases
PDF_EVERY = 5  # one working link in five is a PDF
RARE_PER = 1000  # a rare case (each costs a slot for the whole timeout) gets 1 link per 1000


@dataclass(frozen=True)
class ZooLink:
    url: str
    expected_class: str
    case: str  # the short name of the edge, e.g. "redirect-301-chain"


@dataclass(frozen=True)
class Origins:
    main: str  # http://127.0.0.1:PORT
    catchall: str
    refused: str  # http://127.0.0.1:PORT of a port nothing listens on


@dataclass(frozen=True)
class Case:
    name: str
    expected_class: str
    url: Callable[[Origins, int], str]  # the case's link number ``index``
    rare: bool = False  # slow for a checker: kept to RARE_PER in a mix

    def link(self, origins: Origins, index: int) -> ZooLink:
        return ZooLink(self.url(origins, index), self.expected_class, self.name)


def _main(path: str) -> Callable[[Origins, int], str]:
    return lambda origins, index: origins.main + path.format(i=index)


def _catchall(path: str) -> Callable[[Origins, int], str]:
    return lambda origins, index: origins.catchall + path.format(i=index)


def _first_plain(base: Callable[[Origins], str], path: str) -> Callable[[Origins, int], str]:
    """``base + path`` for link 0, ``base + path/index`` for the others."""
    return lambda origins, index: base(origins) + path + (f"/{index}" if index else "")


REDIRECT_CLASSES = {
    "redirect-301": "moved",
    "redirect-308": "moved",
    "redirect-302": "redirected",
    "redirect-303": "redirected",
    "redirect-307": "redirected",
    "redirect-301-302": "redirected",  # one temporary hop makes the chain temporary
    "redirect-301-chain": "moved",
    "redirect-301-404": "not_found",
    "redirect-15-hops": "redirect_loop",  # more hops than max_redirects
}

CASES: tuple[Case, ...] = (
    # The first two are the working links that fill a mix.
    Case("page", "ok", _main("/page/{i}")),
    Case("pdf", "ok", _main("/doc/{i}.pdf")),
    Case("page-mentions-404", "ok", _main("/blog/{i}/how-we-fixed-our-broken-links/")),
    Case("fragment", "ok", _main("/page/{i}#section")),
    Case("duplicate", "ok", _main("/page/{i}")),  # the very URL of the page case's link
    Case("catchall-page", "ok", _catchall("/praticas/pratica-{i}/")),
    Case("head-405-get-200", "ok", _main("/head405/{i}.pdf")),
    Case("head-404-get-200", "ok", _main("/head404/{i}")),
    Case("flaky-503", "ok", _main("/flaky/503/{i}")),
    Case("flaky-429-retry-after", "ok", _main("/flaky/429/{i}")),
    Case("moved-without-redirect", "ok", _main("/articles/old-{i}")),
    Case("drift", "ok", _main("/drift/{i}")),
    *(
        Case(name, REDIRECT_CLASSES[name], _main(f"/redirect/{name}/{{i}}"))
        for name in REDIRECT_CHAINS
    ),
    Case("redirect-loop", "redirect_loop", _main("/loop/{i}/a")),
    Case("redirect-to-ftp", "unsafe_redirect", _main("/outside/{i}")),
    Case("status-404", "not_found", _main("/status/404/{i}")),
    Case("status-410", "not_found", _main("/status/410/{i}")),
    Case("status-400", "client_error", _main("/status/400/{i}")),
    Case("status-451", "client_error", _main("/status/451/{i}")),
    Case("status-500", "server_error", _main("/status/500/{i}")),
    Case("status-502", "server_error", _main("/status/502/{i}")),
    Case("status-403", "forbidden", _main("/status/403/{i}")),
    Case("status-401", "forbidden", _main("/status/401/{i}")),
    Case("rate-limited-429", "rate_limited", _main("/throttle/1/{i}")),
    Case("rate-limited-3600", "rate_limited", _main("/throttle/3600/{i}"), rare=True),
    Case("blocked-cloudflare", "blocked", _main("/blocked/cloudflare/{i}")),
    Case("blocked-akamai", "blocked", _main("/blocked/akamai/{i}")),
    Case("blocked-incapsula", "blocked", _main("/blocked/incapsula/{i}")),
    Case("soft-404-en", "soft_404", _main("/en/practice-{i}/")),
    Case("soft-404-es", "soft_404", _main("/es/practica-{i}/")),
    Case("soft-404-pt", "soft_404", _main("/pt/pratica-{i}/")),
    Case("soft-404-oops", "soft_404", _main("/guides/guide-{i}/")),
    Case("soft-404-redirect-302-root", "soft_404", _main("/practicas/gone-practice-{i}/")),
    Case("soft-404-redirect-301-root", "soft_404", _main("/practicas/removed-practice-{i}/")),
    Case("soft-404-redirect-404-html", "soft_404", _main("/practicas/old-practice-{i}/")),
    Case("soft-404-redirect-not-found-page", "soft_404", _main("/noticias/{i}/")),
    Case("soft-404-catchall", "soft_404", _catchall("/praticas/arquivada-{i}/")),
    Case("robots-disallowed", "robots_disallowed", _main("/private/{i}")),
    Case("timeout", "timeout", _main("/slow/{i}"), rare=True),
    Case("connection-refused", "connection_error", _first_plain(lambda o: o.refused, "/x")),
    Case("connection-closed", "connection_error", _main("/hangup/{i}")),
    Case(
        "tls",
        "tls_error",
        _first_plain(lambda o: "https://" + o.main.removeprefix("http://"), "/secure"),
    ),
    Case("dns", "dns_error", lambda origins, index: f"http://citywatch-zoo-{index}.invalid/"),
)
CASE_NAMES = {case.name for case in CASES}
if len(CASE_NAMES) != len(CASES):  # pragma: no cover - a developer's slip
    raise RuntimeError("two zoo cases share a name")


def case_counts(count: int) -> dict[str, int]:
    """How many links of each case a mix of ``count`` holds: ``OK_SHARE`` pages and PDFs, each
    rare case ``count // RARE_PER`` links, the other edges an equal share of the rest."""
    if count < 0:
        raise ValueError(f"a mix has zero links or more, not {count}")
    edges = count - round(count * OK_SHARE)
    rare = [case.name for case in CASES if case.rare]
    common = [case.name for case in CASES[2:] if not case.rare]
    rare_each = min(count // RARE_PER, edges // len(rare))
    spread = edges - rare_each * len(rare)
    counts = {name: rare_each for name in rare}
    for position, name in enumerate(common):
        counts[name] = spread // len(common) + (1 if position < spread % len(common) else 0)
    working = count - edges
    counts["pdf"] = working // PDF_EVERY
    counts["page"] = working - counts["pdf"]
    return {case.name: counts[case.name] for case in CASES}


def mix(origins: Origins, count: int) -> list[ZooLink]:
    """``count`` links: each case's links numbered from 0, in an order fixed by ``count``."""
    links = [
        case.link(origins, index)
        for case, how_many in zip(CASES, case_counts(count).values(), strict=True)
        for index in range(how_many)
    ]
    random.Random(f"link-zoo-{count}").shuffle(links)
    return links
