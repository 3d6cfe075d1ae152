"""`citywatch links remove`: what may go (with its history), what must stay and why. On SQLite
and PostgreSQL."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.config import Config
from pipeline.links.registry import register_links
from pipeline.links.removal import plan_removal, remove_planned
from storage.links import LinkRemoval, LinkSpec, link_event, sync_links
from storage.models import ChangeEvent, Link, LinkCheck
from tests.pipeline.links.registered import save_practice, stored_urls
from tests.storage.factories import SOURCE_KEY, START, at


def poisoned(session: Session, cited: Config) -> dict[str, Link]:
    """The config's and a record's links, plus what check-links FILE stored before URLs were
    checked: a URL with a space, and the same page in two spellings, one with history."""
    save_practice(session)
    register_links(session, cited, START, ["https://example.org/added"])
    sync_links(
        session,
        [LinkSpec("https://exa mple.org/", "cli"), LinkSpec("https://EXAMPLE.org/added", "cli")],
        START,
    )
    session.commit()
    links = {link.url: link for link in session.scalars(select(Link))}
    added = links["https://example.org/added"]
    session.add(LinkCheck(link_id=added.id, checked_at=at(1), link_class="not_found"))
    session.add(link_event(added, "link_failing", at(1)))
    session.commit()
    return links


def test_named_urls_are_removed_with_their_history_whatever_their_spelling(
    with_source: Session, cited: Config
) -> None:
    session = with_source
    poisoned(session, cited)

    plan = plan_removal(
        session, cited, ["https://exa mple.org/", "https://Example.org:443/added"], None
    )
    assert plan.refused == [] and plan.kept == []
    assert list(plan.removable.values()) == ["https://exa mple.org/", "https://example.org/added"]
    assert remove_planned(session, plan) == LinkRemoval(links=2, checks=1, events=1)
    session.commit()

    assert stored_urls(session) == [
        "https://EXAMPLE.org/added",
        "https://example.org/files/plan-1.pdf",
        "https://example.org/initiatives/practice-1",
        "https://proyectoallas.net/wp-content/Cuaderno-7.pdf",
        "https://www.citiesforglobalhealth.org/",
    ]
    assert session.scalars(select(LinkCheck)).all() == []
    assert session.scalars(select(ChangeEvent.kind)).all() == ["new"]  # the record's, kept


def test_a_url_the_config_or_a_record_names_is_kept_saying_where_it_comes_from(
    with_source: Session, cited: Config
) -> None:
    session = with_source
    poisoned(session, cited)
    named = [
        "https://proyectoallas.net/wp-content/Cuaderno-7.pdf",
        "https://www.citiesforglobalhealth.org/",
        "https://example.org/initiatives/practice-1",
        "https://example.org/files/plan-1.pdf",
        "https://nowhere.example/",
        "https://exa mple.org/",
    ]

    plan = plan_removal(session, cited, named, None)

    assert plan.refused == [
        "https://proyectoallas.net/wp-content/Cuaderno-7.pdf: kept: cited in citywatch.toml "
        "([[links]]): remove it there",
        "https://www.citiesforglobalhealth.org/: kept: the start URL of source "
        f"{SOURCE_KEY} in citywatch.toml: remove it there",
        f"https://example.org/initiatives/practice-1: kept: the page of record {SOURCE_KEY}:1: "
        "monitored as long as the record is known",
        f"https://example.org/files/plan-1.pdf: kept: a resource of record {SOURCE_KEY}:1: "
        "monitored as long as the record is known",
        "https://nowhere.example/: not a monitored link",
    ]
    with pytest.raises(ValueError, match="refused"):
        remove_planned(session, plan)


def test_a_pattern_takes_what_may_go_and_names_what_stays(
    with_source: Session, cited: Config
) -> None:
    session = with_source
    poisoned(session, cited)

    plan = plan_removal(session, cited, [], re.compile(r"(?i)example\.org"))

    assert plan.refused == []
    assert list(plan.removable.values()) == [
        "https://EXAMPLE.org/added",
        "https://example.org/added",
    ]
    assert plan.kept == [
        (
            "https://example.org/files/plan-1.pdf",
            f"a resource of record {SOURCE_KEY}:1: monitored as long as the record is known",
        ),
        (
            "https://example.org/initiatives/practice-1",
            f"the page of record {SOURCE_KEY}:1: monitored as long as the record is known",
        ),
    ]
    assert remove_planned(session, plan) == LinkRemoval(links=2, checks=1, events=1)
