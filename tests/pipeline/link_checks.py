"""Link states built without HTTP: what the spider would have seen, classified and stored as a
check run would (`classify` then `record_outcome`), on a clock the test drives."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.links import Hop, LinkObservation
from pipeline.links.classify import classify
from pipeline.links.outcomes import record_outcome
from pipeline.links.states import LinkPolicy
from storage.models import ChangeEvent, Link

HTML = {"content-type": "text/html; charset=utf-8"}


def link_of(session: Session, url: str) -> Link:
    return session.scalars(select(Link).where(Link.url == url)).one()


def check(session: Session, url: str, when: datetime, seen: LinkObservation) -> list[ChangeEvent]:
    """Store one check of the monitored `url` that saw `seen`; commit."""
    link = link_of(session, url)
    seen.link_ids = (link.id,)
    events = record_outcome(session, link, classify(seen), seen, LinkPolicy(), when)
    session.commit()
    return events


def answers(url: str, when: datetime, status: int = 200) -> LinkObservation:
    body = b"<html><head><title>Kitchens</title></head><body><p>Open daily.</p></body></html>"
    return LinkObservation(
        url, (), when, [Hop(url, "GET", status)], status, url, HTML, body, attempts=1
    )


def not_found_after_redirect(url: str, when: datetime) -> LinkObservation:
    """A 301 to a page that answers 404: `not_found`, with its chain."""
    target = url + "-new"
    hops = [Hop(url, "GET", 301, target), Hop(target, "GET", 404)]
    return LinkObservation(url, (), when, hops, 404, target, HTML, b"", attempts=2)


def moved_to(url: str, target: str, when: datetime) -> LinkObservation:
    hops = [Hop(url, "GET", 301, target), Hop(target, "GET", 200)]
    return LinkObservation(url, (), when, hops, 200, target, HTML, b"<p>here</p>", attempts=2)


def bot_wall(url: str, when: datetime) -> LinkObservation:
    headers = {**HTML, "cf-mitigated": "challenge", "server": "cloudflare"}
    body = b"<html><title>Just a moment...</title></html>"
    return LinkObservation(url, (), when, [Hop(url, "GET", 403)], 403, url, headers, body)


def soft_404(url: str, when: datetime, title: str = "Página no encontrada") -> LinkObservation:
    body = f"<html><head><title>{title}</title></head><body><h1>{title}</h1></body></html>"
    hops = [Hop(url, "GET", 200)]
    return LinkObservation(url, (), when, hops, 200, url, HTML, body.encode(), attempts=1)


def refused(url: str, when: datetime) -> LinkObservation:
    return LinkObservation(
        url,
        (),
        when,
        [Hop(url, "GET", None)],
        error="Connection was refused by other side: 111",
        error_kind="connection",
        attempts=1,
    )
