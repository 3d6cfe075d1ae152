"""Replica of citiesforglobalhealth.org (Metropolis + AL-LAs): a Drupal 9 site of initiatives.

`make_site` is what `pipeline.replicas.server.SITES` calls. Ground truth:
`CitiesForGlobalHealthSite.initiatives(state)` (newest first; `Initiative.original` and
`.translation` are the two language versions of one node), `.home(state)` (the counters),
`.added_id` / `.edited_id` / `.removed_id` (state 2), `.churned_ids` (state 3: description
revised), `.shared_ids` (copies of practices other platforms publish too). Quirks (`QUIRKS`):
``redesign``, ``listing-capped``.
"""

from __future__ import annotations

from pipeline.replicas.cities_for_global_health.model import (
    Document,
    ExternalLink,
    Home,
    Initiative,
    Version,
)
from pipeline.replicas.cities_for_global_health.site import (
    DEFAULT_SIZE,
    QUIRKS,
    CitiesForGlobalHealthSite,
)
from pipeline.replicas.server import SiteOptions

__all__ = [
    "DEFAULT_SIZE",
    "QUIRKS",
    "CitiesForGlobalHealthSite",
    "Document",
    "ExternalLink",
    "Home",
    "Initiative",
    "Version",
    "make_site",
]


def make_site(options: SiteOptions) -> CitiesForGlobalHealthSite:
    size = DEFAULT_SIZE if options.size is None else options.size
    return CitiesForGlobalHealthSite(seed=options.seed, size=size, quirks=options.quirks)
