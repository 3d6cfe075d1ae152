"""``python -m pipeline.replicas list``: every replica with its options and quirks, the states
and the shared practices; each site's quirks are the ones its factory accepts."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from pipeline.replicas.catalogue import REST_API_SITES, catalogue_text, describe_sites
from pipeline.replicas.server import SITES, SiteOptions
from pipeline.replicas.shared_practices import shared_practices
from pipeline.replicas.states import STATES


def test_every_site_is_described_with_its_own_quirks() -> None:
    described = {site.key: site for site in describe_sites()}
    assert described.keys() == SITES.keys()
    assert described["bibliography"].quirks == {}
    assert described["bibliography"].default_size is None
    assert "listing-capped" in described["cities_for_global_health"].quirks
    assert "no-embed" in described["mercociudades_covid"].quirks
    assert {key for key, site in described.items() if site.rest_api_option} == REST_API_SITES
    for key, site in described.items():
        assert site.summary and "\n" not in site.summary
        for quirk in site.quirks:  # what is listed is what the factory accepts
            SITES[key](SiteOptions(size=5, quirks=frozenset({quirk})))
        with pytest.raises(ValueError, match="quirk"):
            SITES[key](SiteOptions(size=5, quirks=frozenset({"no-such-quirk"})))


def test_the_list_names_each_quirk_under_its_site() -> None:
    listed = subprocess.run(
        [sys.executable, "-m", "pipeline.replicas", "list"],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    ).stdout
    assert listed == catalogue_text() + "\n"
    sections = re.split(r"^  (?=\w+: )", listed, flags=re.M)
    for site in describe_sites():
        section = next(s for s in sections if s.startswith(f"{site.key}: "))
        for name in site.quirks:
            assert re.search(rf"^\s+{re.escape(name)}\s", section, re.M), (site.key, name)
        assert ("--no-rest-api" in section) == site.rest_api_option
    for number in STATES:
        assert re.search(rf"^  {number}  \S", listed, re.M)
    for practice in shared_practices():
        assert practice.key in listed
        for publication in practice.publications:
            assert f"{publication.platform}: {publication.title}" in listed
