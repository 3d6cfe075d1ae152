"""Main text, fingerprints and simhashes of pages (pipeline/links/fingerprint.py)."""

from __future__ import annotations

import hashlib

import pytest

from pipeline.links.fingerprint import (
    fingerprint,
    is_html,
    main_text,
    read_page,
    simhash,
    simhash_distance,
    simhash_from_hex,
    simhash_to_hex,
)

ARTICLE = (
    "The city council of Rosario approved a participatory budget for 2024 that gives each "
    "district a share of the public works money. Residents proposed more than four hundred "
    "projects, from cycle lanes to the repair of community kitchens, and voted for them in "
    "open assemblies held in schools and sports clubs during the month of May. The programme "
    "began in 2002 and has since been copied by several members of the Mercociudades network, "
    "which publishes its results every year in a report available in Spanish and Portuguese."
)


def page(body: str, *, chrome: str = "", head: str = "") -> bytes:
    """A WordPress-like page: site header and menu, the content, a sidebar and a footer."""
    return f"""<!DOCTYPE html>
<html lang="es"><head><meta charset="utf-8"><title>Presupuesto participativo \u2013 Ciudad</title>
<style>body {{ color: #333 }}</style><script>var ga = "UA-1";</script>{head}</head>
<body class="post-template">
<header class="site-header"><a href="/">Ciudad</a>
 <nav class="menu"><ul><li><a href="/">Inicio</a></li><li><a href="/noticias">Noticias</a></li>
 </ul></nav>{chrome}</header>
<main id="main"><article class="post"><header class="entry-header">
 <h1 class="entry-title">Presupuesto participativo</h1></header>
 <div class="entry-content">{body}</div>
 <form class="comment-form"><textarea>Deja un comentario</textarea><button>Enviar</button></form>
</article></main>
<aside class="sidebar"><h2>Últimas noticias</h2><ul><li>Otra noticia {chrome}</li></ul></aside>
<footer class="site-footer">© 2024 Ciudad. Todos los derechos reservados. {chrome}</footer>
<!-- page cached by WP Super Cache -->
</body></html>""".encode()


def test_main_text_keeps_the_content_and_drops_the_chrome() -> None:
    text = main_text(page(f"<p>{ARTICLE}</p>"))

    assert text.startswith("presupuesto participativo the city council of rosario")
    for chrome in ("inicio", "noticias", "deja un comentario", "enviar", "últimas", "©", "ua-1"):
        assert chrome not in text
    assert "wp super cache" not in text


def test_main_text_is_lower_case_nfkc_with_collapsed_whitespace() -> None:
    text = main_text(
        "<body><p>  \uff23\uff49\uff54\uff59\u00a0 \ufb01nance\n\n\tREPORT\u00ad  </p></body>"
    )

    assert text == "city finance report"


def test_main_text_prefers_main_then_article_then_role_main_then_content_then_entry_content() -> (
    None
):
    others = "<div>outside words</div>"
    assert main_text(f"<body>{others}<main>in main</main><article>in article</article></body>") == (
        "in main"
    )
    assert main_text(f"<body>{others}<article>in article</article></body>") == "in article"
    assert main_text(f"<body>{others}<div role='main'>in role main</div></body>") == "in role main"
    assert main_text(f"<body>{others}<div id='content'>in content</div></body>") == "in content"
    assert main_text(f"<body>{others}<div class='post entry-content'>entry</div></body>") == (
        "entry"
    )
    assert main_text(f"<body>{others}<div>more</div></body>") == "outside words more"


def test_a_listing_of_articles_is_read_whole_not_its_first_item() -> None:
    text = main_text("<body><article>first item</article><article>second item</article></body>")

    assert text == "first item second item"


def test_an_empty_main_falls_back_to_the_body() -> None:
    assert main_text("<body><main> </main><p>rendered elsewhere</p></body>") == "rendered elsewhere"


def test_site_header_and_footer_go_but_an_articles_own_header_stays() -> None:
    html = (
        "<body><header>Site name</header><div><article><header><h1>Post title</h1></header>"
        "<p>Body</p><footer>Posted in News</footer></article></div><footer>Contact</footer></body>"
    )

    assert main_text(html) == "post title body posted in news"


def test_text_after_a_dropped_element_is_kept() -> None:
    assert main_text("<body><p>before <script>x()</script>after</p></body>") == "before after"
    assert main_text("<body><div><nav>menu</nav>after the menu</div></body>") == "after the menu"


def test_bytes_are_decoded_as_declared_or_as_told() -> None:
    latin = "<html><head><meta charset='iso-8859-1'></head><body>Café</body></html>"

    assert main_text(latin.encode("latin-1")) == "café"
    assert main_text("<body>São Paulo</body>".encode("cp1252"), "cp1252") == "são paulo"
    assert main_text("<body>São Paulo</body>".encode()) == "são paulo"


def test_an_xhtml_page_with_an_xml_declaration_parses_from_text() -> None:
    xhtml = '<?xml version="1.0" encoding="utf-8"?><html><body><p>Olá</p></body></html>'

    assert main_text(xhtml) == "olá"


@pytest.mark.parametrize("html", [b"", b"   ", b"<!-- only a comment -->", ""])
def test_nothing_to_read_is_an_empty_text(html: bytes | str) -> None:
    assert main_text(html) == ""


def test_fingerprint_has_title_canonical_hash_simhash_and_words() -> None:
    head = '<link rel="canonical" href="/presupuesto-2024/">'
    body = page(f"<p>{ARTICLE}</p>", head=head)

    result = fingerprint(body, "https://ciudad.example/?p=12", "text/html; charset=UTF-8")

    assert result is not None
    text = main_text(body)
    assert result.title == "Presupuesto participativo \u2013 Ciudad"
    assert result.canonical_url == "https://ciudad.example/presupuesto-2024/"
    assert result.text_hash == hashlib.sha256(text.encode()).hexdigest()
    assert result.simhash == simhash(text)
    assert 0 <= result.simhash < 2**64
    assert result.words == len(text.split())


def test_canonical_falls_back_to_og_url_and_title_to_og_title() -> None:
    body = (
        b"<html><head><meta property='og:title' content='Informe anual'>"
        b"<meta property='og:url' content='https://ciudad.example/informe'></head>"
        b"<body><p>Texto</p></body></html>"
    )

    result = fingerprint(body, "https://ciudad.example/x", "text/html")

    assert result is not None
    assert result.title == "Informe anual"
    assert result.canonical_url == "https://ciudad.example/informe"


def test_a_canonical_that_is_not_http_is_ignored() -> None:
    body = b"<html><head><link rel='canonical' href='javascript:void(0)'></head><body>x</body>"

    result = fingerprint(body, "https://ciudad.example/x", "text/html")

    assert result is not None
    assert result.canonical_url is None


def test_svg_titles_are_not_the_page_title() -> None:
    body = b"<html><body><svg><title>Icon</title></svg><p>Text</p></body></html>"

    result = fingerprint(body, "https://ciudad.example/x", "text/html")

    assert result is not None
    assert result.title is None


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"%PDF-1.7 ...", "application/pdf"),
        (b'{"a": 1}', "application/json"),
        (b"", "text/html"),
    ],
)
def test_no_fingerprint_for_other_types_or_empty_bodies(body: bytes, content_type: str) -> None:
    assert fingerprint(body, "https://ciudad.example/x", content_type) is None


def test_a_body_without_content_type_is_sniffed() -> None:
    assert is_html("", b"  <!DOCTYPE html><html>")
    assert not is_html("", b"%PDF-1.7")
    assert is_html("application/xhtml+xml; charset=utf-8")


def test_the_same_content_in_other_chrome_has_the_same_fingerprint() -> None:
    first = fingerprint(page(f"<p>{ARTICLE}</p>"), "https://a.example/x", "text/html")
    second = fingerprint(
        page(f"<p>{ARTICLE}</p>", chrome="<span>Nuevo menú de 2025</span>"),
        "https://b.example/y",
        "text/html",
    )

    assert first is not None and second is not None
    assert first.text_hash == second.text_hash
    assert first.simhash == second.simhash


def test_read_page_gives_the_first_two_headings() -> None:
    body = b"<html><body><h1>Logo</h1><main><h1>Page not found</h1><h1>Third</h1></main></body>"

    result = read_page(body, "https://a.example/x", "text/html")

    assert result is not None
    assert result.headings == ("Logo", "Page not found")


def test_near_duplicates_are_a_few_bits_apart_and_unrelated_texts_far() -> None:
    edited = ARTICLE.replace("four hundred", "five hundred")
    unrelated = (
        "Porto Alegre opened a new public library in the north zone with a collection of "
        "thirty thousand books, a makerspace and rooms for study groups, paid for by a loan "
        "from the development bank and run together with neighbourhood associations."
    )

    assert simhash_distance(simhash(ARTICLE), simhash(ARTICLE)) == 0
    assert simhash_distance(simhash(ARTICLE), simhash(edited)) <= 8
    assert simhash_distance(simhash(ARTICLE), simhash(unrelated)) >= 16


def test_simhash_ignores_punctuation_between_words() -> None:
    assert simhash("hello, world! again") == simhash("hello world again")


def test_simhash_of_short_and_empty_texts() -> None:
    assert simhash("") == 0
    assert simhash("hello") == simhash("hello")
    assert simhash("hello") != simhash("world")
    assert simhash("two words") != 0


def test_simhash_is_stable_across_processes() -> None:
    # Stored simhashes are compared with later ones: the value must never depend on the
    # process (no hash() and its per-process seed).
    assert simhash_to_hex(simhash("the city council approved the budget")) == (
        simhash_to_hex(simhash("the city council approved the budget"))
    )
    assert simhash("the city council approved the budget") == 0x972701000C103800


def test_simhash_hex_round_trips_all_64_bits() -> None:
    for value in (0, 1, 2**63, 2**64 - 1, 0x0123456789ABCDEF):
        stored = simhash_to_hex(value)
        assert len(stored) == 16
        assert simhash_from_hex(stored) == value


def test_simhash_hex_refuses_what_is_not_64_bits() -> None:
    with pytest.raises(ValueError):
        simhash_to_hex(2**64)
    with pytest.raises(ValueError):
        simhash_to_hex(-1)
    with pytest.raises(ValueError):
        simhash_from_hex("abc")


def test_simhash_distance_counts_differing_bits() -> None:
    assert simhash_distance(0, 0) == 0
    assert simhash_distance(0b1011, 0b0001) == 2
    assert simhash_distance(0, 2**64 - 1) == 64
