"""The states every replica can be switched to, and how many records the churn state edits.

- 1, `BASELINE`: the site as generated from its seed and size.
- 2, `CHANGED`: the baseline with one record added, one edited and one removed.
- 3, `CHURNED`: the baseline with about 1% of its records edited (`churn_count`, at least one),
  nothing added or removed: what a busy site looks like between two crawls, so that a recrawl
  relying on conditional requests and sitemap ``lastmod`` should refetch only those pages.

Each site decides which records state 3 edits, deterministically from its seed (`pick_churned`),
and exposes them as ``churned_ids`` beside state 2's ``added_id`` / ``edited_id`` /
``removed_id``.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TypeVar

__all__ = [
    "BASELINE",
    "CHANGED",
    "CHURNED",
    "CHURN_SHARE",
    "MAX_DEMO_RECORDS",
    "MIN_RECORDS",
    "STATES",
    "checked_state",
    "churn_count",
    "pick_churned",
]

BASELINE, CHANGED, CHURNED = 1, 2, 3
STATES: dict[int, str] = {
    BASELINE: "baseline",
    CHANGED: "one record added, one edited, one removed",
    CHURNED: "churn: about 1% of the records edited (at least one), none added or removed",
}
CHURN_SHARE = 0.01
# The fewest records a replica serves: state 2 adds, edits and removes one.
MIN_RECORDS = 3
# The most `citywatch demo --size` asks of each replica: the demo crawls them three times in
# minutes at this size (bench/crawl.py measures larger ones), and a size beyond belief would
# build its sites for ever.
MAX_DEMO_RECORDS = 10_000

_Id = TypeVar("_Id", int, str)


def checked_state(state: int) -> int:
    """``state`` itself, or a ValueError naming the states there are."""
    if state not in STATES:
        known = ", ".join(f"{number} ({text})" for number, text in STATES.items())
        raise ValueError(f"a replica state is one of {known}; not {state}")
    return state


def churn_count(records: int) -> int:
    """How many of ``records`` state 3 edits: 1% rounded, at least one (none of none)."""
    return min(records, max(1, round(records * CHURN_SHARE)))


def pick_churned(seed: str, candidates: Sequence[_Id], records: int) -> tuple[_Id, ...]:
    """The ids state 3 edits, drawn from ``candidates`` with their own random stream (so that
    state 3 never disturbs what the baseline or state 2 draw); sorted, for a stable order."""
    count = min(len(candidates), churn_count(records))
    chosen = random.Random(seed).sample(sorted(candidates), count)
    return tuple(sorted(chosen))
