"""Processes that normalise records beside the crawl, so the reactor keeps fetching.

Cleaning HTML, placing cities and mapping themes is CPU work; in the reactor's thread it would
hold back every download of every source crawled at once. One pool per process is shared by all
its crawlers; it starts on first use (workers are spawned, not forked: the parent runs a reactor
and threads) and stops at exit. On a single CPU core records are normalised in the reactor's
thread: a worker would only compete with it.
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import os
from concurrent.futures import Executor, ProcessPoolExecutor

__all__ = ["normalise_pool", "pool_size"]

logger = logging.getLogger(__name__)
MAX_AUTO_PROCESSES = 4
_pool: ProcessPoolExecutor | None = None


def pool_size(configured: int) -> int:
    """Worker processes for ``configured`` (0: one per CPU core but the reactor's, at most 4)."""
    if configured > 0:
        return configured
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return min(MAX_AUTO_PROCESSES, max(0, (cores or 1) - 1))


def normalise_pool(configured: int) -> Executor | None:
    """The process's pool, or None to normalise inline (a single core: nothing to gain)."""
    global _pool
    size = pool_size(configured)
    if size == 0:
        return None
    if _pool is None:
        _pool = ProcessPoolExecutor(size, mp_context=multiprocessing.get_context("spawn"))
        atexit.register(shutdown_pool)
        logger.debug("normalising in %d worker processes", size)
    return _pool


def shutdown_pool() -> None:
    global _pool
    if _pool is not None:
        _pool.shutdown(wait=True, cancel_futures=True)
        _pool = None
