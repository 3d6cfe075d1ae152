"""Classes of link observations (pipeline/links/classify.py), on pages as sites serve them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import pytest

from crawler.links import ERROR_KINDS, Hop, LinkObservation, OriginProbe
from pipeline.links.classify import (
    LOCATION_EVIDENCE_CHARS,
    classify,
    error_heading,
    is_site_root,
    looks_not_found,
)
from pipeline.links.fingerprint import fingerprint
from storage.models import LINK_CLASSES

URL = "https://mercociudades.example/noticias/presupuesto-participativo-2024/"
ROOT = "https://mercociudades.example/"
HTML = {"content-type": "text/html; charset=UTF-8"}

ARTICLE_TEXT = " ".join(
    [
        "The city council of Rosario approved a participatory budget for 2024 that gives each",
        "district a share of the public works money. Residents proposed more than four hundred",
        "projects, from cycle lanes to the repair of community kitchens, and voted for them in",
        "open assemblies held in schools and sports clubs during the month of May.",
    ]
)
ARTICLE = f"""<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<title>Participatory budget 2024 &#8211; Mercociudades</title></head>
<body><header id="masthead"><p class="site-title">Mercociudades</p><nav>Home News</nav></header>
<main id="main"><article><h1 class="entry-title">Participatory budget 2024</h1>
<div class="entry-content"><p>{ARTICLE_TEXT}</p></div></article></main>
<footer>&copy; Mercociudades</footer></body></html>""".encode()

# WordPress, Twenty Twenty-One, as it answers a missing post (here with 200: a soft 404).
WORDPRESS_404 = b"""<!doctype html>
<html lang="en-US"><head><meta charset="UTF-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<title>Page not found &#8211; Mercociudades</title>
<link rel='stylesheet' id='twenty-twenty-one-style-css'
href='/wp-content/themes/twentytwentyone/style.css?ver=2.1' media='all' />
</head>
<body class="error404 wp-embed-responsive is-light-theme no-js hfeed">
<div id="page" class="site"><a class="skip-link screen-reader-text" href="#content">Skip to
content</a>
<header id="masthead" class="site-header has-title-and-tagline" role="banner">
<div class="site-branding"><p class="site-title"><a href="/">Mercociudades</a></p></div>
<nav id="site-navigation" class="primary-navigation" aria-label="Primary menu"><ul><li><a
href="/about/">About</a></li></ul></nav>
</header>
<div id="content" class="site-content"><div id="primary" class="content-area"><main id="main"
class="site-main">
<header class="page-header alignwide"><h1 class="page-title">Nothing here</h1></header>
<div class="error-404 not-found default-max-width"><div class="page-content">
<p>It looks like nothing was found at this location. Maybe try a search?</p>
<form role="search" method="get" class="search-form" action="/"><label
for="search-form-1">Search&hellip;</label>
<input type="search" id="search-form-1" class="search-field" value="" name="s" /><input
type="submit" class="search-submit" value="Search" /></form>
</div></div></main></div></div>
<footer id="colophon" class="site-footer" role="contentinfo"><div class="powered-by">Proudly
powered by <a href="https://wordpress.org/">WordPress</a>.</div></footer>
</div></body></html>"""

# WordPress in Spanish, Twenty Sixteen.
WORDPRESS_404_ES = """<!DOCTYPE html><html lang="es-ES"><head><meta charset="UTF-8">
<title>Página no encontrada &#8211; Red de Ciudades</title></head>
<body class="error404"><div id="page" class="site"><header id="masthead" class="site-header">
<p class="site-title"><a href="/" rel="home">Red de Ciudades</a></p></header>
<div id="content" class="site-content"><div id="primary" class="content-area">
<main id="main" class="site-main" role="main"><section class="error-404 not-found">
<header class="page-header"><h1 class="page-title">¡Vaya! No se puede encontrar esa
página.</h1></header>
<div class="page-content"><p>Parece que no hay nada en esta ubicación. ¿Quieres probar con una
búsqueda?</p>
</div></section></main></div></div></div></body></html>""".encode()

# WordPress in Portuguese (pt_BR), Twenty Twenty-One, with a title the theme changed.
WORDPRESS_404_PT = b"""<!doctype html><html lang="pt-BR"><head><meta charset="UTF-8" />
<title>Prefeitura de Porto Alegre</title></head><body class="error404">
<main id="main" class="site-main"><header class="page-header alignwide">
<h1 class="page-title">Nada aqui</h1></header><div class="error-404 not-found default-max-width">
<div class="page-content"><p>Parece que nada foi encontrado neste local. Talvez tente fazer uma
pesquisa?</p></div></div></main></body></html>"""

# Drupal 7 (Bartik), whose own 404 a misconfigured front answers 200.
DRUPAL_404 = b"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML+RDFa 1.0//EN"
  "http://www.w3.org/MarkUp/DTD/xhtml-rdfa-1.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" version="XHTML+RDFa 1.0" dir="ltr">
<head profile="http://www.w3.org/1999/xhtml/vocab">
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<title>Page not found | Cities for Global Health</title></head>
<body class="html not-front not-logged-in one-sidebar sidebar-first page-node">
<div id="page-wrapper"><div id="page"><div id="header"><div class="section clearfix">
<a href="/" title="Home" rel="home" id="logo"><img src="/logo.png" alt="Home" /></a>
<div id="name-and-slogan"><div id="site-name"><strong><a href="/">Cities for Global
Health</a></strong></div></div>
</div></div><div id="main-wrapper" class="clearfix"><div id="main" class="clearfix">
<div id="content" class="column"><div class="section"><a id="main-content"></a>
<h1 class="title" id="page-title">Page not found</h1>
<div class="region region-content"><div id="block-system-main" class="block block-system">
<div class="content">The requested page "/practicas/12345" could not be found.</div>
</div></div></div></div></div></div></div></div></body></html>"""

# A page whose only sign is its opening sentence (custom theme, site name as title).
CUSTOM_404_ES = """<html><head><title>Mercociudades</title></head><body>
<div id="content"><p>Lo sentimos, la página que buscas no existe o fue trasladada.</p>
<p><a href="/">Volver al inicio</a></p></div></body></html>""".encode()

# Cloudflare managed challenge, as served in 2024-2025.
CLOUDFLARE_CHALLENGE = b"""<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8">
<meta http-equiv="X-UA-Compatible" content="IE=Edge"><meta name="robots" content="noindex,nofollow">
<meta name="viewport" content="width=device-width,initial-scale=1">
<style>*{box-sizing:border-box;margin:0;padding:0}html{line-height:1.15}</style>
<meta http-equiv="refresh" content="390"></head><body class="no-js">
<div class="main-wrapper" role="main"><div class="main-content">
<noscript><div class="h2"><span id="challenge-error-text">Enable JavaScript and cookies to
continue</span></div></noscript>
</div></div>
<script>(function(){window._cf_chl_opt={cvId: '3',cZone: "mercociudades.example",cType: 'managed',
cRay: '8a1b2c3d4e5f6a7b',cH: 'x',cUPMDTk: "\\/noticias\\/?__cf_chl_tk=abc",cFPWv: 'b'};
var cpo = document.createElement('script');
cpo.src = '/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1?ray=8a1b2c3d4e5f6a7b';
document.getElementsByTagName('head')[0].appendChild(cpo);}());</script></body></html>"""
CLOUDFLARE_HEADERS = {
    "content-type": "text/html; charset=UTF-8",
    "server": "cloudflare",
    "cf-ray": "8a1b2c3d4e5f6a7b-GRU",
    "cf-mitigated": "challenge",
}

# Cloudflare's page when the origin is down: a server error, not a bot wall.
CLOUDFLARE_522 = b"""<!DOCTYPE html><html lang="en-US"><head>
<title>mercociudades.example | 522: Connection timed out</title></head><body>
<div id="cf-wrapper"><div id="cf-error-details" class="p-0"><header class="mx-auto pt-10">
<h1><span class="inline-block">Connection timed out</span> <span class="code-label">Error code
522</span></h1>
</header><p>Visit <a href="https://www.cloudflare.com/5xx-error-landing">cloudflare.com</a> for
more information.</p>
<span>Cloudflare Ray ID: <strong
class="font-semibold">8a1b2c3d4e5f6a7b</strong></span></div></div></body></html>"""

# Akamai's edge denial; the reference is written with entities.
AKAMAI_DENIED = b"""<HTML><HEAD>
<TITLE>Access Denied</TITLE>
</HEAD><BODY>
<H1>Access Denied</H1>

You don't have permission to access
"http&#58;&#47;&#47;www&#46;ciudad&#46;example&#47;noticias&#47;" on this server.<P>
Reference&#32;&#35;18&#46;5f3d1402&#46;1714060000&#46;1a2b3c4d
<P>https&#58;&#47;&#47;errors&#46;edgesuite&#46;net&#47;18&#46;5f3d1402&#46;1714060000&#46;1a2b3c4d</P>
</BODY>
</HTML>
"""

APACHE_403 = b"""<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">
<html><head>
<title>403 Forbidden</title>
</head><body>
<h1>Forbidden</h1>
<p>You don't have permission to access this resource.</p>
<hr>
<address>Apache/2.4.57 (Debian) Server at mercociudades.example Port 443</address>
</body></html>
"""


def observe(
    url: str = URL,
    status: int | None = 200,
    *,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    chain: Sequence[tuple[str, int | None]] | None = None,
    final_url: str | None = None,
    **fields: Any,
) -> LinkObservation:
    """An observation; `chain` lists every request (url, status), the final one last."""
    hops = [Hop(hop_url, "GET", hop_status) for hop_url, hop_status in chain or [(url, status)]]
    return LinkObservation(
        url=url,
        link_ids=(1,),
        checked_at=datetime(2025, 3, 1, tzinfo=UTC),
        hops=hops,
        status=status,
        final_url=final_url or hops[-1].url,
        headers=HTML if headers is None else headers,
        body=body,
        **fields,
    )


def probe(
    status: int = 200, body: bytes = b"", final_url: str | None = None, url: str | None = None
) -> OriginProbe:
    made_up = url or "https://mercociudades.example/citywatch-probe-4f1c9a2e7b"
    return OriginProbe(
        url=made_up,
        status=status,
        final_url=final_url or made_up,
        content_type="text/html; charset=UTF-8",
        body=body,
    )


# --- usable ----------------------------------------------------------------------------------


def test_a_page_answering_200_is_ok_with_its_fingerprint() -> None:
    verdict = classify(observe(body=ARTICLE))

    assert verdict.link_class == "ok"
    assert verdict.http_status == 200
    assert verdict.final_url == URL
    assert verdict.fingerprint == fingerprint(ARTICLE, URL, HTML["content-type"])
    assert verdict.evidence == {}


def test_a_503_then_200_is_ok_and_says_it_was_retried() -> None:
    verdict = classify(observe(body=ARTICLE, retried_statuses=[503, 503], attempts=3))

    assert verdict.link_class == "ok"
    assert verdict.evidence == {"retried_statuses": [503, 503]}


def test_a_pdf_is_ok_without_a_fingerprint() -> None:
    verdict = classify(observe(body=b"%PDF-1.7", headers={"content-type": "application/pdf"}))

    assert verdict.link_class == "ok"
    assert verdict.fingerprint is None


def test_a_permanent_chain_is_moved_to_its_final_url() -> None:
    new = "https://mercociudades.example/en/news/participatory-budget-2024/"
    chain = [(URL, 301), ("https://mercociudades.example/en/news/pb-2024/", 308), (new, 200)]

    verdict = classify(observe(body=ARTICLE, chain=chain))

    assert verdict.link_class == "moved"
    assert verdict.suggested_url == new
    assert verdict.evidence["redirect"] == "permanent"
    assert verdict.evidence["chain"] == [[url, status] for url, status in chain]
    assert verdict.fingerprint is not None


def test_an_upgrade_to_https_is_moved_and_marked_cosmetic() -> None:
    http = URL.replace("https://", "http://")

    verdict = classify(observe(http, body=ARTICLE, chain=[(http, 301), (URL, 200)]))

    assert verdict.link_class == "moved"
    assert verdict.evidence["cosmetic"] is True


@pytest.mark.parametrize("temporary", [302, 303, 307])
def test_any_temporary_hop_makes_the_chain_redirected(temporary: int) -> None:
    middle = "https://mercociudades.example/go/pb-2024"
    new = "https://mercociudades.example/news/pb-2024/"
    chain = [(URL, 301), (middle, temporary), (new, 200)]

    verdict = classify(observe(body=ARTICLE, chain=chain))

    assert verdict.link_class == "redirected"
    assert verdict.suggested_url is None
    assert verdict.evidence["redirect"] == "temporary"


def test_a_chain_back_to_the_same_url_is_ok() -> None:
    chain = [(URL, 302), ("https://mercociudades.example/set-cookie?next=x", 302), (URL, 200)]

    assert classify(observe(body=ARTICLE, chain=chain)).link_class == "ok"


def test_head_refused_then_get_200_is_ok() -> None:
    observation = observe(body=ARTICLE)
    observation.hops = [Hop(URL, "HEAD", 405), Hop(URL, "GET", 200)]

    assert classify(observation).link_class == "ok"


@pytest.mark.parametrize(
    ("chain", "expected"),
    [
        ([(URL, 304)], "ok"),
        ([(URL, 301), (URL.replace("/noticias/", "/news/"), 304)], "moved"),
        ([(URL, 302), (URL.replace("/noticias/", "/news/"), 304)], "redirected"),
    ],
)
def test_a_304_to_our_conditional_request_keeps_the_class_of_its_chain(
    chain: list[tuple[str, int]], expected: str
) -> None:
    verdict = classify(observe(status=304, chain=chain, not_modified=True))

    assert verdict.link_class == expected
    assert verdict.fingerprint is None
    assert verdict.evidence["not_modified"] is True


# --- failures --------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [404, 410])
def test_404_and_410_are_not_found_with_the_code_kept(status: int) -> None:
    verdict = classify(observe(status=status, body=WORDPRESS_404))

    assert verdict.link_class == "not_found"
    assert verdict.http_status == status


def test_a_permanent_redirect_to_a_404_is_not_found_with_its_chain() -> None:
    new = "https://mercociudades.example/news/gone/"

    verdict = classify(observe(status=404, chain=[(URL, 301), (new, 404)]))

    assert verdict.link_class == "not_found"
    assert verdict.final_url == new
    assert verdict.evidence["chain"] == [[URL, 301], [new, 404]]


def test_a_plain_apache_403_is_forbidden() -> None:
    headers = {"content-type": "text/html; charset=iso-8859-1", "server": "Apache/2.4.57 (Debian)"}

    assert classify(observe(status=403, body=APACHE_403, headers=headers)).link_class == (
        "forbidden"
    )


def test_a_sites_own_403_behind_cloudflare_is_forbidden() -> None:
    # Cloudflare injects its bot-detection script into ordinary pages, 403s included.
    body = APACHE_403.replace(
        b"</body>",
        b"<script src='/cdn-cgi/challenge-platform/scripts/jsd/main.js'></script></body>",
    )
    headers = {"content-type": "text/html", "server": "cloudflare", "cf-ray": "8a1b-GRU"}

    assert classify(observe(status=403, body=body, headers=headers)).link_class == "forbidden"


def test_401_is_forbidden() -> None:
    headers = {"www-authenticate": 'Basic realm="intranet"'}

    assert classify(observe(status=401, headers=headers)).link_class == "forbidden"


@pytest.mark.parametrize("status", [400, 406, 451])
def test_other_4xx_are_client_errors(status: int) -> None:
    assert classify(observe(status=status)).link_class == "client_error"


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_5xx_after_the_retries_is_a_server_error(status: int) -> None:
    verdict = classify(observe(status=status, retried_statuses=[status, status]))

    assert verdict.link_class == "server_error"
    assert verdict.evidence["retried_statuses"] == [status, status]


def test_cloudflares_origin_down_page_is_a_server_error_not_a_bot_wall() -> None:
    headers = {"content-type": "text/html", "server": "cloudflare", "cf-ray": "8a1b-GRU"}

    verdict = classify(observe(status=522, body=CLOUDFLARE_522, headers=headers))

    assert verdict.link_class == "server_error"


def test_a_redirect_without_location_is_a_server_error() -> None:
    verdict = classify(observe(status=302))

    assert verdict.link_class == "server_error"
    assert "Location" in verdict.evidence["reason"]


@pytest.mark.parametrize(
    ("error_kind", "expected"),
    [
        ("timeout", "timeout"),
        ("dns", "dns_error"),
        ("connection", "connection_error"),
        ("tls", "tls_error"),
        ("too_many_hops", "redirect_loop"),
        ("loop", "redirect_loop"),
        ("robots", "robots_disallowed"),
        ("private_network", "private_network"),
        ("unsafe_redirect", "unsafe_redirect"),
        ("invalid_url", "invalid_url"),
        ("other", "connection_error"),
    ],
)
def test_transport_errors_map_to_their_class_with_the_error_text(
    error_kind: str, expected: str
) -> None:
    verdict = classify(
        observe(
            status=None,
            chain=[(URL, None)],
            error=f"{error_kind}: it failed",
            error_kind=error_kind,
        )
    )

    assert verdict.link_class == expected
    assert verdict.error == f"{error_kind}: it failed"
    assert verdict.evidence["error_kind"] == error_kind
    assert verdict.fingerprint is None


def test_every_error_kind_has_a_class() -> None:
    for error_kind in ERROR_KINDS:
        verdict = classify(observe(status=None, error="x", error_kind=error_kind))
        assert verdict.link_class in LINK_CLASSES


def test_an_error_mid_chain_keeps_the_chain() -> None:
    target = "http://10.0.0.7/admin"
    chain = [(URL, 302), (target, None)]

    observation = observe(status=None, chain=chain, final_url=target, error_kind="private_network")

    verdict = classify(observation)

    assert verdict.link_class == "private_network"
    assert verdict.evidence["chain"] == [[URL, 302], [target, None]]


def test_a_redirect_to_another_scheme_keeps_the_location_as_sent_and_nothing_else() -> None:
    location = "file:///etc/passwd"
    observation = observe(
        status=None, error="redirect to a file: URL, not followed", error_kind="unsafe_redirect"
    )
    observation.hops, observation.final_url = [Hop(URL, "GET", 302, location)], None

    verdict = classify(observation)

    assert verdict.link_class == "unsafe_redirect"
    assert (verdict.http_status, verdict.final_url, verdict.fingerprint) == (None, None, None)
    assert verdict.evidence == {
        "chain": [[URL, 302]],
        "error_kind": "unsafe_redirect",
        "location": location,
    }
    assert verdict.error == "redirect to a file: URL, not followed"


def test_a_data_location_is_kept_up_to_its_bound() -> None:
    location = "data:text/html," + "x" * 10_000
    observation = observe(status=None, error="redirect", error_kind="unsafe_redirect")
    observation.hops = [Hop(URL, "GET", 301), Hop(URL + "2", "GET", 302, location)]

    verdict = classify(observation)

    assert verdict.evidence["location"] == location[:LOCATION_EVIDENCE_CHARS]
    assert len(verdict.evidence["location"]) == 2000
    assert verdict.evidence["chain"] == [[URL, 301], [URL + "2", 302]]


def test_a_url_that_cannot_be_requested_is_invalid_without_a_chain() -> None:
    observation = LinkObservation(
        url="https://exa mple.org/",
        link_ids=(1,),
        checked_at=datetime(2025, 3, 1, tzinfo=UTC),
        error="not a URL that can be requested: 'exa mple.org' contains a forbidden domain "
        "code point",
        error_kind="invalid_url",
    )

    verdict = classify(observation)

    assert verdict.link_class == "invalid_url"
    assert verdict.evidence == {"error_kind": "invalid_url"}
    assert verdict.error == observation.error


def test_a_page_decoded_only_up_to_its_bound_answered_and_says_so() -> None:
    verdict = classify(observe(body=ARTICLE, body_truncated=True, body_cut_encoding="gzip"))

    assert verdict.link_class == "ok"
    assert verdict.evidence == {
        "body_cut": {"content_encoding": "gzip", "decoded_bytes": len(ARTICLE)}
    }
    assert verdict.fingerprint == fingerprint(ARTICLE, URL, HTML["content-type"])


def test_a_loop_is_a_redirect_loop() -> None:
    other = "https://mercociudades.example/a"
    chain = [(URL, 302), (other, 302), (URL, 302)]

    verdict = classify(observe(status=302, chain=chain, error="loop", error_kind="loop"))

    assert verdict.link_class == "redirect_loop"
    assert len(verdict.evidence["chain"]) == 3


def test_more_hops_than_allowed_is_a_redirect_loop() -> None:
    chain = [(f"https://mercociudades.example/{n}", 301) for n in range(4)]
    chain.append(("https://mercociudades.example/end", 200))

    verdict = classify(observe(chain[0][0], body=ARTICLE, chain=chain), max_redirects=3)

    assert verdict.link_class == "redirect_loop"
    assert classify(observe(chain[0][0], body=ARTICLE, chain=chain)).link_class == "moved"


def test_an_observation_without_status_or_error_is_a_connection_error() -> None:
    verdict = classify(observe(status=None))

    assert verdict.link_class == "connection_error"
    assert verdict.error == "no answer"


# --- bot walls and rate limits ---------------------------------------------------------------


def test_a_cloudflare_challenge_is_blocked() -> None:
    verdict = classify(observe(status=403, body=CLOUDFLARE_CHALLENGE, headers=CLOUDFLARE_HEADERS))

    assert verdict.link_class == "blocked"
    assert verdict.evidence == {"signature": "cf-mitigated: challenge", "vendor": "cloudflare"}


def test_a_cloudflare_503_challenge_without_cf_mitigated_is_blocked() -> None:
    headers = {key: value for key, value in CLOUDFLARE_HEADERS.items() if key != "cf-mitigated"}

    verdict = classify(observe(status=503, body=CLOUDFLARE_CHALLENGE, headers=headers))

    assert verdict.link_class == "blocked"
    assert verdict.evidence["vendor"] == "cloudflare"


def test_a_cloudflare_challenge_answered_429_is_blocked_not_rate_limited() -> None:
    verdict = classify(observe(status=429, body=CLOUDFLARE_CHALLENGE, headers=CLOUDFLARE_HEADERS))

    assert verdict.link_class == "blocked"


def test_an_akamai_denial_is_blocked() -> None:
    headers = {"content-type": "text/html", "server": "AkamaiGHost", "mime-version": "1.0"}

    verdict = classify(observe(status=403, body=AKAMAI_DENIED, headers=headers))

    assert verdict.link_class == "blocked"
    assert verdict.evidence["vendor"] == "akamai"


INCAPSULA = b"<html><body>Request unsuccessful. Incapsula incident ID: 1234-5678</body></html>"
SUCURI = b"<title>Sucuri WebSite Firewall - Access Denied</title>"
DATADOME = b"<script src='https://ct.captcha-delivery.com/c.js'></script>"
PERIMETERX = b"<h1>Access to this page has been denied.</h1><div id='px-captcha'></div>"
DDOS_GUARD = b"<title>DDoS-Guard</title> Checking your browser before accessing"
WORDFENCE = b"<h1>Your access to this site has been limited by the site owner</h1>"


@pytest.mark.parametrize(
    ("status", "headers", "body", "vendor"),
    [
        (403, {"x-iinfo": "9-1-0 NNNN"}, INCAPSULA, "imperva"),
        (200, {"x-iinfo": "9-1-0"}, b"<iframe src='/_Incapsula_Resource?SWUDNSAI=31'>", "imperva"),
        (403, {"x-sucuri-id": "18012"}, SUCURI, "sucuri"),
        (202, {"x-amzn-waf-action": "challenge"}, b"<script src='/challenge.js'>", "aws-waf"),
        (405, {"x-amzn-waf-action": "captcha"}, b"", "aws-waf"),
        (403, {"x-datadome": "protected"}, DATADOME, "datadome"),
        (403, {}, PERIMETERX, "perimeterx"),
        (403, {"server": "ddos-guard"}, DDOS_GUARD, "ddos-guard"),
        (503, {}, WORDFENCE, "wordfence"),
        (999, {}, b"", "linkedin"),
    ],
)
def test_other_bot_walls_are_blocked(
    status: int, headers: dict[str, str], body: bytes, vendor: str
) -> None:
    verdict = classify(
        observe(status=status, body=body, headers={"content-type": "text/html"} | headers)
    )

    assert verdict.link_class == "blocked"
    assert verdict.evidence["vendor"] == vendor


def test_a_real_404_behind_a_waf_is_not_found() -> None:
    headers = {"content-type": "text/html", "x-datadome": "protected", "x-iinfo": "9-1-0"}

    assert classify(observe(status=404, body=WORDPRESS_404, headers=headers)).link_class == (
        "not_found"
    )


def test_a_429_is_rate_limited_with_its_retry_after() -> None:
    headers = {"content-type": "text/plain", "retry-after": "3600"}

    verdict = classify(observe(status=429, headers=headers, retry_after_exceeded=True))

    assert verdict.link_class == "rate_limited"
    assert verdict.evidence == {"retry_after_exceeded": True, "retry_after": "3600"}


def test_a_503_with_a_retry_after_too_long_to_wait_is_rate_limited() -> None:
    headers = {"content-type": "text/html", "retry-after": "86400"}

    verdict = classify(observe(status=503, headers=headers, retry_after_exceeded=True))

    assert verdict.link_class == "rate_limited"


# --- soft 404 --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "where", "phrase"),
    [
        (WORDPRESS_404, "title", "page not found"),
        (WORDPRESS_404_ES, "title", "página no encontrada"),
        (WORDPRESS_404_PT, "h1", "nada aqui"),
        (DRUPAL_404, "title", "page not found"),
        (CUSTOM_404_ES, "text", "la pagina que buscas no existe"),
    ],
)
def test_an_error_page_answered_200_is_a_soft_404_by_its_body(
    body: bytes, where: str, phrase: str
) -> None:
    verdict = classify(observe(body=body))

    assert verdict.link_class == "soft_404"
    assert verdict.evidence == {"signal": "body", "where": where, "phrase": phrase}
    assert verdict.fingerprint is not None


def test_a_soft_404_after_a_permanent_redirect_is_still_a_soft_404() -> None:
    new = "https://mercociudades.example/news/x/"

    verdict = classify(observe(body=WORDPRESS_404, chain=[(URL, 301), (new, 200)]))

    assert verdict.link_class == "soft_404"
    assert verdict.suggested_url is None
    assert verdict.evidence["chain"] == [[URL, 301], [new, 200]]


@pytest.mark.parametrize(
    "title",
    [
        "Error handling in city budgets",
        "What a 404 error means for your readers",
        "Not found: the lost archives",
    ],
)
def test_ordinary_titles_that_mention_errors_are_ok(title: str) -> None:
    body = ARTICLE.replace(b"Participatory budget 2024 &#8211;", title.encode() + b" |")
    body = body.replace(b">Participatory budget 2024<", b">" + title.encode() + b"<")

    assert classify(observe(body=body)).link_class == "ok"


def test_an_article_about_404_errors_is_ok() -> None:
    text = (
        "When a reader follows a citation and gets a page not found error, the report loses "
        "its evidence. Cities that publish open data should keep old addresses working: "
        "an error 404 tells the reader nothing about where the document went. "
    )
    body = ARTICLE.replace(ARTICLE_TEXT.encode(), text.encode() + ARTICLE_TEXT.encode())
    body = body.replace(b"Participatory budget 2024", b"Why broken links hurt open data")

    assert classify(observe(body=body)).link_class == "ok"


def test_a_long_article_titled_like_an_error_page_is_ok() -> None:
    long_text = " ".join([ARTICLE_TEXT] * 10)  # 600 words: no error page is that long
    body = ARTICLE.replace(ARTICLE_TEXT.encode(), long_text.encode())
    body = body.replace(b"Participatory budget 2024 &#8211;", b"Page not found &#8211;")

    assert classify(observe(body=body)).link_class == "ok"


@pytest.mark.parametrize(
    "landing",
    [
        ROOT,
        "https://www.mercociudades.example/",
        "https://mercociudades.example/es/",
        "https://mercociudades.example/pt-br/inicio",
    ],
)
def test_a_deep_url_redirected_to_the_site_root_is_a_soft_404(landing: str) -> None:
    verdict = classify(observe(body=ARTICLE, chain=[(URL, 301), (landing, 200)]))

    assert verdict.link_class == "soft_404"
    assert verdict.evidence["signal"] == "redirect"
    assert verdict.evidence["target"] == "site_root"


@pytest.mark.parametrize(
    "landing",
    [
        "https://mercociudades.example/404.html",
        "https://mercociudades.example/pagina-no-encontrada/",
        "https://cdn.example/errors/not-found",
        "https://mercociudades.example/Error.aspx?aspxerrorpath=/x",
    ],
)
def test_a_redirect_to_a_404_looking_url_is_a_soft_404(landing: str) -> None:
    verdict = classify(observe(body=ARTICLE, chain=[(URL, 302), (landing, 200)]))

    assert verdict.link_class == "soft_404"
    assert verdict.evidence["target"] == "not_found_url"


def test_the_root_redirected_to_a_language_root_is_redirected_not_a_soft_404() -> None:
    verdict = classify(observe(ROOT, body=ARTICLE, chain=[(ROOT, 302), (ROOT + "es/", 200)]))

    assert verdict.link_class == "redirected"


def test_a_deep_url_redirected_to_another_sites_root_is_moved() -> None:
    # A short link, or a domain that moved to a new home: not this site's "not found".
    new = "https://ciudades.example/"

    assert classify(observe(body=ARTICLE, chain=[(URL, 301), (new, 200)])).link_class == "moved"


def test_a_deep_url_landing_where_the_probe_landed_is_a_soft_404() -> None:
    search = "https://mercociudades.example/buscar/?q=presupuesto"
    made_up = probe(final_url=search, body=ARTICLE)

    verdict = classify(observe(body=ARTICLE, chain=[(URL, 302), (search, 200)], probe=made_up))

    assert verdict.link_class == "soft_404"
    assert verdict.evidence == {
        "chain": [[URL, 302], [search, 200]],
        "signal": "probe",
        "probe_url": made_up.url,
        "match": "final_url",
        "final_url": search,
    }


def test_a_probe_kept_with_its_redirect_status_still_compares_its_final_url() -> None:
    search = "https://mercociudades.example/buscar/"
    made_up = probe(302, final_url=search)

    verdict = classify(observe(body=ARTICLE, chain=[(URL, 302), (search, 200)], probe=made_up))

    assert verdict.link_class == "soft_404"
    assert verdict.evidence["match"] == "final_url"


def test_a_deep_url_not_redirected_is_not_a_soft_404_for_landing_where_the_probe_did() -> None:
    # The probe landed on this very page (the site sends unknown paths here): this page is fine.
    verdict = classify(observe(body=ARTICLE, probe=probe(302, final_url=URL)))

    assert verdict.link_class == "ok"


def test_a_page_identical_to_the_answer_to_a_made_up_url_is_a_soft_404() -> None:
    verdict = classify(observe(body=ARTICLE, probe=probe(body=ARTICLE)))

    assert verdict.link_class == "soft_404"
    assert verdict.evidence["match"] == "text_hash"
    assert verdict.evidence["distance"] == 0


def test_a_page_nearly_identical_to_the_probes_answer_is_a_soft_404() -> None:
    answer = ARTICLE.replace(b"during the month of May.", b"during the month of May!")
    answer = answer.replace(b"<footer>", b"<p>Mercociudades, Montevideo</p><footer>")

    verdict = classify(observe(body=ARTICLE, probe=probe(body=answer)))

    assert verdict.link_class == "soft_404"
    assert verdict.evidence["match"] == "simhash"
    assert verdict.evidence["distance"] <= 3


def test_a_page_unlike_the_probes_answer_is_ok() -> None:
    verdict = classify(observe(body=ARTICLE, probe=probe(body=WORDPRESS_404)))

    assert verdict.link_class == "ok"


def test_near_empty_pages_alike_prove_nothing() -> None:
    shell = b"<html><head><title>App</title></head><body><div id='root'></div></body></html>"

    assert classify(observe(body=shell, probe=probe(body=shell))).link_class == "ok"


@pytest.mark.parametrize("probe_status", [404, 410, 301])
def test_a_probe_not_answered_2xx_says_nothing_of_the_body(probe_status: int) -> None:
    assert classify(observe(body=ARTICLE, probe=probe(probe_status, ARTICLE))).link_class == "ok"


def test_the_site_root_like_the_probes_answer_is_ok() -> None:
    # Sites that show their home page for unknown paths: the home page itself is fine.
    verdict = classify(observe(ROOT, body=ARTICLE, probe=probe(body=ARTICLE, final_url=ROOT)))

    assert verdict.link_class == "ok"


# --- the helpers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "phrase"),
    [
        ("Page not found \u2013 Mercociudades", "page not found"),
        ("Oops! That page can\u2019t be found.", "oops! that page can't be found"),
        ("404 Not Found", "not found"),
        ("Error 404", "404"),
        ("404: This page could not be found.", "this page could not be found"),
        ("Error 404 - Página no encontrada", "página no encontrada"),
        ("Pagina no encontrada", "página no encontrada"),
        ("Página não encontrada | Prefeitura", "página não encontrada"),
        ("A página que você procura não existe", "a página que você procura não existe"),
        ("Error handling in city budgets", None),
        ("Error", None),
        ("404 cities joined the network", None),
    ],
)
def test_error_headings(heading: str, phrase: str | None) -> None:
    assert error_heading(heading) == phrase


@pytest.mark.parametrize(
    ("path", "root"),
    [
        ("/", True),
        ("", True),
        ("/es/", True),
        ("/pt-br", True),
        ("/zh-hans/", True),
        ("/index.php", True),
        ("/en/home", True),
        ("/tv/", False),
        ("/noticias/", False),
        ("/es/noticias", False),
    ],
)
def test_site_roots(path: str, root: bool) -> None:
    assert is_site_root(path) is root


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://a.example/404", True),
        ("https://a.example/errors/404.aspx", True),
        ("https://a.example/pagina-nao-encontrada", True),
        ("https://a.example/?error=404", True),
        ("https://a.example/error-handling-in-budgets", False),
        ("https://a.example/404-cities", False),
    ],
)
def test_404_looking_urls(url: str, expected: bool) -> None:
    assert looks_not_found(url) is expected


def test_every_class_is_produced() -> None:
    observations = [
        observe(body=ARTICLE),
        observe(body=ARTICLE, chain=[(URL, 302), (URL + "x/", 200)]),
        observe(body=ARTICLE, chain=[(URL, 301), (URL + "x/", 200)]),
        observe(status=404),
        observe(status=403, body=APACHE_403),
        observe(status=400),
        observe(status=403, body=CLOUDFLARE_CHALLENGE, headers=CLOUDFLARE_HEADERS),
        observe(status=429),
        observe(status=500),
        observe(body=WORDPRESS_404),
    ] + [observe(status=None, error="x", error_kind=kind) for kind in ERROR_KINDS]

    assert {classify(observation).link_class for observation in observations} == set(LINK_CLASSES)
