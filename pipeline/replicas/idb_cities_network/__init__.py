"""Replica of the IDB Cities Network (Red de Ciudades BID) on www.iadb.org, a Drupal 10 site.

Spanish under ``/es/``, English under ``/en/`` (content translation: both versions of a node share
its id, ``/es/node/N`` and ``/en/node/N``); Metatag OpenGraph, hreflang alternates and a JSON-LD
graph in every node page. The section moved: the cited Spanish URL (`CITED_PATH`) answers 301
to its new place (`LANDING_PATHS`), or, with the ``moved-without-redirect`` quirk, 404; the old
English URL always answers 301. Webinar summaries, publications (PDFs here or on
publications.iadb.org) and blog posts with date permalinks are listed ten a page
(``?page=N``, 0-based). ``redesign`` serves the same content in a new theme.

State 2 adds one webinar (`added_id`), edits one node (`edited_id`: title and body, every
language) and removes one (`removed_id`: 404). State 3 revises about 1% of the nodes
(`churned_ids`: titles, a closing note, ``changed``). Ground truth: `IdbCitiesNetworkSite.records`.
"""

from __future__ import annotations

from pipeline.replicas.idb_cities_network.site import (
    CITED_PATH,
    DEFAULT_SIZE,
    LANDING_PATHS,
    QUIRKS,
    ExpectedRecord,
    IdbCitiesNetworkSite,
)
from pipeline.replicas.server import Site, SiteOptions

__all__ = [
    "CITED_PATH",
    "DEFAULT_SIZE",
    "LANDING_PATHS",
    "QUIRKS",
    "ExpectedRecord",
    "IdbCitiesNetworkSite",
    "make_site",
]


def make_site(options: SiteOptions) -> Site:
    size = DEFAULT_SIZE if options.size is None else options.size
    return IdbCitiesNetworkSite(seed=options.seed, size=size, quirks=options.quirks)
