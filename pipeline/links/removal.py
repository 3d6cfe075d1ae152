"""Removing monitored links (``citywatch links remove``).

Only a link nothing asks for any more can go: one added with ``check-links FILE``, or one the
config or a record no longer names. A URL of the config or of a record would be registered
again at the next check, so it is kept, saying where it comes from (the config is the place to
remove it; a record's page and resources are watched as long as the record is known).

URLs named one by one are removed all or nothing; with a pattern, the links that must stay are
named and the others removed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.config import Config
from pipeline.links.registry import START_URL_CITATION, monitored_specs
from pipeline.urls import link_url, url_problem
from storage.links import LinkRemoval, LinkSpec, links_with_urls, list_links, remove_links
from storage.models import Link, Record

__all__ = ["RemovalPlan", "plan_removal", "remove_planned"]


@dataclass(slots=True)
class RemovalPlan:
    """What a removal takes (link id -> URL, by URL), what stops it (one message per named URL
    that is not monitored or must stay) and the links a pattern found that must stay (URL,
    where it comes from)."""

    removable: dict[int, str] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)
    kept: list[tuple[str, str]] = field(default_factory=list)


def plan_removal(
    session: Session, config: Config, urls: Sequence[str], match: re.Pattern[str] | None
) -> RemovalPlan:
    """The links named by `urls` (as stored, or in the link store's spelling) or whose URL
    `match` finds, sorted into removable and kept."""
    plan = RemovalPlan()
    wanted = {spec.url: spec for spec in reversed(monitored_specs(session, config))}
    chosen: dict[int, Link] = {}
    for url in urls:
        link = _stored(session, url)
        if link is None:
            plan.refused.append(f"{url}: not a monitored link")
        elif link.url in wanted:
            plan.refused.append(f"{url}: kept: {_where_from(session, config, wanted[link.url])}")
        else:
            chosen[link.id] = link
    for link in list_links(session, match=match) if match is not None else ():
        if link.url in wanted:
            plan.kept.append((link.url, _where_from(session, config, wanted[link.url])))
        else:
            chosen[link.id] = link
    plan.kept.sort()
    plan.removable = {link.id: link.url for link in sorted(chosen.values(), key=_by_url)}
    return plan


def remove_planned(session: Session, plan: RemovalPlan) -> LinkRemoval:
    """Remove what `plan` takes, if nothing stops it (the caller commits: one transaction)."""
    if plan.refused:
        raise ValueError("a refused removal removes nothing")
    return remove_links(session, plan.removable)


def _by_url(link: Link) -> tuple[str, int]:
    return link.url, link.id


def _stored(session: Session, url: str) -> Link | None:
    """The link stored under `url` exactly (a bad URL stored before validation existed) or
    under its link store spelling."""
    spellings = [url] if url_problem(url) else [url, link_url(url)]
    found = links_with_urls(session, spellings)
    return next((found[spelling] for spelling in spellings if spelling in found), None)


def _where_from(session: Session, config: Config, spec: LinkSpec) -> str:
    if spec.origin == "config":
        if spec.cited_in and spec.cited_in.startswith(START_URL_CITATION):
            return f"the {spec.cited_in} in {config.path}: remove it there"
        return f"cited in {config.path} ([[links]]): remove it there"
    stable_id = session.scalar(select(Record.stable_id).where(Record.id == spec.record_id))
    what = "the page" if spec.origin == "record" else "a resource"
    return f"{what} of record {stable_id}: monitored as long as the record is known"
