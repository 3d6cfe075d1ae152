from __future__ import annotations

import pytest

from pipeline.text import (
    MAX_HTML_CHARS,
    clean_inline,
    clean_summary,
    html_to_text,
    match_key,
    truncate,
    without_controls,
    without_controls_in,
)

WORDPRESS_BODY = """
<div class="entry-content">
  <h2>Plan de movilidad&nbsp;sostenible</h2>
  <p>La Municipalidad de Rosario presentó   su plan&nbsp;de movilidad.
     El documento&#8230; prevé nuevas ciclovías.</p>
  <!-- wp:paragraph -->
  <p>Ejes del plan:</p>
  <ul>
    <li>Transporte público</li>
    <li>Movilidad activa</li>
  </ul>
  <figure><img src="/wp-content/uploads/2020/05/plan.jpg" alt="foto">
    <figcaption>Foto: IMR</figcaption></figure>
</div>
"""


def test_wordpress_body_becomes_paragraphs_and_lines() -> None:
    assert html_to_text(WORDPRESS_BODY) == (
        "Plan de movilidad sostenible\n\n"
        "La Municipalidad de Rosario presentó su plan de movilidad. El documento… prevé nuevas "
        "ciclovías.\n\n"
        "Ejes del plan:\n\n"
        "Transporte público\nMovilidad activa\n\n"
        "Foto: IMR"
    )


@pytest.mark.parametrize(
    "html",
    [
        "<p>Hola</p><script>alert('x')</script><p>mundo</p>",
        "<p>Hola</p><style>p { color: red }</style><p>mundo</p>",
        "<p>Hola</p><noscript>Active JavaScript</noscript><p>mundo</p>",
        "<p>Hola</p><template><p>oculto</p></template><p>mundo</p>",
        '<p>Hola</p><iframe src="https://evil.example">marco</iframe><p>mundo</p>',
        "<p>Hola</p><svg><text>dibujo</text></svg><p>mundo</p>",
        '<p>Hola</p><form><input name="q"><button>Buscar</button></form><p>mundo</p>',
        "<p>Hola</p><nav><a href='/'>Inicio</a></nav><p>mundo</p>",
        "<p>Hola</p><!-- comentario secreto --><p>mundo</p>",
    ],
)
def test_script_and_style_never_reach_text(html: str) -> None:
    assert html_to_text(html) == "Hola\n\nmundo"


def test_hostile_attributes_are_not_text() -> None:
    html = '<p>Informe <img src=x onerror=alert(1)> anual</p><a href="javascript:alert(2)">ver</a>'
    assert html_to_text(html) == "Informe anual\n\nver"


def test_header_and_footer_inside_a_fragment_are_kept() -> None:
    html = "<article><header>Montevideo, 15 de mayo</header><p>Texto</p><footer>Fuente: IM</footer>"
    assert html_to_text(html) == "Montevideo, 15 de mayo\n\nTexto\n\nFuente: IM"


def test_line_breaks_stay_within_a_paragraph_and_double_br_starts_one() -> None:
    html = "Calle 1<br>Montevideo<br/><br />Uruguay"
    assert html_to_text(html) == "Calle 1\nMontevideo\n\nUruguay"


def test_table_rows_become_lines_and_cells_are_separated() -> None:
    html = "<table><tr><th>Ciudad</th><th>País</th></tr><tr><td>Salto</td><td>UY</td></tr></table>"
    assert html_to_text(html) == "Ciudad País\nSalto UY"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Rosario &#8211; &#8220;Plan&#8221;", "Rosario \u2013 \u201cPlan\u201d"),
        ("Salud &amp; bienestar", "Salud & bienestar"),
        ("Ciudad\u00a0de\u00a0México", "Ciudad de México"),
        ("S\u00e3o Paulo\u200b lan\u00e7a", "São Paulo lança"),
        ("a &lt;b&gt; c", "a <b> c"),
    ],
)
def test_plain_strings_with_entities_are_decoded(raw: str, expected: str) -> None:
    assert html_to_text(raw) == expected
    assert clean_inline(raw) == expected


@pytest.mark.parametrize("empty", [None, "", "   ", "\u00a0", "<p> </p>", "<script>x()</script>"])
def test_empty_input_gives_none_not_empty_string(empty: str | None) -> None:
    assert html_to_text(empty) is None
    assert clean_inline(empty) is None
    assert clean_summary(empty) is None


def test_deeply_nested_markup_does_not_overflow() -> None:
    html = "<div>" * 50_000 + "profundo" + "</div>" * 50_000
    assert html_to_text(html) == "profundo"


def test_markup_beyond_the_limit_is_not_read() -> None:
    html = "<p>inicio</p>" + " " * MAX_HTML_CHARS + "<p>fin</p>"
    assert html_to_text(html) == "inicio"


def test_url_or_xml_looking_input_raises_no_warning() -> None:
    # pytest turns warnings into errors: BeautifulSoup's locator/XML warnings must stay inside.
    assert html_to_text("https://mercociudades.org/") == "https://mercociudades.org/"
    assert html_to_text('<?xml version="1.0"?><p>texto</p>') == "texto"


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("La red de Mercociudades", 100, "La red de Mercociudades"),
        ("La red de Mercociudades", 12, "La red de…"),
        ("La red, de Mercociudades", 9, "La red…"),
        ("Mercociudades", 6, "Merco…"),
        ("abc", 1, "…"),
    ],
)
def test_long_text_is_cut_at_a_word_boundary_with_ellipsis(
    text: str, limit: int, expected: str
) -> None:
    assert truncate(text, limit) == expected
    assert len(truncate(text, limit)) <= limit


def test_html_to_text_respects_max_chars() -> None:
    text = html_to_text("<p>" + "palabra " * 1000 + "</p>", max_chars=50)
    assert text is not None and len(text) <= 50 and text.endswith("palabra…")


def test_truncate_rejects_a_limit_below_one() -> None:
    with pytest.raises(ValueError, match="max_chars"):
        truncate("texto", 0)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("<h1>Montevideo:  canasta\n de alimentos</h1>", "Montevideo: canasta de alimentos"),
        ("<p>Primera</p><p>Segunda</p>", "Primera Segunda"),
        ("Plan <em>Ciudad</em>es", "Plan Ciudades"),
        ("  Título <script>document.cookie</script> limpio ", "Título limpio"),
    ],
)
def test_inline_text_is_one_line_without_tags(raw: str, expected: str) -> None:
    assert clean_inline(raw) == expected


def test_inline_text_is_bounded() -> None:
    assert clean_inline("x " * 5000, max_chars=20) == "x x x x x x x x x x…"


@pytest.mark.parametrize(
    "excerpt",
    [
        "<p>El plan amplía la red de ciclovías [&hellip;]</p>",
        "<p>El plan amplía la red de ciclovías […]</p>",
        "<p>El plan amplía la red de ciclovías [...]</p>",
        "<p>El plan amplía la red de ciclovías&#8230;</p>",
        "<p>El plan amplía la red de ciclovías… Leer más »</p>",
        "<p>El plan amplía la red de ciclovías... <a href='/?p=1'>Continuar leyendo →</a></p>",
        '<p>El plan amplía la red de ciclovías <a class="more-link" href="/plan/">Continue reading'
        '<span class="screen-reader-text"> "Plan de movilidad"</span></a></p>',
        "<p>El plan amplía la red de ciclovías</p><p>LER MAIS</p>",
        "<p>El plan amplía la red de ciclovías &hellip; Continue lendo</p>",
        "<p>El plan amplía la red de ciclovías. Read more &raquo;</p>",
    ],
)
def test_wordpress_excerpt_tails_are_stripped(excerpt: str) -> None:
    summary = clean_summary(excerpt)
    assert summary is not None
    assert summary.rstrip(".") == "El plan amplía la red de ciclovías"


def test_summary_is_a_single_paragraph() -> None:
    html = "<p>Primer párrafo.</p>\n<p>Segundo<br>párrafo.</p>"
    assert clean_summary(html) == "Primer párrafo. Segundo párrafo."


def test_summary_that_is_only_a_tail_is_none() -> None:
    assert clean_summary("<p>[&hellip;]</p>") is None


def test_summary_keeps_a_sentence_that_merely_mentions_reading() -> None:
    assert clean_summary("<p>Leer más es el lema de la feria del libro.</p>") == (
        "Leer más es el lema de la feria del libro."
    )


@pytest.mark.parametrize(
    ("label", "key"),
    [
        ("Saúde", "saude"),
        ("  SALUD ", "salud"),
        ("COVID-19", "covid 19"),
        ("Women\u2019s leadership", "women s leadership"),
        ("Ciencia, tecnología y capacitación", "ciencia tecnologia y capacitacion"),
        ("!!!", None),
        (None, None),
    ],
)
def test_match_key_ignores_case_accents_and_punctuation(label: str | None, key: str | None) -> None:
    assert match_key(label) == key


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Plan \x1b[31mrojo\x1b[0m", "Plan rojo"),  # a colour sequence goes whole
        ("Título\x1b]0;otra ventana\x07 real", "Título real"),  # so does a window title (OSC)
        ("Alerta\x07\x07 roja", "Alerta roja"),
        ("con\x00 nulo", "con nulo"),
        ("C1\x9b31m y \x85 NEL", "C131m y NEL"),  # C1 controls go one by one
        ("precio \u202e0001$\u202c total", "precio 0001$ total"),  # bidi override
        ("aislado \u2066texto\u2069 fin", "aislado texto fin"),
        ("עברית \u200fmarca", "עברית \u200fmarca"),  # a right-to-left mark stays
        ("fin\x1b", "fin"),
    ],
)
def test_inline_text_has_no_control_characters(raw: str, expected: str) -> None:
    assert clean_inline(raw) == expected
    assert html_to_text(f"<p>{raw}</p>") == expected


def test_without_controls_keeps_lines_and_tabs() -> None:
    assert without_controls("uno\r\ndos\rtres\tcuatro\x0bcinco\x1b[2Jseis\x7f") == (
        "uno\ndos\ntres\tcuatro cincoseis"
    )
    assert without_controls("texto limpio") == "texto limpio"


def test_without_controls_in_cleans_every_string_of_a_json_value() -> None:
    value = {"a\x1b": ["x\x00", ("y\x07", 3)], "n": None, "f": 1.5}
    assert without_controls_in(value) == {"a": ["x", ("y", 3)], "n": None, "f": 1.5}
