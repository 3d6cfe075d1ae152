"""The functions the pipeline, reports and exports use to write and read the database.

None of them commits: the caller owns the transaction (see `storage.db.session_scope`), so a
batch is saved whole or not at all. Every `now` must be an aware datetime.
"""

from __future__ import annotations

from storage.events import DETAIL_FIELDS, DETAIL_MAX_CHARS
from storage.queries import (
    events_for_run,
    get_record,
    known_pages,
    record_resources,
    record_versions,
    records_changed_since,
)
from storage.record_store import SaveResult, mark_seen, save_records
from storage.runs import (
    CLOSED_STATUSES,
    FinishResult,
    RunSummary,
    add_run_event,
    finish_run,
    get_run,
    last_finished_run,
    latest_run_ids,
    run_events,
    run_ids_since,
    run_summary,
    start_run,
)
from storage.sources import SourceSpec, SourceSummary, get_source, list_sources, sync_sources

__all__ = [
    "CLOSED_STATUSES",
    "DETAIL_FIELDS",
    "DETAIL_MAX_CHARS",
    "FinishResult",
    "RunSummary",
    "SaveResult",
    "SourceSpec",
    "SourceSummary",
    "add_run_event",
    "events_for_run",
    "finish_run",
    "get_record",
    "get_run",
    "get_source",
    "known_pages",
    "last_finished_run",
    "latest_run_ids",
    "list_sources",
    "mark_seen",
    "record_resources",
    "record_versions",
    "records_changed_since",
    "run_events",
    "run_ids_since",
    "run_summary",
    "save_records",
    "start_run",
    "sync_sources",
]
