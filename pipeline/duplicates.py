"""Possible duplicates across platforms: the same practice published on two of them.

`find_duplicates` compares active records of *different* sources and returns the pairs whose
score reaches `THRESHOLD`, each with the evidence behind it; `storage.duplicates` keeps them for
a maintainer to confirm or reject. Records are never merged.

Comparing every record with every other would be quadratic. A pair is scored only when the two
records share something specific (a block): a page or resource URL, the same title words, or
a title word few records use (`MAX_BLOCK_SIZE`). Section pages and bibliography documents
(`NOT_COMPARED_KINDS`) are not practices and are never compared.

The score is the sum of the `WEIGHTS` of the evidence found, clamped to 0..1:

    same_page           a URL of one record (its URL, canonical URL or a translation's) is
                        a URL of the other
    shared_document     both list the same document (a PDF...) among their resources
    links_to_other      one record links to the other's page
    shared_link         both link to the same outbound page
    title               the full weight for identical titles, nothing at `TITLE_FLOOR` or
                        below, in proportion between; the similarity is the best over the
                        titles of both records and of their translations, so a Spanish post
                        and an English page match through a translated title
    same_city, same_country, close_dates      published within `CLOSE_DAYS` of each other
    different_city, different_country         negative: evidence against

A URL found on more than `MAX_RECORDS_PER_URL` records is boilerplate (a network's home page,
a licence) and counts for nothing. docs/duplicates.md explains the scores to maintainers.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import combinations, product
from typing import Any

from sqlalchemy.orm import Session

from pipeline.text import match_key
from storage.duplicates import (
    CandidateRecord,
    DetectedPair,
    DuplicateSaveResult,
    duplicate_candidates,
    save_duplicates,
)

__all__ = [
    "CLOSE_DAYS",
    "MAX_BLOCK_SIZE",
    "MAX_RECORDS_PER_URL",
    "MIN_TITLE_WORDS",
    "NOT_COMPARED_KINDS",
    "THRESHOLD",
    "TITLE_FLOOR",
    "WEIGHTS",
    "detect_duplicates",
    "evidence_reasons",
    "find_duplicates",
    "title_similarity",
]

# A pair is reported from this score up: a near-identical title (or a translated one) in the same
# city, a shared document, or the same page; a similar title alone is not enough.
THRESHOLD = 0.7
WEIGHTS: Mapping[str, float] = {
    "same_page": 1.0,
    "shared_document": 0.7,
    "links_to_other": 0.4,
    "shared_link": 0.3,
    "title": 0.6,
    "same_city": 0.15,
    "same_country": 0.05,
    "close_dates": 0.1,
    "different_city": -0.3,
    "different_country": -0.4,
}
# Two unrelated titles in one language are up to this alike (shared words like "covid",
# "plan", "ciudad"): the title weighs nothing at or below it.
TITLE_FLOOR = 0.5
# A one-word title ("Inicio", "Montevideo") says nothing about which practice a page is.
MIN_TITLE_WORDS = 2
CLOSE_DAYS = 60
MAX_RECORDS_PER_URL = 4
MAX_BLOCK_SIZE = 40
NOT_COMPARED_KINDS = frozenset({"page", "document"})
# Evidence lists at most this many URLs: enough to check by hand.
MAX_URLS_SHOWN = 5
MAX_TITLE_CHARS = 200
# Function words of Spanish, Portuguese and English: they make titles look alike without
# saying anything about the practice.
_FUNCTION_WORDS = (
    "a al and as at by com con da das de del do dos e el em en for from in la las los na nas "
    "no nos o of on os para pela pelo por the to un una uno with y"
)
_STOPWORDS = frozenset(_FUNCTION_WORDS.split())


@dataclass(frozen=True, slots=True)
class _Title:
    text: str  # as published, for the evidence
    words: frozenset[str]
    trigrams: frozenset[str]


@dataclass(frozen=True, slots=True)
class _Prepared:
    record: CandidateRecord
    titles: tuple[_Title, ...]
    page_urls: frozenset[str]
    documents: frozenset[str]
    links: frozenset[str]

    @property
    def resources(self) -> frozenset[str]:
        return self.documents | self.links


def detect_duplicates(
    session: Session, now: datetime, run_id: int | None = None, threshold: float = THRESHOLD
) -> DuplicateSaveResult:
    """Find possible duplicates among the stored records and store them; the caller commits."""
    pairs = find_duplicates(duplicate_candidates(session), threshold)
    return save_duplicates(session, pairs, now, run_id)


def find_duplicates(
    candidates: Sequence[CandidateRecord], threshold: float = THRESHOLD
) -> list[DetectedPair]:
    """Pairs of records of different sources scoring at least `threshold`, best first."""
    compared = [c for c in candidates if c.kind not in NOT_COMPARED_KINDS]
    url_counts = Counter(url for c in compared for url in _page_urls(c) | _resource_urls(c))
    common = frozenset(url for url, count in url_counts.items() if count > MAX_RECORDS_PER_URL)
    prepared = [_prepare(candidate, common) for candidate in compared]
    found = []
    for first, second in _candidate_pairs(prepared):
        scored = _score(first, second, threshold)
        if scored is not None:
            record_id, other_record_id = sorted((first.record.record_id, second.record.record_id))
            found.append(DetectedPair(record_id, other_record_id, scored[0], scored[1]))
    return sorted(found, key=lambda pair: (-pair.score, pair.record_id, pair.other_record_id))


def title_similarity(title: str, other: str) -> float:
    """0..1: the mean of word overlap and letter-trigram overlap of the folded titles.

    Folded: lowercase, accents and punctuation gone, function words dropped; so word order,
    "de"/"of" and a typo cost little, and a different city name in the title costs a lot.
    """
    first, second = _title(title), _title(other)
    if first is None or second is None:
        return 0.0
    return _similarity(first, second)


def evidence_reasons(evidence: Mapping[str, Any]) -> list[str]:
    """Why a pair was made, strongest reason first, as short phrases (no URLs, no titles)."""
    contributions: dict[str, float] = evidence.get("contributions") or {}
    strongest_first = sorted(contributions, key=lambda name: -abs(contributions[name]))
    return [_reason(name, evidence) for name in strongest_first]


def _reason(name: str, evidence: Mapping[str, Any]) -> str:
    if name == "same_page":
        return "same page URL"
    if name == "shared_document":
        return f"same document ({len(evidence.get('shared_documents', []))})"
    if name == "links_to_other":
        return "one links to the other"
    if name == "shared_link":
        return f"same outbound link ({len(evidence.get('shared_links', []))})"
    if name == "title":
        return f"titles {round(100 * float(evidence.get('title_similarity', 0)))}% alike"
    if name == "same_city":
        return f"same city ({evidence.get('same_city')})"
    if name == "same_country":
        return f"same country ({evidence.get('same_country')})"
    if name == "close_dates":
        return f"published {evidence.get('published_days_apart')} day(s) apart"
    if name == "different_city":
        return "different cities (" + ", ".join(evidence.get("different_city", [])) + ")"
    if name == "different_country":
        return "different countries (" + ", ".join(evidence.get("different_country", [])) + ")"
    return name


# -- preparing and blocking -----------------------------------------------------------------


def _page_urls(candidate: CandidateRecord) -> frozenset[str]:
    urls = {candidate.url, candidate.canonical_url, *(url for url, _ in candidate.translations)}
    return frozenset(url for url in urls if url)


def _resource_urls(candidate: CandidateRecord) -> frozenset[str]:
    return frozenset(url for url, _ in candidate.resources) - _page_urls(candidate)


def _prepare(candidate: CandidateRecord, common_urls: frozenset[str]) -> _Prepared:
    texts = dict.fromkeys(
        text for text in (candidate.title, *(title for _, title in candidate.translations)) if text
    )
    titles = tuple(title for title in map(_title, texts) if title is not None)
    own = _page_urls(candidate)
    documents: set[str] = set()
    links: set[str] = set()
    for url, kind in candidate.resources:
        if url not in common_urls and url not in own:
            (documents if kind == "document" else links).add(url)
    return _Prepared(candidate, titles, own, frozenset(documents), frozenset(links))


def _title(text: str) -> _Title | None:
    folded = match_key(text) or ""
    words = [word for word in folded.split() if word not in _STOPWORDS and len(word) > 1]
    if len(set(words)) < MIN_TITLE_WORDS:
        return None
    padded = f"  {' '.join(words)} "
    trigrams = frozenset(padded[i : i + 3] for i in range(len(padded) - 2))
    return _Title(text[:MAX_TITLE_CHARS], frozenset(words), trigrams)


def _block_keys(record: _Prepared) -> set[str]:
    keys = {f"url:{url}" for url in record.page_urls | record.resources}
    for title in record.titles:
        keys.add("title:" + " ".join(sorted(title.words)))
        keys.update(f"word:{word}" for word in title.words)
    return keys


def _candidate_pairs(prepared: Sequence[_Prepared]) -> Iterator[tuple[_Prepared, _Prepared]]:
    """Pairs of records of different sources that share a URL, a title, or rare title words.

    Two records that share one rare word only are compared when one of them has no other rare
    word: a city name in both titles must not pair every practice of that city.
    """
    blocks: defaultdict[str, list[int]] = defaultdict(list)
    for index, record in enumerate(prepared):
        for key in _block_keys(record):
            blocks[key].append(index)
    rare_words: Counter[int] = Counter()
    shared_words: Counter[tuple[int, int]] = Counter()
    pairs: set[tuple[int, int]] = set()
    for key, members in blocks.items():
        if len(members) > MAX_BLOCK_SIZE:
            continue
        is_word = key.startswith("word:")
        if is_word:
            rare_words.update(members)
        for first, second in combinations(members, 2):
            if prepared[first].record.source_id == prepared[second].record.source_id:
                continue
            if is_word:
                shared_words[(first, second)] += 1
            else:
                pairs.add((first, second))
    for (first, second), shared in shared_words.items():
        if shared >= min(2, rare_words[first], rare_words[second]):
            pairs.add((first, second))
    for first, second in sorted(pairs):
        yield prepared[first], prepared[second]


# -- scoring --------------------------------------------------------------------------------


def _score(
    first: _Prepared, second: _Prepared, threshold: float
) -> tuple[float, dict[str, Any]] | None:
    """The pair's score and evidence, or None when it cannot reach `threshold`."""
    evidence: dict[str, Any] = {}
    contributions: dict[str, float] = {}
    _url_evidence(first, second, evidence, contributions)
    _place_evidence(first.record, second.record, evidence, contributions)
    # The title is the costly comparison: skip it when even identical titles would not do.
    if sum(contributions.values()) + WEIGHTS["title"] >= threshold:
        similarity, matched = _best_titles(first, second)
        if matched is not None:
            evidence["title_similarity"] = round(similarity, 3)
            if similarity > TITLE_FLOOR:
                above_floor = (similarity - TITLE_FLOOR) / (1 - TITLE_FLOOR)
                contributions["title"] = WEIGHTS["title"] * above_floor
                evidence["titles"] = list(matched)
    score = round(max(0.0, min(1.0, sum(contributions.values()))), 3)
    if score < threshold:
        return None
    evidence["contributions"] = {name: round(value, 3) for name, value in contributions.items()}
    return score, evidence


def _url_evidence(
    first: _Prepared,
    second: _Prepared,
    evidence: dict[str, Any],
    contributions: dict[str, float],
) -> None:
    found = {
        "same_page": first.page_urls & second.page_urls,
        "shared_document": first.documents & second.documents,
        "links_to_other": (first.resources & second.page_urls)
        | (second.resources & first.page_urls),
        "shared_link": first.links & second.links,
    }
    names = {
        "same_page": "same_page_urls",
        "shared_document": "shared_documents",
        "links_to_other": "links_to_other",
        "shared_link": "shared_links",
    }
    for name, urls in found.items():
        if urls:
            contributions[name] = WEIGHTS[name]
            evidence[names[name]] = sorted(urls)[:MAX_URLS_SHOWN]


def _place_evidence(
    first: CandidateRecord,
    second: CandidateRecord,
    evidence: dict[str, Any],
    contributions: dict[str, float],
) -> None:
    for name, a, b in (
        ("city", first.city_normalised, second.city_normalised),
        ("country", first.country, second.country),
    ):
        if a and b and a == b:
            contributions[f"same_{name}"] = WEIGHTS[f"same_{name}"]
            evidence[f"same_{name}"] = a
        elif a and b:
            contributions[f"different_{name}"] = WEIGHTS[f"different_{name}"]
            evidence[f"different_{name}"] = [a, b]
    if first.published and second.published:
        days = abs((first.published - second.published).days)
        evidence["published_days_apart"] = days
        if days <= CLOSE_DAYS:
            contributions["close_dates"] = WEIGHTS["close_dates"]


def _best_titles(first: _Prepared, second: _Prepared) -> tuple[float, tuple[str, str] | None]:
    best, matched = 0.0, None
    for a, b in product(first.titles, second.titles):
        similarity = _similarity(a, b)
        if matched is None or similarity > best:
            best, matched = similarity, (a.text, b.text)
    return best, matched


def _similarity(first: _Title, second: _Title) -> float:
    return (_dice(first.words, second.words) + _dice(first.trigrams, second.trigrams)) / 2


def _dice(first: frozenset[str], second: frozenset[str]) -> float:
    if not first or not second:
        return 0.0
    return 2 * len(first & second) / (len(first) + len(second))
