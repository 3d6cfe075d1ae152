"""What enters the link store: only URLs that can be checked, each in one spelling, from every
origin (config, records, check-links FILE). On SQLite and PostgreSQL."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.config import Config
from pipeline.links.registry import register_links
from storage.models import Link
from storage.records import ResourceData
from tests.pipeline.links.registered import save_practice, stored_urls
from tests.storage.factories import at


def test_every_origin_registers_one_spelling_of_a_url(with_source: Session, cited: Config) -> None:
    session = with_source
    save_practice(
        session,
        url="HTTPS://Example.ORG:443/initiatives/Practice-1",
        resources=(ResourceData(url="https://proyectoallas.net/wp-content/Cuaderno-7.pdf"),),
    )
    extra = ["https://EXAMPLE.org/initiatives/Practice-1", "https://www.citiesforglobalhealth.org"]

    added = register_links(session, cited, at(1), extra)
    session.commit()

    assert added == 3
    assert stored_urls(session) == [
        "https://example.org/initiatives/Practice-1",
        "https://proyectoallas.net/wp-content/Cuaderno-7.pdf",
        "https://www.citiesforglobalhealth.org/",
    ]
    assert register_links(session, cited, at(2), extra) == 0


def test_a_url_that_cannot_be_checked_is_skipped_with_its_reason_and_never_stored(
    with_source: Session, cited: Config, caplog: pytest.LogCaptureFixture
) -> None:
    session = with_source
    save_practice(
        session,
        resources=(
            ResourceData(url="https://exa mple.org/plan.pdf"),
            ResourceData(url="https://example.org/" + "x" * 3000),
            ResourceData(url="https://example.org/files/plan-1.pdf"),
        ),
    )
    with caplog.at_level(logging.WARNING, logger="pipeline.links.registry"):
        register_links(session, cited, at(1), ["https://example.org/\x1b[2J"])
    session.commit()

    assert stored_urls(session) == [
        "https://example.org/files/plan-1.pdf",
        "https://example.org/initiatives/practice-1",
        "https://proyectoallas.net/wp-content/Cuaderno-7.pdf",
        "https://www.citiesforglobalhealth.org/",
    ]
    record_id = session.scalar(select(Link.record_id).where(Link.origin == "record"))
    assert caplog.messages == [
        f"not monitoring 'https://exa mple.org/plan.pdf' (resource, record {record_id}): "
        "contains a space (U+0020) at character 12",
        "not monitoring 'https://example.org/" + "x" * 100 + f"'... (3,020 characters) "
        f"(resource, record {record_id}): 3,020 characters long, more than the 2,083 allowed",
        "not monitoring 'https://example.org/\\x1b[2J' (cli): contains a control character "
        "(U+001B) at character 21",
    ]
