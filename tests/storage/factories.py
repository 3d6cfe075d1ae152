"""Records and times for storage tests, each a small variation on one plausible practice."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from storage.records import RecordData, ResourceData, TranslationData

SOURCE_KEY = "cities_for_global_health"
OTHER_SOURCE_KEY = "mercociudades_covid"
START = datetime(2024, 3, 1, 6, 0, tzinfo=UTC)


def at(hours: float) -> datetime:
    """A moment `hours` after the first test crawl started."""
    return START + timedelta(hours=hours)


def practice(number: int, source_key: str = SOURCE_KEY, **changes: Any) -> RecordData:
    """Practice `number` of a source, as the pipeline would hand it over."""
    base = RecordData(
        stable_id=f"{source_key}:{number}",
        source_key=source_key,
        kind="practice",
        url=f"https://example.org/initiatives/practice-{number}",
        title=f"Emergency food plan {number}",
        summary="Neighbourhood kitchens feed families in isolation.",
        body_text="The city opened kitchens in every district.",
        city="Montevideo",
        city_normalised="montevideo",
        country="UY",
        organisations=("Intendencia de Montevideo",),
        themes=("food-security",),
        theme_labels=("Food security",),
        language="es",
        published=date(2020, 4, 2),
        updated=None,
        resources=(
            ResourceData(url=f"https://example.org/files/plan-{number}.pdf", type="document"),
        ),
        translations=(
            TranslationData(language="en", url=f"https://example.org/en/practice-{number}"),
        ),
        extra={"phase": "response"},
    )
    return replace(base, **changes)
