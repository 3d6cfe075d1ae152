"""The #BeyondTheOutbreak replica: a WordPress static export, its paging, states and redesign."""

from __future__ import annotations

from email.utils import parsedate_to_datetime

import pytest
from parsel import Selector

from pipeline.replicas.beyond_the_outbreak import (
    BeyondTheOutbreakSite,
    Session,
    make_site,
)
from pipeline.replicas.server import ReplicaServer, Response, SiteOptions
from pipeline.themes import map_labels

HOST = {"host": "bto.test"}
BASE = "http://bto.test"


def get(site: BeyondTheOutbreakSite, path: str, state: int = 1) -> Response:
    return site.handle("GET", path, HOST, state)


def page(site: BeyondTheOutbreakSite, path: str, state: int = 1) -> Selector:
    response = get(site, path, state)
    assert response.status == 200, path
    return Selector(text=response.body.decode("utf-8"))


def listed(site: BeyondTheOutbreakSite, home: str, state: int = 1) -> list[str]:
    """Every card link of a home page, following its pages to the end."""
    links, path = [], home
    while path:
        html = page(site, path, state)
        links += html.css("a.session-card__link::attr(href)").getall()
        next_url = html.css("link[rel=next]::attr(href)").get()
        path = next_url.removeprefix(BASE) if next_url else ""
    return links


def test_the_real_site_has_17_sessions_whose_topics_map_to_themes() -> None:
    sessions = BeyondTheOutbreakSite().sessions()
    assert len(sessions) == 17
    assert len({s.slug for s in sessions}) == 17
    assert all("/" not in s.slug and "-" not in s.slug for s in sessions)  # one-word root slugs
    mapping = map_labels([s.topic for s in sessions] + [s.es_topic for s in sessions])
    assert mapping.unmapped == ()
    assert all(map_labels([s.topic]).themes for s in sessions)
    # Optional parts are missing on some sessions, present on others.
    for optional in ("number", "summary", "video_url", "translation", "figure"):
        values = [getattr(s, optional) for s in sessions]
        assert None in values and any(v is not None for v in values), optional
    assert any(any(sp.organisation is None for sp in s.speakers) for s in sessions)


def test_same_seed_same_site_and_size_extends_topics_deterministically() -> None:
    assert BeyondTheOutbreakSite(seed=3).sessions() == BeyondTheOutbreakSite(seed=3).sessions()
    assert BeyondTheOutbreakSite(seed=3).sessions() != BeyondTheOutbreakSite(seed=4).sessions()
    big = BeyondTheOutbreakSite(size=2000)
    sessions = big.sessions()
    assert len({s.slug for s in sessions}) == 2000
    assert sessions[17].slug == "services2" and sessions[17].topic == sessions[0].topic
    assert [s.date for s in sessions] == sorted(s.date for s in sessions)
    assert len(listed(big, "/es/home-spanish/")) == 2000


def test_home_pages_page_by_twelve_with_next_links_and_end() -> None:
    site = BeyondTheOutbreakSite()
    first = page(site, "/es/home-spanish/")
    assert first.xpath("/html/@lang").get() == "es-ES"
    assert len(first.css(".sessions-grid .session-card")) == 12
    assert first.css("link[rel=next]::attr(href)").get() == f"{BASE}/es/home-spanish/page/2/"
    second = page(site, "/es/home-spanish/page/2/")
    assert len(second.css(".session-card")) == 5
    assert second.css("link[rel=next]").get() is None
    assert get(site, "/es/home-spanish/page/3/").status == 404
    assert get(site, "/es/home-spanish/page/1/").header("location") == f"{BASE}/es/home-spanish/"
    assert get(site, "/es/home-spanish").header("location") == f"{BASE}/es/home-spanish/"
    # The Spanish home links the Spanish version where there is one.
    expected = [BASE + (s.translation.path if s.translation else s.path) for s in site.sessions()]
    assert listed(site, "/es/home-spanish/") == expected
    assert listed(site, "/") == [BASE + s.path for s in site.sessions()]


def test_static_export_has_no_rest_api_but_keeps_sitemaps_and_validators() -> None:
    site = BeyondTheOutbreakSite()
    assert get(site, "/wp-json/").status == 404
    assert get(site, "/wp-json/wp/v2/pages").status == 404
    robots = get(site, "/robots.txt").body.decode()
    assert f"Sitemap: {BASE}/sitemap_index.xml" in robots
    assert get(site, "/sitemap.xml").header("location") == f"{BASE}/sitemap_index.xml"
    index = Selector(text=get(site, "/sitemap_index.xml").body.decode(), type="xml")
    index.remove_namespaces()
    assert index.css("loc::text").getall() == [f"{BASE}/page-sitemap.xml"]
    urls = Selector(text=get(site, "/page-sitemap.xml").body.decode(), type="xml")
    urls.remove_namespaces()
    locs = set(urls.css("loc::text").getall())
    for session in site.sessions():
        assert BASE + session.path in locs
        if session.translation:
            assert BASE + session.translation.path in locs
    session = site.sessions()[0]
    with ReplicaServer(site) as server:
        first = server.respond("GET", session.path, HOST)
        since = first.header("last-modified")
        assert since and parsedate_to_datetime(since) == session.modified
        again = server.respond("GET", session.path, {**HOST, "if-modified-since": since})
        assert again.status == 304
        etag = first.header("etag") or ""
        assert server.respond("GET", session.path, {**HOST, "if-none-match": etag}).status == 304


def test_no_sitemap_quirk_leaves_the_sitemaps_out() -> None:
    site = BeyondTheOutbreakSite(quirks={"no-sitemap"})
    assert "Sitemap:" not in get(site, "/robots.txt").body.decode()
    assert get(site, "/sitemap_index.xml").status == 404
    assert get(site, "/sitemap.xml").status == 404


def _check_session_page(site: BeyondTheOutbreakSite, session: Session) -> None:
    html = page(site, session.path)
    assert html.css("h1.entry-title::text").get() == session.title
    assert html.css(".session-date::text").get() == session.date_text
    assert html.css(".session-topic::text").get() == session.topic
    number = html.css(".session-number::text").get()
    assert number == (f"Session {session.number}" if session.number else None)
    assert html.css("meta[name=description]::attr(content)").get() == session.summary
    assert html.css(".wp-block-embed iframe::attr(src)").get() == session.video_url
    briefing = html.css(".wp-block-file a:not(.wp-block-file__button)")
    assert briefing.attrib["href"] == BASE + session.briefing.path
    assert briefing.xpath("string()").get() == session.briefing.title
    assert html.css(".speaker-role::text").getall() == list(session.speaker_roles)
    assert tuple(dict.fromkeys(html.css(".speaker-organisation::text").getall())) == (
        session.organisations
    )
    hreflang = dict(
        zip(
            html.css("link[hreflang]::attr(hreflang)").getall(),
            html.css("link[hreflang]::attr(href)").getall(),
            strict=True,
        )
    )
    if session.translation:
        assert hreflang["es"] == BASE + session.translation.path
        spanish = page(site, session.translation.path)
        assert spanish.css("h1.entry-title::text").get() == session.translation.title
        assert spanish.css("link[hreflang=en]::attr(href)").get() == BASE + session.path
    else:
        assert "es" not in hreflang
    pdf = get(site, session.briefing.path)
    assert pdf.header("content-type") == "application/pdf" and pdf.body.startswith(b"%PDF-")
    if session.figure:
        assert get(site, session.figure).header("content-type") == "image/png"


def test_ground_truth_agrees_with_every_session_page() -> None:
    site = BeyondTheOutbreakSite(seed=2, size=30)
    for session in site.sessions():
        _check_session_page(site, session)
    assert get(site, "/about/").status == 200
    assert get(site, "/housing").header("location") == f"{BASE}/housing/"
    assert get(site, "/nothing-here/").status == 404


def test_state_2_adds_one_session_edits_one_and_removes_one() -> None:
    site = BeyondTheOutbreakSite()
    before = {s.slug: s for s in site.sessions(1)}
    after = {s.slug: s for s in site.sessions(2)}
    assert len({site.added_id, site.edited_id, site.removed_id}) == 3
    assert set(after) - set(before) == {site.added_id}
    assert set(before) - set(after) == {site.removed_id}
    changed = {slug for slug in after if slug in before and after[slug] != before[slug]}
    assert changed == {site.edited_id}
    edited, original = after[site.edited_id], before[site.edited_id]
    assert edited.title != original.title and edited.modified > original.modified
    added, removed = after[site.added_id], before[site.removed_id]
    assert get(site, added.path, 1).status == 404 and get(site, added.path, 2).status == 200
    assert get(site, removed.path, 1).status == 200 and get(site, removed.path, 2).status == 404
    if removed.translation:
        assert get(site, removed.translation.path, 2).status == 404
    assert get(site, added.briefing.path, 1).status == 404
    assert get(site, added.briefing.path, 2).status == 200
    old_text = " ".join(page(site, edited.path, 1).css(".entry-content p::text").getall())
    new_text = " ".join(page(site, edited.path, 2).css(".entry-content p::text").getall())
    assert new_text != old_text and new_text.startswith("Update:")
    assert page(site, edited.path, 2).css("h1.entry-title::text").get() == edited.title
    assert listed(site, "/", 2) == [BASE + s.path for s in site.sessions(2)]


def test_redesign_changes_the_markup_not_the_content() -> None:
    classic = BeyondTheOutbreakSite()
    redesigned = make_site(SiteOptions(quirks=frozenset({"redesign"})))
    assert isinstance(redesigned, BeyondTheOutbreakSite)
    assert redesigned.sessions() == classic.sessions()
    for session in classic.sessions()[:6]:
        old, new = page(classic, session.path), page(redesigned, session.path)
        for css in ("article", ".entry-content", "h1.entry-title", ".session-date", ".speaker"):
            assert old.css(css) and not new.css(css), css
        assert new.css(".bto-hero__title::text").get() == session.title
        assert new.css(".bto-when::text").get() == session.date_text
        assert new.css(".bto-person__job::text").getall() == list(session.speaker_roles)
        assert new.css(".bto-download::attr(href)").get() == BASE + session.briefing.path
        # The head (Yoast, hreflang, canonical) is the same; so is the narrative.
        for css in ("link[hreflang]", "link[rel=canonical]", "script[type='application/ld+json']"):
            assert old.css(css).getall() == new.css(css).getall(), css
        narrative = [p.xpath("string()").get() for p in new.css(".bto-content > p")]
        assert narrative == [p.xpath("string()").get() for p in old.css(".entry-content > p")][:-1]
    home = page(redesigned, "/es/home-spanish/")
    assert not home.css(".session-card") and len(home.css(".bto-tile")) == 12


def test_unknown_quirks_are_refused() -> None:
    with pytest.raises(ValueError, match=r"unknown quirk\(s\): block-theme"):
        make_site(SiteOptions(quirks=frozenset({"block-theme"})))
    with pytest.raises(ValueError, match="at least 3"):
        BeyondTheOutbreakSite(size=2)
