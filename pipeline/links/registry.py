"""Which URLs the link monitor watches: everything the catalogue depends on.

- every ``[[links]]`` entry of the config (the cited platforms and the bibliography),
- every source's start URLs (the platform as we reach it),
- every record's own page and every resource it links to, removed records included: a page
  that disappeared is exactly what the monitor must report,
- URLs given to ``citywatch check-links FILE`` (origin ``cli``).

Every URL is checked (`pipeline.urls.url_problem`) and spelt the one way the link store keeps
it (`pipeline.urls.link_url`) before it is stored, whatever its origin: a URL that cannot be
checked is skipped with the reason logged, so it never stops the other links.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.config import Config
from pipeline.urls import link_url, quoted_url, url_problem
from storage.links import LinkSpec, record_link_specs, sync_links
from storage.models import Source

__all__ = [
    "START_URL_CITATION",
    "checked_specs",
    "config_link_specs",
    "monitored_specs",
    "register_links",
]

logger = logging.getLogger(__name__)
# How a source's start URL is cited: "start URL of source KEY".
START_URL_CITATION = "start URL of source "


def config_link_specs(config: Config, source_ids: dict[str, int]) -> list[LinkSpec]:
    specs = [
        LinkSpec(url=link.url, origin="config", title=link.title, cited_in=link.cited_in)
        for link in config.links
    ]
    for source in config.sources:
        specs.extend(
            LinkSpec(
                url=url,
                origin="config",
                title=source.name,
                cited_in=f"{START_URL_CITATION}{source.key}",
                source_id=source_ids.get(source.key),
            )
            for url in source.start_urls
        )
    return specs


def monitored_specs(session: Session, config: Config) -> list[LinkSpec]:
    """What the config and the records ask to monitor, each URL in the link store's spelling
    (the URLs that cannot be monitored left out, with a warning)."""
    source_ids = {key: id_ for key, id_ in session.execute(select(Source.key, Source.id))}
    return checked_specs([*config_link_specs(config, source_ids), *record_link_specs(session)])


def register_links(
    session: Session, config: Config, now: datetime, extra_urls: Iterable[str] = ()
) -> int:
    """Bring the `link` table up to date with the config and the records; the count added."""
    specs = [
        *monitored_specs(session, config),
        *checked_specs(LinkSpec(url=url, origin="cli") for url in extra_urls),
    ]
    return sync_links(session, specs, now)


def checked_specs(specs: Iterable[LinkSpec]) -> list[LinkSpec]:
    """The specs whose URL may be monitored, spelt as the link store keeps it."""
    kept = []
    for spec in specs:
        problem = url_problem(spec.url)
        if problem:
            logger.warning(
                "not monitoring %s (%s%s): %s",
                quoted_url(spec.url),
                spec.origin,
                f", record {spec.record_id}" if spec.record_id is not None else "",
                problem,
            )
            continue
        kept.append(replace(spec, url=link_url(spec.url)))
    return kept
