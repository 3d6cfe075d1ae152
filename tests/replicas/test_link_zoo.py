"""The link zoo answers each case over real sockets as the case says, covers every link class,
and mixes N links as documented."""

from __future__ import annotations

import difflib
import http.client
import json
import socket
import ssl
import subprocess
import sys
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from pipeline.replicas.link_zoo import CASES, LinkZoo, ZooLink, case_counts
from pipeline.replicas.link_zoo.site import REDIRECT_CHAINS
from storage.models import LINK_CLASSES
from tests.replicas.conftest import Fetched, fetch

SLOW_SECONDS = 0.5


@pytest.fixture(scope="module")
def zoo() -> Iterator[LinkZoo]:
    with LinkZoo(slow_seconds=SLOW_SECONDS) as running:
        yield running


def by_case(zoo: LinkZoo) -> dict[str, ZooLink]:
    return {link.case: link for link in zoo.links()}


def walk(url: str, limit: int = 20) -> list[tuple[int, str]]:
    """Each hop's (status, URL), following Location until an answer that is not a redirect,
    a URL seen before (then the repeated hop ends the list) or ``limit`` hops."""
    hops: list[tuple[int, str]] = []
    while len(hops) < limit:
        answer = fetch(url)
        hops.append((answer.status, url))
        location = answer.header("Location")
        if location is None or any(seen == urljoin(url, location) for _, seen in hops):
            if location is not None:
                hops.append((0, urljoin(url, location)))
            return hops
        url = urljoin(url, location)
    return hops


def words(answer: Fetched) -> list[str]:
    return " ".join(answer.html.css(".entry-content p::text").getall()).split()


# --- The list of links ---------------------------------------------------------------------


def test_one_link_per_case_covers_every_class_but_private_network_and_invalid_url(
    zoo: LinkZoo,
) -> None:
    # (the zoo is on 127.0.0.1, which checks allow; an invalid URL is refused before it is
    # stored, so only a link stored by an older citywatch can be one)
    links = zoo.links()
    assert [link.case for link in links] == [case.name for case in CASES]
    assert {link.expected_class for link in links} == set(LINK_CLASSES) - {
        "private_network",
        "invalid_url",
    }
    assert {link.expected_class for link in links} <= set(LINK_CLASSES)
    urls = Counter(link.url for link in links)
    assert [url for url, seen in urls.items() if seen > 1] == [zoo.main_url + "/page/0"]
    assert by_case(zoo)["fragment"].url == zoo.main_url + "/page/0#section"
    assert by_case(zoo)["connection-refused"].url == zoo.refused_url
    assert by_case(zoo)["tls"].url == f"https://127.0.0.1:{urlsplit(zoo.main_url).port}/secure"


def test_a_mix_of_10000_is_mostly_working_pages_with_every_edge_and_few_slow_ones(
    zoo: LinkZoo,
) -> None:
    links = zoo.links(10000)
    assert len(links) == 10000
    assert links == zoo.links(10000)  # deterministic, order included
    counts = Counter(link.case for link in links)
    assert counts == Counter(case_counts(10000))
    assert counts["page"] + counts["pdf"] == 8500
    assert counts["pdf"] == 1700
    assert counts["timeout"] == counts["rate-limited-3600"] == 10  # 0.1% each
    # The other 1,480 links cycle through the other edges: each gets its share, rounded.
    edges = [name for name in counts if name not in ("page", "pdf", "timeout", "rate-limited-3600")]
    share = 1480 // len(edges)
    assert {counts[name] for name in edges} == {share, share + 1}
    # Distinct URLs, but for the intended duplicates of working pages.
    assert len({link.url for link in links}) == 10000 - counts["duplicate"]
    pages = {link.url for link in links if link.case == "page"}
    assert all(link.url in pages for link in links if link.case == "duplicate")
    # Edges are spread through the list, not bunched at its end.
    assert sum(link.case != "page" and link.case != "pdf" for link in links[:1000]) > 100


def test_small_mixes_add_up_and_leave_out_the_rare_cases() -> None:
    for count in (0, 1, 7, 60, 999, 1000):
        counts = case_counts(count)
        assert sum(counts.values()) == count
        assert counts["timeout"] == count // 1000
    with pytest.raises(ValueError):
        case_counts(-1)


# --- Working pages -------------------------------------------------------------------------


def test_pages_are_realistic_distinct_wordpress_posts(zoo: LinkZoo) -> None:
    answers = [fetch(f"{zoo.main_url}/page/{index}") for index in range(30)]
    for answer in answers:
        assert answer.status == 200
        assert answer.header("Content-Type") == "text/html; charset=UTF-8"
        assert answer.header("Server") == "Apache"
        assert answer.header("Content-Length") == str(len(answer.body))
        assert answer.html.css('meta[name="generator"]::attr(content)').get() == "WordPress 6.4.3"
        assert answer.html.css("#section").get() is not None  # the fragment's target
    titles = {answer.html.css("h1::text").get() for answer in answers}
    assert len(titles) == 30
    assert len({" ".join(words(answer)) for answer in answers}) == 30
    languages = {answer.html.xpath("/html/@lang").get() for answer in answers}
    assert languages == {"es-ES", "pt-BR", "en-US"}


def test_pdfs_are_pdf_documents(zoo: LinkZoo) -> None:
    answer = fetch(by_case(zoo)["pdf"].url)
    assert answer.status == 200
    assert answer.header("Content-Type") == "application/pdf"
    assert answer.body.startswith(b"%PDF-") and answer.body.rstrip().endswith(b"%%EOF")


def test_an_article_about_404s_is_an_ordinary_page(zoo: LinkZoo) -> None:
    answer = fetch(by_case(zoo)["page-mentions-404"].url)
    assert answer.status == 200
    assert "Page not found" in answer.text and "404" in answer.text
    assert "not found" not in (answer.html.css("title::text").get() or "").lower()


def test_head_answers_like_get_without_a_body(zoo: LinkZoo) -> None:
    for case in ("page", "pdf", "status-404", "blocked-cloudflare", "redirect-301", "status-401"):
        url = by_case(zoo)[case].url
        got, head = fetch(url), fetch(url, method="HEAD")
        assert (head.status, head.body) == (got.status, b""), case
        assert head.header("Content-Length") == str(len(got.body)), case
        for name in ("Content-Type", "Server", "Location", "WWW-Authenticate", "cf-mitigated"):
            assert head.header(name) == got.header(name), (case, name)


def test_head_refused_but_get_works(zoo: LinkZoo) -> None:
    pdf = by_case(zoo)["head-405-get-200"].url
    refused = fetch(pdf, method="HEAD")
    assert refused.status == 405 and refused.header("Allow") == "GET, POST"
    assert fetch(pdf).status == 200 and fetch(pdf).body.startswith(b"%PDF")
    page = by_case(zoo)["head-404-get-200"].url
    assert fetch(page, method="HEAD").status == 404
    assert fetch(page).status == 200


def test_the_catchall_origin_answers_every_unknown_path_with_its_home_page(zoo: LinkZoo) -> None:
    deleted = fetch(by_case(zoo)["soft-404-catchall"].url)
    made_up = fetch(zoo.catchall_url + "/zz-made-up-9f2c/")
    real = fetch(by_case(zoo)["catchall-page"].url)
    assert deleted.status == made_up.status == real.status == 200
    assert deleted.body == made_up.body
    assert real.body != made_up.body
    assert real.html.css("h1::text").get() != made_up.html.css("h1::text").get()
    assert fetch(zoo.catchall_url + "/robots.txt").header("Content-Type") == "text/plain"


# --- Redirects -----------------------------------------------------------------------------


@pytest.mark.parametrize("case", sorted(REDIRECT_CHAINS))
def test_redirect_chains_hop_by_hop(zoo: LinkZoo, case: str) -> None:
    codes, ends_on_page = REDIRECT_CHAINS[case]
    hops = walk(by_case(zoo)[case].url)
    assert [status for status, _ in hops] == [*codes, 200 if ends_on_page else 404]


def test_locations_come_absolute_path_absolute_and_relative(zoo: LinkZoo) -> None:
    base = by_case(zoo)["redirect-301-chain"].url
    locations = [fetch(base + suffix).header("Location") for suffix in ("", "/1", "/2")]
    assert locations == [base + "/1", "2", "/page/redirect-301-chain-0"]


def test_a_redirect_loop_comes_back_to_its_start(zoo: LinkZoo) -> None:
    url = by_case(zoo)["redirect-loop"].url
    assert walk(url) == [(301, url), (302, url.removesuffix("a") + "b"), (0, url)]


# --- Errors --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("case", "status", "server"),
    [
        ("status-404", 404, "Apache"),
        ("status-410", 410, "Apache"),
        ("status-400", 400, "Apache"),
        ("status-451", 451, "nginx/1.24.0 (Ubuntu)"),
        ("status-500", 500, "Apache"),
        ("status-502", 502, "nginx/1.24.0 (Ubuntu)"),
        ("status-403", 403, "Apache"),
        ("status-401", 401, "Apache"),
    ],
)
def test_error_statuses_every_time(zoo: LinkZoo, case: str, status: int, server: str) -> None:
    for _ in range(2):
        answer = fetch(by_case(zoo)[case].url)
        assert (answer.status, answer.header_all("Server")) == (status, [server])
    if status == 401:
        assert answer.header("WWW-Authenticate") == 'Basic realm="Area restringida"'


def test_flaky_paths_fail_then_succeed_alternately(zoo: LinkZoo) -> None:
    for code, retry_after in (("503", None), ("429", "1")):
        url = f"{zoo.main_url}/flaky/{code}/900"
        statuses = []
        for method in ("HEAD", "GET", "GET", "GET"):
            answer = fetch(url, method=method)
            statuses.append(answer.status)
            if answer.status != 200:
                assert answer.header("Retry-After") == retry_after
        assert statuses == [int(code), 200, int(code), 200]


def test_reset_counts_makes_flaky_paths_fail_again(zoo: LinkZoo) -> None:
    url = f"{zoo.main_url}/flaky/503/901"
    assert fetch(url).status == 503
    zoo.reset_counts()
    assert zoo.requests_made() == 0
    assert fetch(url).status == 503
    assert zoo.requests_made() == 1


def test_rate_limits_that_persist(zoo: LinkZoo) -> None:
    for case, seconds in (("rate-limited-429", "1"), ("rate-limited-3600", "3600")):
        for _ in range(2):
            answer = fetch(by_case(zoo)[case].url)
            assert (answer.status, answer.header("Retry-After")) == (429, seconds)


def test_bot_walls_look_like_the_real_ones(zoo: LinkZoo) -> None:
    cloudflare = fetch(by_case(zoo)["blocked-cloudflare"].url)
    assert cloudflare.status == 403
    assert cloudflare.header_all("Server") == ["cloudflare"]
    assert cloudflare.header("cf-mitigated") == "challenge"
    assert (cloudflare.header("CF-RAY") or "").endswith("-GRU")
    assert "<title>Just a moment...</title>" in cloudflare.text
    assert "/cdn-cgi/challenge-platform/" in cloudflare.text
    akamai = fetch(by_case(zoo)["blocked-akamai"].url)
    assert (akamai.status, akamai.header_all("Server")) == (403, ["AkamaiGHost"])
    assert "You don't have permission to access" in akamai.text
    assert "Reference&#32;&#35;18&#46;" in akamai.text  # "Reference #18." as Akamai writes it
    imperva = fetch(by_case(zoo)["blocked-incapsula"].url)
    assert (imperva.status, imperva.header("X-CDN")) == (403, "Imperva")
    assert "Request unsuccessful. Incapsula incident ID: " in imperva.text
    assert fetch(by_case(zoo)["status-403"].url).header("cf-mitigated") is None


# --- Soft 404s -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("case", "title", "heading"),
    [
        ("soft-404-en", "Page not found \u2013 Red de Ciudades Resilientes", "Nothing here"),
        ("soft-404-es", "Página no encontrada | Sitio", "Página no encontrada"),
        ("soft-404-pt", "Página não encontrada \u2013 Red de Ciudades Resilientes", "Nada aqui"),
        ("soft-404-oops", "Red de Ciudades Resilientes", "Oops! That page can\u2019t be found."),
    ],
)
def test_error_pages_answered_200(zoo: LinkZoo, case: str, title: str, heading: str) -> None:
    answer = fetch(by_case(zoo)[case].url)
    assert answer.status == 200
    assert answer.html.css("title::text").get() == title
    assert "".join(answer.html.css("h1 ::text").getall()) == heading


@pytest.mark.parametrize(
    ("case", "status", "target"),
    [
        ("soft-404-redirect-302-root", 302, "/"),
        ("soft-404-redirect-301-root", 301, "/"),
        ("soft-404-redirect-404-html", 302, "/404.html"),
        ("soft-404-redirect-not-found-page", 301, "/pagina-no-encontrada/"),
    ],
)
def test_deep_urls_redirected_to_the_home_or_an_error_page(
    zoo: LinkZoo, case: str, status: int, target: str
) -> None:
    url = by_case(zoo)[case].url
    assert len(urlsplit(url).path.strip("/").split("/")) >= 2  # a deep URL
    hops = walk(url)
    assert [code for code, _ in hops] == [status, 200]
    assert urlsplit(hops[-1][1]).path == target


# --- Robots, timeouts and connection failures ----------------------------------------------


def test_robots_txt_disallows_the_private_section(zoo: LinkZoo) -> None:
    robots = fetch(zoo.main_url + "/robots.txt")
    assert robots.header("Content-Type") == "text/plain"
    assert "User-agent: *\nDisallow: /private/\n" in robots.text
    assert urlsplit(by_case(zoo)["robots-disallowed"].url).path.startswith("/private/")


def test_slow_answers_come_after_slow_seconds(zoo: LinkZoo) -> None:
    url = by_case(zoo)["timeout"].url
    with pytest.raises(TimeoutError):
        urllib.request.urlopen(url, timeout=0.2)
    with urllib.request.urlopen(url, timeout=SLOW_SECONDS * 4) as answer:
        assert answer.status == 200


def test_connection_failures(zoo: LinkZoo) -> None:
    with pytest.raises(urllib.error.URLError) as refused:
        urllib.request.urlopen(zoo.refused_url, timeout=2)
    assert isinstance(refused.value.reason, ConnectionRefusedError)
    with pytest.raises(http.client.RemoteDisconnected):
        urllib.request.urlopen(by_case(zoo)["connection-closed"].url, timeout=2)
    insecure = ssl.create_default_context()
    with pytest.raises(urllib.error.URLError) as tls:
        urllib.request.urlopen(by_case(zoo)["tls"].url, timeout=2, context=insecure)
    assert isinstance(tls.value.reason, ssl.SSLError)
    with pytest.raises(urllib.error.URLError) as dns:
        urllib.request.urlopen(by_case(zoo)["dns"].url, timeout=2)
    assert isinstance(dns.value.reason, socket.gaierror)
    # The zoo keeps answering on the port the TLS handshake was tried on.
    assert fetch(by_case(zoo)["page"].url).status == 200


# --- State 2: moves and drift --------------------------------------------------------------


def test_state_2_moves_articles_without_redirect_and_rewrites_drifting_pages() -> None:
    with LinkZoo(slow_seconds=SLOW_SECONDS) as zoo:
        [(old, new)] = zoo.moved_pairs()
        [drifting] = zoo.drifting_urls()
        assert fetch(new).status == 404
        before, drift_before = fetch(old), fetch(drifting)
        zoo.set_state(2)
        assert fetch(old).status == 404
        after, drift_after = fetch(new), fetch(drifting)
        assert after.status == 200 and after.header("Location") is None
        assert after.html.css("h1::text").get() == before.html.css("h1::text").get()
        assert words(after) == words(before)
        assert after.html.css("nav").get() != before.html.css("nav").get()
        assert drift_after.status == 200
        assert drift_after.html.css("title").get() == drift_before.html.css("title").get()
        unchanged = difflib.SequenceMatcher(None, words(drift_before), words(drift_after))
        assert unchanged.ratio() < 0.5
        assert len(zoo.moved_pairs(10000)) == case_counts(10000)["moved-without-redirect"]
        zoo.set_state(1)
        assert fetch(old).status == 200 and fetch(new).status == 404


def test_served_in_its_own_process_with_the_links_in_a_file(tmp_path: Path) -> None:
    links_file = tmp_path / "zoo.jsonl"
    command = [sys.executable, "-m", "pipeline.replicas.link_zoo", "--count", "200"]
    with subprocess.Popen(
        [*command, "--links", str(links_file)], stdout=subprocess.PIPE, text=True
    ) as process:
        try:
            assert process.stdout is not None
            addresses = json.loads(process.stdout.readline())
            links = [json.loads(line) for line in links_file.read_text().splitlines()]
            assert len(links) == 200
            assert {"url", "expected_class", "case"} == set(links[0])
            flaky = addresses["main_url"] + "/flaky/503/0"
            assert [fetch(flaky).status, fetch(flaky).status] == [503, 200]
            assert fetch(addresses["main_url"] + "/__replica__/reset", method="POST").status == 200
            assert fetch(flaky).status == 503
            state = fetch(addresses["main_url"] + "/__replica__/state", method="POST", body=b"2")
            assert state.json() == {"state": 2}
            assert fetch(addresses["main_url"] + "/articles/old-0").status == 404
        finally:
            process.terminate()
        assert process.wait(timeout=10) == 0
