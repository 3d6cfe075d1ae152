"""The one table of citywatch settings: it drives validation, ``--help`` and docs/configuration.md.

Each row names a key of ``citywatch.toml`` (``section.key``), its type, default and help. A row
marked ``per_source`` may also be set inside a ``[[sources]]`` table to override it for that
source only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["LINK_FIELDS", "SETTINGS", "SOURCE_FIELDS", "Field", "Setting", "setting"]

DEFAULT_USER_AGENT = "citywatch/0.1 (+https://github.com/citywatch/citywatch; link monitor)"
# Ceilings of the values that have a natural one: a wait longer than an hour is no politeness
# or timeout but a hang, a schedule longer than a year no monitoring (and a date it would
# compute overflows), a share is at most all.
MAX_SECONDS = 3600.0
MAX_DAYS = 365.0
MAX_HOURS = 24 * MAX_DAYS
ALL = 1.0
MAX_PROCESSES = 64  # more workers than a machine has cores only compete for them


@dataclass(frozen=True, slots=True)
class Setting:
    """One global setting: ``[section] key = value``."""

    name: str
    type: type
    default: Any
    help: str
    env: str | None = None
    per_source: bool = False
    minimum: float | None = None
    maximum: float | None = None

    @property
    def section(self) -> str:
        return self.name.split(".", 1)[0]

    @property
    def key(self) -> str:
        return self.name.split(".", 1)[1]


@dataclass(frozen=True, slots=True)
class Field:
    """One key of a ``[[sources]]`` or ``[[links]]`` table."""

    name: str
    type: type
    required: bool
    help: str
    default: Any = None


_CORE_SETTINGS: tuple[Setting, ...] = (
    Setting(
        "database.url",
        str,
        "sqlite:///citywatch.db",
        "URL of the database: sqlite:///PATH (the default; a file, not an in-memory "
        "database, which would vanish with the command) or, in production, "
        "postgresql://USER@HOST/DATABASE (psycopg); no other database is supported.",
        env="CITYWATCH_DB_URL",
    ),
    Setting(
        "crawl.user_agent",
        str,
        DEFAULT_USER_AGENT,
        "User-Agent sent with every request; keep a contact URL in it so site owners can reach us.",
        per_source=True,
    ),
    Setting(
        "crawl.concurrency_per_host",
        int,
        2,
        "Requests in flight at once to one host.",
        per_source=True,
        minimum=1,
    ),
    Setting(
        "crawl.download_delay",
        float,
        1.0,
        "Seconds between two requests to the same host (randomised 0.5x-1.5x by Scrapy).",
        per_source=True,
        minimum=0,
        maximum=MAX_SECONDS,
    ),
    Setting(
        "crawl.obey_robots",
        bool,
        True,
        "Respect robots.txt of every crawled host.",
        per_source=True,
    ),
    Setting(
        "crawl.timeout",
        float,
        30.0,
        "Seconds to wait for one response before giving up on it.",
        per_source=True,
        minimum=1,
        maximum=MAX_SECONDS,
    ),
    Setting(
        "crawl.retry_times",
        int,
        2,
        "Retries of a request that failed with a timeout, a connection error or a 5xx/429.",
        per_source=True,
        minimum=0,
    ),
    Setting(
        "crawl.max_response_bytes",
        int,
        20_000_000,
        "Largest response body accepted, also once decompressed; a larger one is cut off and "
        "counted as an error.",
        minimum=1024,
    ),
    Setting(
        "crawl.max_pages",
        int,
        200_000,
        "Stop a source's crawl after this many responses (0: no limit): a backstop for a site "
        "that keeps a crawl going (a platform needs 2 per record at most, 50,000 for 25,000 "
        "records). A crawl stopped this way raises the bound_exceeded alarm, is 'partial' and "
        "never marks records removed.",
        per_source=True,
        minimum=0,
    ),
    Setting(
        "crawl.max_records",
        int,
        250_000,
        "Stop a source's crawl after this many items (0: no limit): records extracted, and on a "
        "recrawl each page seen unchanged, translations included. A backstop for a site whose "
        "listings keep bringing new records (an API page brings 100 at once, so crawl.max_pages "
        "alone lets millions through); the largest platform, 25,000 records in up to three "
        "languages, makes 100,000 at most. The pages already in flight when it stops are still "
        "read (up to 16 API pages: 1,600 records more). A crawl stopped this way raises the "
        "bound_exceeded alarm, is 'partial' and never marks records removed.",
        per_source=True,
        minimum=0,
    ),
    Setting(
        "crawl.max_listing_pages",
        int,
        10_000,
        "Listing pages (archive, API and sitemap pages a listing is read from, start URLs) "
        "a source's crawl reads at most (0: no limit): a 25,000-record platform has 5,000 at "
        "most. A pager going on past it, or a site announcing more pages (X-WP-TotalPages, a "
        "pager's last page), raises the bound_exceeded alarm and the run removes nothing.",
        per_source=True,
        minimum=0,
    ),
    Setting(
        "crawl.http_cache",
        bool,
        True,
        "Keep fetched pages so a recrawl asks the server conditionally (ETag / "
        "Last-Modified) and parses an unchanged page (304) from the stored copy.",
        per_source=True,
    ),
    Setting(
        "crawl.incremental",
        bool,
        True,
        "Recrawl incrementally: a page whose listing entry (sitemap lastmod, WordPress "
        "modified date) is unchanged since it was extracted, or that answers 304, is counted "
        "as seen without being parsed again. `citywatch crawl --full` ignores this once.",
        per_source=True,
    ),
    Setting(
        "crawl.recheck_pages",
        int,
        20,
        "Pages per source fetched and extracted in full on every incremental recrawl even "
        "though their listing shows no change (those extracted longest ago), so that a "
        "redesign still raises its extraction alarm.",
        per_source=True,
        minimum=0,
    ),
    Setting(
        "crawl.normalise_processes",
        int,
        0,
        "Worker processes that normalise records beside the crawl (cleaning HTML, placing "
        "cities, mapping themes) once it has extracted 200, so that this CPU work does not "
        "hold back downloads; 0: one per CPU core but one (at most 4), none on a single core.",
        minimum=0,
        maximum=MAX_PROCESSES,
    ),
    Setting(
        "crawl.http_cache_dir",
        str,
        "",
        "Where the HTTP cache lives; empty: an `httpcache` folder beside the SQLite database, "
        "or ./.citywatch/httpcache for other databases.",
    ),
    Setting(
        "crawl.allow_private_networks",
        bool,
        False,
        "Allow targets on loopback, private or link-local addresses. Off in production; "
        "the demo and the tests turn it on to crawl replicas on 127.0.0.1.",
    ),
    Setting(
        "changes.missed_runs_before_removal",
        int,
        2,
        "A record is marked removed after it was missing from this many consecutive "
        "successful crawls of its source.",
        minimum=1,
    ),
    Setting(
        "changes.batch_size",
        int,
        100,
        "Records written to the database per transaction during a crawl.",
        minimum=1,
    ),
)

_ALARM_SETTINGS: tuple[Setting, ...] = (
    Setting(
        "alarms.required_fields",
        list,
        ["title", "published", "body_text"],
        "Fields every record (but section pages) should have; a coverage below "
        "min_field_coverage raises an extraction alarm.",
        per_source=True,
    ),
    Setting(
        "alarms.min_field_coverage",
        float,
        0.9,
        "Share of records that must have each required field.",
        per_source=True,
        minimum=0,
        maximum=ALL,
    ),
    Setting(
        "alarms.max_record_drop",
        float,
        0.3,
        "Largest drop in records seen, against the last complete run, before an alarm.",
        per_source=True,
        minimum=0,
        maximum=ALL,
    ),
    Setting(
        "alarms.max_malformed_share",
        float,
        0.0,
        "Largest share of a run's listing entries (REST posts, practices) that may be "
        "malformed and dropped before an alarm; by default any is one, so that a post the site "
        "serves broken is never marked removed.",
        per_source=True,
        minimum=0,
        maximum=ALL,
    ),
    Setting(
        "alarms.max_http_error_rate",
        float,
        0.1,
        "Largest share of requests answered 4xx/5xx or failing before an alarm (404 and 410 "
        "are news, not errors, and so is the 400 a REST listing answers past its last page).",
        per_source=True,
        minimum=0,
        maximum=ALL,
    ),
)

_LINK_SETTINGS: tuple[Setting, ...] = (
    Setting(
        "link_check.concurrency",
        int,
        16,
        "Link checks in flight at once, all hosts together.",
        minimum=1,
    ),
    Setting(
        "link_check.concurrency_per_host",
        int,
        2,
        "Link checks in flight at once to one host.",
        minimum=1,
    ),
    Setting(
        "link_check.download_delay",
        float,
        0.5,
        "Seconds between two link-check requests to the same host.",
        minimum=0,
        maximum=MAX_SECONDS,
    ),
    Setting(
        "link_check.timeout",
        float,
        10.0,
        "Seconds to wait for one answer before the attempt counts as a timeout.",
        minimum=0.1,
        maximum=MAX_SECONDS,
    ),
    Setting(
        "link_check.retry_times",
        int,
        2,
        "Retries, with backoff, of a check that timed out or was answered 429 or 503 "
        "(honouring Retry-After); a retry that succeeds makes the check ok.",
        minimum=0,
    ),
    Setting(
        "link_check.max_retry_after",
        float,
        30.0,
        "Longest Retry-After (seconds) honoured; a server asking for longer is rate_limited.",
        minimum=0,
        maximum=MAX_SECONDS,
    ),
    Setting(
        "link_check.max_redirects",
        int,
        10,
        "Redirect hops followed before the check is a redirect_loop.",
        minimum=1,
    ),
    Setting(
        "link_check.max_body_bytes",
        int,
        1_000_000,
        "Bytes of a page read for fingerprints and soft-404 checks; the rest is not downloaded, "
        "and a compressed page is decoded no further.",
        minimum=1024,
    ),
    Setting(
        "link_check.obey_robots",
        bool,
        True,
        "Obey robots.txt for link checks too; a URL it disallows is not fetched and is "
        "reported robots_disallowed. Crawls obey crawl.obey_robots.",
    ),
    Setting(
        "link_check.probe_soft_404",
        bool,
        True,
        "Ask each checked origin for a made-up URL once per run; a page that looks like that "
        "answer is a soft_404.",
    ),
    Setting(
        "link_check.exclude",
        list,
        [],
        "Regular expressions (Python syntax, searched in the URL): a monitored link matching "
        "one is not checked, e.g. hosts you cannot reach from the checking machine.",
    ),
    Setting(
        "link_check.failures_before_broken",
        int,
        3,
        "Consecutive failed checks before a link is broken (with link_check.broken_after_days).",
        minimum=1,
    ),
    Setting(
        "link_check.broken_after_days",
        float,
        3.0,
        "Days the consecutive failures must span before a link is broken.",
        minimum=0,
        maximum=MAX_DAYS,
    ),
    Setting(
        "link_check.recheck_healthy_days",
        float,
        7.0,
        "Days before a healthy (or moved, or broken) link is due again.",
        minimum=0,
        maximum=MAX_DAYS,
    ),
    Setting(
        "link_check.recheck_failing_hours",
        float,
        24.0,
        "Hours before a failing link is due again.",
        minimum=0,
        maximum=MAX_HOURS,
    ),
    Setting(
        "link_check.recheck_review_days",
        float,
        3.0,
        "Days before a link in needs_review (bot wall, soft 404...) is due again.",
        minimum=0,
        maximum=MAX_DAYS,
    ),
    Setting(
        "link_check.drift_bits",
        int,
        12,
        "Bits (of 64) by which a page's text simhash may differ from the one first seen "
        "before content_drifted is raised.",
        minimum=1,
        maximum=64,
    ),
    Setting(
        "link_check.archive_endpoint",
        str,
        "https://archive.org/wayback/available",
        "Wayback Machine availability API asked for a snapshot of each broken or moved link "
        "(an http(s) URL); empty: no lookups.",
    ),
)

SETTINGS: tuple[Setting, ...] = (*_CORE_SETTINGS, *_ALARM_SETTINGS, *_LINK_SETTINGS)

SOURCE_FIELDS: tuple[Field, ...] = (
    Field(
        "key",
        str,
        True,
        "Stable identifier of the source; also the name of its spider (never `link_checker`, "
        "citywatch's own).",
    ),
    Field("name", str, True, "Human name of the platform."),
    Field("spider", str, False, "Spider that crawls it (defaults to the key)."),
    Field("start_urls", list, True, "Entry points of the crawl (http or https URLs)."),
    Field("enabled", bool, False, "Crawl this source (default true).", default=True),
    Field("schedule", str, False, "Cron expression (5 fields) for `citywatch schedule`."),
    Field("options", dict, False, "Spider-specific options (see the spider's docs).", default={}),
)

LINK_FIELDS: tuple[Field, ...] = (
    Field("url", str, True, "The cited URL, exactly as cited."),
    Field("title", str, False, "Title of the cited page or document."),
    Field("cited_in", str, False, "Where the URL is cited (article, bibliography, ...)."),
)


def setting(name: str) -> Setting:
    """The table row for ``name``; a KeyError names a setting nobody declared."""
    for row in SETTINGS:
        if row.name == name:
            return row
    raise KeyError(name)
