"""Possible duplicates across platforms: which records are paired, which are not, and why."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from pipeline.duplicates import (
    MAX_RECORDS_PER_URL,
    THRESHOLD,
    detect_duplicates,
    evidence_reasons,
    find_duplicates,
    title_similarity,
)
from storage.db import make_engine, session_factory, session_scope
from storage.duplicates import CandidateRecord, decide_duplicate, list_duplicates
from storage.migrate import upgrade
from storage.models import ChangeEvent
from storage.records import RecordData, ResourceData, TranslationData
from storage.repositories import SourceSpec, finish_run, save_records, start_run, sync_sources
from tests.storage.factories import OTHER_SOURCE_KEY, SOURCE_KEY, at, practice

MERCOCIUDADES, CITIES_FOR_GLOBAL_HEALTH = 1, 2


def candidate(
    record_id: int,
    source_id: int,
    title: str,
    *,
    city: str | None = "montevideo",
    country: str | None = "UY",
    published: date | None = date(2020, 6, 3),
    kind: str = "post",
    translations: tuple[tuple[str, str | None], ...] = (),
    resources: tuple[tuple[str, str], ...] = (),
) -> CandidateRecord:
    return CandidateRecord(
        record_id=record_id,
        source_id=source_id,
        kind=kind,
        url=f"https://platform-{source_id}.example/records/{record_id}",
        canonical_url=None,
        title=title,
        city_normalised=city,
        country=country,
        published=published,
        translations=translations,
        resources=resources,
    )


# -- what is paired -------------------------------------------------------------------------


def test_a_spanish_post_and_an_english_initiative_are_paired_through_a_translated_title() -> None:
    post = candidate(
        1,
        MERCOCIUDADES,
        "Rosario: un centro de seguimiento telefónico acompaña a pacientes con COVID-19",
        city="rosario",
        country="AR",
        published=date(2020, 5, 12),
    )
    initiative = candidate(
        2,
        CITIES_FOR_GLOBAL_HEALTH,
        "Rosario: telephone follow-up centre for COVID-19 patients",
        city="rosario",
        country="AR",
        published=date(2020, 5, 19),
        kind="initiative",
        translations=(
            (
                "https://platform-2.example/es/records/2",
                "Rosario: centro de seguimiento telefónico de pacientes con COVID-19",
            ),
        ),
    )

    [pair] = find_duplicates([post, initiative])

    assert (pair.record_id, pair.other_record_id) == (1, 2)
    assert pair.score >= THRESHOLD
    assert pair.evidence["titles"][1].startswith("Rosario: centro de seguimiento")
    assert pair.evidence["same_city"] == "rosario"
    assert evidence_reasons(pair.evidence)[0].startswith("titles ")


def test_the_same_document_pairs_copies_whose_titles_share_no_language() -> None:
    report = "https://lume.ufrgs.br/bitstream/handle/10183/219874/Relatorio-idosos.pdf"
    practice_pt = candidate(
        7,
        CITIES_FOR_GLOBAL_HEALTH,
        "Acompanhamento remoto de idosos durante a pandemia",
        city=None,
        country="BR",
        published=date(2021, 3, 22),
        resources=((report, "document"),),
    )
    post_es = candidate(
        3,
        MERCOCIUDADES,
        "La UFRGS acompaña a distancia a las personas mayores",
        city="porto alegre",
        country="BR",
        published=date(2021, 3, 9),
        resources=((report, "document"), ("https://www.ufrgs.br/", "link")),
    )

    [pair] = find_duplicates([practice_pt, post_es])

    assert (pair.record_id, pair.other_record_id) == (3, 7)
    assert pair.evidence["shared_documents"] == [report]
    assert "same document (1)" in evidence_reasons(pair.evidence)


def test_accents_case_and_punctuation_do_not_make_titles_differ() -> None:
    assert (
        title_similarity(
            "Plan ABC: Apoyo BÁSICO a la ciudadanía!", "plan abc apoyo basico ciudadania"
        )
        == 1
    )


def test_a_different_city_in_the_title_makes_titles_differ() -> None:
    same_words = title_similarity("Ollas populares en Montevideo", "Ollas populares en Montevideo")
    other_city = title_similarity("Ollas populares en Montevideo", "Ollas populares en Rosario")
    assert same_words == 1
    assert other_city < 0.8


# -- what is not ----------------------------------------------------------------------------


def test_look_alikes_on_one_platform_are_never_paired() -> None:
    pdf = "https://example.org/plan.pdf"
    first = candidate(
        1, MERCOCIUDADES, "Ollas populares en los barrios", resources=((pdf, "document"),)
    )
    second = replace(first, record_id=2, url="https://platform-1.example/records/2")

    assert find_duplicates([first, second]) == []


def test_unrelated_practices_of_the_same_city_are_not_paired() -> None:
    records = [
        candidate(1, MERCOCIUDADES, "Ollas populares en los barrios de Montevideo"),
        candidate(2, CITIES_FOR_GLOBAL_HEALTH, "Telemedicina para personas mayores en Montevideo"),
        candidate(3, CITIES_FOR_GLOBAL_HEALTH, "Montevideo abre centros de vacunación barriales"),
    ]

    assert find_duplicates(records) == []


def test_the_same_title_in_two_cities_is_not_paired() -> None:
    records = [
        candidate(1, MERCOCIUDADES, "Huertas comunitarias en los barrios", city="rosario"),
        candidate(
            2, CITIES_FOR_GLOBAL_HEALTH, "Huertas comunitarias en los barrios", city="cordoba"
        ),
    ]

    assert find_duplicates(records) == []


def test_a_link_many_records_carry_is_not_evidence() -> None:
    network = ("https://mercociudades.org/", "link")
    titles = ["Ollas populares", "Telemedicina barrial", "Vacunación móvil", "Huertas urbanas"]
    records = [
        candidate(
            n,
            MERCOCIUDADES if n % 2 else CITIES_FOR_GLOBAL_HEALTH,
            f"{titles[n % 4]} {'abcdef'[n]}{'abcdef'[n]}",
            city=None,
            country=None,
            published=None,
            resources=(network,),
        )
        for n in range(MAX_RECORDS_PER_URL + 1)
    ]

    assert find_duplicates(records, threshold=0.3) == []
    assert len(find_duplicates(records[:2], threshold=0.3)) == 1  # two records: not boilerplate


def test_section_pages_are_not_compared() -> None:
    records = [
        candidate(n, source_id, "Red de ciudades - Inicio", kind="page")
        for n, source_id in ((1, MERCOCIUDADES), (2, CITIES_FOR_GLOBAL_HEALTH))
    ]

    assert find_duplicates(records, threshold=0.1) == []


def test_ten_thousand_records_are_compared_by_blocks_not_all_pairs() -> None:
    # Every record in one city and country, so only blocking keeps this from 50 million pairs.
    draw = random.Random(1)
    words = ["".join(draw.choices("abcdefghijklmnoprstuv", k=6)) for _ in range(3000)]
    records = [
        candidate(
            n,
            n % 5,
            " ".join(draw.choices(words, k=draw.randint(3, 8))),
            published=date(2020, 1, 1) + timedelta(days=n % 700),
            resources=((f"https://files.example/{n}.pdf", "document"),),
        )
        for n in range(1, 10_001)
    ]
    copy = replace(records[41], record_id=20_000, source_id=9, url="https://copy.example/42")
    started = time.perf_counter()

    pairs = find_duplicates([*records, copy])

    assert [(p.record_id, p.other_record_id) for p in pairs] == [(42, 20_000)]
    assert time.perf_counter() - started < 30


# -- stored: found again after a maintainer decided -----------------------------------------


@pytest.fixture
def sessions(tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    url = f"sqlite:///{tmp_path / 'citywatch.db'}"
    upgrade(url)
    engine = make_engine(url)
    factory = session_factory(engine)
    with session_scope(factory) as session:
        sync_sources(
            session,
            [
                SourceSpec(SOURCE_KEY, "Cities for Global Health", "cities_for_global_health"),
                SourceSpec(OTHER_SOURCE_KEY, "Mercociudades", "mercociudades_covid"),
            ],
            now=at(0),
        )
    yield factory
    engine.dispose()


def crawl(
    sessions: sessionmaker[Session], source_key: str, records: list[RecordData], hours: float
) -> int:
    with session_scope(sessions) as session:
        run_id = start_run(session, source_key, at(hours))
        save_records(session, run_id, records, at(hours))
        finish_run(session, run_id, "finished", "finished", {}, 2, at(hours))
    return run_id


def the_same_practice_on_both(title: str = "Emergency food plan of Montevideo") -> list[RecordData]:
    initiative = practice(1, title=title, resources=(), translations=())
    post = practice(
        2,
        OTHER_SOURCE_KEY,
        title="Plan alimentario de emergencia de Montevideo",
        url="https://mercociudades.example/plan-alimentario",
        language="es",
        resources=(ResourceData("https://montevideo.example/plan.pdf", type="document"),),
        translations=(
            TranslationData("en", "https://mercociudades.example/en/food-plan", title=title),
        ),
    )
    return [initiative, post]


def test_a_rejected_pair_is_never_reopened_nor_reported_again(
    sessions: sessionmaker[Session],
) -> None:
    initiative, post = the_same_practice_on_both()
    crawl(sessions, SOURCE_KEY, [initiative], 1)
    run_id = crawl(sessions, OTHER_SOURCE_KEY, [post], 2)
    with session_scope(sessions) as session:
        found = detect_duplicates(session, at(3))
        [pair] = list_duplicates(session)
        assert found.new_pair_ids == (pair.id,) and pair.run_id == run_id
        decide_duplicate(session, pair.id, "rejected", at(4))

    crawl(sessions, SOURCE_KEY, [replace(initiative, summary="Edited.")], 5)
    with session_scope(sessions) as session:
        again = detect_duplicates(session, at(6))
        assert again.new_pair_ids == () and again.decided == 1
        assert list_duplicates(session, "open") == []
        assert [p.status for p in list_duplicates(session, None)] == ["rejected"]
        events = select(func.count()).where(ChangeEvent.kind == "possible_duplicate")
        assert session.scalar(events) == 1


def test_an_open_pair_found_again_is_refreshed_not_reported_twice(
    sessions: sessionmaker[Session],
) -> None:
    initiative, post = the_same_practice_on_both()
    crawl(sessions, SOURCE_KEY, [initiative], 1)
    crawl(sessions, OTHER_SOURCE_KEY, [post], 2)
    with session_scope(sessions) as session:
        detect_duplicates(session, at(3))
        [before] = list_duplicates(session)
        first_score = before.score

    crawl(sessions, SOURCE_KEY, [replace(initiative, city=None, city_normalised=None)], 4)
    with session_scope(sessions) as session:
        again = detect_duplicates(session, at(5))
        [after] = list_duplicates(session)
        assert again.new_pair_ids == () and again.refreshed == 1
        assert after.id == before.id and after.score < first_score
        assert "same_city" not in after.evidence
