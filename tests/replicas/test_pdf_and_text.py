"""Uploaded PDFs, WordPress's text filters, and a large site built lazily."""

from __future__ import annotations

import re

from pipeline.replicas.mercociudades import MercociudadesSite
from pipeline.replicas.pdf import make_pdf
from pipeline.replicas.server import ReplicaServer
from pipeline.replicas.wordpress.formatting import (
    date_i18n,
    display_text,
    php_json,
    sanitize_title,
    texturize,
)
from tests.replicas.conftest import fetch


def _check_pdf(data: bytes) -> None:
    assert data.startswith(b"%PDF-")
    assert data.endswith(b"%%EOF")
    xref_at = int(re.search(rb"startxref\n(\d+)\n%%EOF$", data).group(1))  # type: ignore[union-attr]
    assert data[xref_at:].startswith(b"xref\n")
    offsets = re.findall(rb"(\d{10}) 00000 n \n", data[xref_at:])
    for number, offset in enumerate(offsets, start=1):
        assert data[int(offset) :].startswith(f"{number} 0 obj".encode())


def _pdf_title(data: bytes) -> str:
    found = re.search(rb"/Title (<FEFF([0-9A-F]+)>|\((.*?)\))", data)
    assert found is not None
    if found.group(2):
        return bytes.fromhex(found.group(2).decode()).decode("utf-16-be")
    return found.group(3).decode("ascii")


def test_make_pdf() -> None:
    data = make_pdf("Informe (parcial) de acción", ["Línea con ñ"])
    _check_pdf(data)
    assert _pdf_title(data) == "Informe (parcial) de acción"
    _check_pdf(make_pdf("Plain title"))
    assert _pdf_title(make_pdf("Plain title")) == "Plain title"


def test_served_pdfs(base: str, site: MercociudadesSite) -> None:
    pdfs = site.pdfs()
    assert site.landing_pdf in pdfs and len(pdfs) > 5
    for pdf in pdfs[:8]:
        assert re.fullmatch(r"/wp-content/uploads/20\d\d/\d\d/[A-Za-z0-9-]+\.pdf", pdf.path)
        served = fetch(base + pdf.path)
        assert served.status == 200
        assert served.header("Content-Type") == "application/pdf"
        assert served.header("Last-Modified") and served.header("ETag")
        _check_pdf(served.body)
        assert _pdf_title(served.body) == pdf.title
    assert fetch(base + "/wp-content/uploads/2020/01/nada.pdf").status == 404


def test_added_post_pdf_only_in_state_two() -> None:
    site = MercociudadesSite(seed=5, size=20)
    added = site.post(site.added_id, 2)
    assert added is not None and added.pdfs
    with ReplicaServer(site) as server:
        assert fetch(server.base_url + added.pdfs[0].path).status == 404
        server.set_state(2)
        assert fetch(server.base_url + added.pdfs[0].path).status == 200


def test_texturize_like_wordpress() -> None:
    typed = 'Campaña "Cuidarnos" - fase 2'
    assert texturize(typed) == "Campaña &#8220;Cuidarnos&#8221; &#8211; fase 2"
    assert texturize("Programa 'Barrio a barrio'") == "Programa &#8216;Barrio a barrio&#8217;"
    assert texturize("Salud & cuidados...") == "Salud &#038; cuidados&#8230;"
    assert display_text('"Cuidarnos" - fase 2') == "\u201cCuidarnos\u201d \u2013 fase 2"


def test_slugs_dates_and_json() -> None:
    assert sanitize_title("Asunción: más de 10.000 testeos en Peñalolén") == (
        "asuncion-mas-de-10-000-testeos-en-penalolen"
    )
    assert sanitize_title("São Paulo amplia a testagem") == "sao-paulo-amplia-a-testagem"
    site = MercociudadesSite(seed=1, size=3)
    moment = site.posts()[0].date.replace(day=3, month=3, year=2021)
    assert date_i18n(moment, "pt") == "3 de março de 2021"
    assert date_i18n(moment, "es") == "3 de marzo de 2021"
    assert php_json({"url": "https://a/b", "t": "ó"}) == '{"url":"https:\\/\\/a\\/b","t":"\\u00f3"}'


def test_titles_carry_entities_in_rest(base: str, site: MercociudadesSite) -> None:
    quoted = [p for p in site.posts() if texturize(p.raw_title) != p.raw_title]
    assert quoted, "seed 1 has titles with quotes or dashes"
    post = quoted[0]
    item = fetch(f"{base}/wp-json/wp/v2/posts/{post.id}").json()
    assert item["title"]["rendered"] == texturize(post.raw_title)
    assert re.search(r"&#82(11|16|17|20|21);", item["title"]["rendered"])


def test_large_site_is_lazy() -> None:
    site = MercociudadesSite(seed=1, size=5000)
    with ReplicaServer(site) as server:
        first = fetch(server.base_url + "/wp-json/wp/v2/posts?per_page=1")
        assert first.header("X-WP-Total") == "5000"
        assert first.header("X-WP-TotalPages") == "5000"
        archive = fetch(server.base_url + "/covid-19/page/500/")
        assert archive.status == 200 and len(archive.html.css("article")) == 10
        assert fetch(server.base_url + "/covid-19/page/501/").status == 404
        index = fetch(server.base_url + "/wp-sitemap.xml").text
        assert "wp-sitemap-posts-post-3.xml" in index  # 5000 Spanish + translations, 2000 a page
    built = sum("body" in vars(post) for post in site.posts())
    assert built < 100  # only the bodies that were rendered were written
