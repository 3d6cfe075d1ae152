"""What storage raises, so callers can tell "fix the database" from "fix the code".

    StorageError                  anything storage wants the user to act on
    ├── DatabaseUnreachable       the URL cannot be opened (server down, bad path, bad password)
    ├── SchemaOutOfDate           the database is not at the migrations' head: run `citywatch init`
    ├── UnknownSource             a source key that `sync_sources` never stored
    ├── UnknownRun                a crawl run id that is not in the database
    └── RunClosed                 a write to a run that is already finished, failed or aborted

Every message names what to fix; a URL in a message never shows its password.
"""

from __future__ import annotations

__all__ = [
    "DatabaseUnreachable",
    "RunClosed",
    "SchemaOutOfDate",
    "StorageError",
    "UnknownRun",
    "UnknownSource",
]


class StorageError(Exception):
    """Base of every error storage raises on purpose."""


class DatabaseUnreachable(StorageError):
    """The database cannot be opened; the message names the URL (password hidden)."""


class SchemaOutOfDate(StorageError):
    """The database schema is not at the revision this code expects."""


class UnknownSource(StorageError):
    """A source key that is not in the `source` table."""


class UnknownRun(StorageError):
    """A crawl run id that is not in the `crawl_run` table."""


class RunClosed(StorageError):
    """A run that is no longer `running` cannot be finished again."""
