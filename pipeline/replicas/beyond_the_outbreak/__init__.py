"""Replica of #BeyondTheOutbreak (UCLG, Metropolis, UN-Habitat): a WordPress site served as a
static export.

```python
site = BeyondTheOutbreakSite(seed=1, size=17)        # or make_site(SiteOptions(...))
with ReplicaServer(site) as server:
    start_url = server.base_url + site.landing_path  # /es/home-spanish/
    server.set_state(2)   # site.added_id, site.edited_id, site.removed_id (session slugs)
    server.set_state(3)   # site.churned_ids: about 1% of the sessions edited (at least one)
for session in site.sessions(state=1):               # ground truth, in listing order
    session.stable_id, session.title, session.date, session.topic, session.organisations,
    session.speaker_roles, session.video_url, session.briefing.path, session.translation
```

Quirks: ``redesign`` (same content, new markup) and ``no-sitemap``; others raise ValueError.
"""

from __future__ import annotations

from pipeline.replicas.beyond_the_outbreak.content import Briefing, Session, Speaker, Translation
from pipeline.replicas.beyond_the_outbreak.site import (
    DEFAULT_SIZE,
    NO_SITEMAP,
    QUIRKS,
    REDESIGN,
    BeyondTheOutbreakSite,
)
from pipeline.replicas.server import Site, SiteOptions

__all__ = [
    "DEFAULT_SIZE",
    "NO_SITEMAP",
    "QUIRKS",
    "REDESIGN",
    "BeyondTheOutbreakSite",
    "Briefing",
    "Session",
    "Speaker",
    "Translation",
    "make_site",
]


def make_site(options: SiteOptions) -> Site:
    """The replica for `pipeline.replicas.server.SITES` (``rest_api`` means nothing here)."""
    size = DEFAULT_SIZE if options.size is None else options.size
    return BeyondTheOutbreakSite(seed=options.seed, size=size, quirks=options.quirks)
