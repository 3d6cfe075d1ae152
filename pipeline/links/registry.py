"""Which URLs the link monitor watches: everything the catalogue depends on.

- every ``[[links]]`` entry of the config (the cited platforms and the bibliography),
- every source's start URLs (the platform as we reach it),
- every record's own page and every resource it links to, removed records included: a page
  that disappeared is exactly what the monitor must report,
- URLs given to ``citywatch check-links FILE`` (origin ``cli``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.config import Config
from storage.links import LinkSpec, record_link_specs, sync_links
from storage.models import Source

__all__ = ["config_link_specs", "register_links"]


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
                cited_in=f"start URL of source {source.key}",
                source_id=source_ids.get(source.key),
            )
            for url in source.start_urls
        )
    return specs


def register_links(
    session: Session, config: Config, now: datetime, extra_urls: Iterable[str] = ()
) -> int:
    """Bring the `link` table up to date with the config and the records; the count added."""
    source_ids = {key: id_ for key, id_ in session.execute(select(Source.key, Source.id))}
    specs = [
        *config_link_specs(config, source_ids),
        *record_link_specs(session),
        *(LinkSpec(url=url, origin="cli") for url in extra_urls),
    ]
    return sync_links(session, specs, now)
