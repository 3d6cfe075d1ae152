"""Processes that normalise records beside the crawl, so the reactor keeps fetching.

Cleaning HTML, placing cities and mapping themes is CPU work; in the reactor's thread it would
hold back every download of every source crawled at once. One pool per process is shared by all
its crawlers; it starts on first use (workers are spawned, not forked: the parent runs a reactor
and threads) and stops at exit. On a single CPU core records are normalised in the reactor's
thread: a worker would only compete with it.

A worker never outlives its parent: each holds the write end of the pool's queues, so a parent
killed with SIGKILL would leave it blocked forever on a queue nobody feeds. On Linux the kernel
kills it with its parent (``PR_SET_PDEATHSIG``); elsewhere a thread watches its parent's pid.
"""

from __future__ import annotations

import atexit
import ctypes
import logging
import multiprocessing
import os
import signal
import sys
import threading
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import Any

__all__ = ["broken_pool_cause", "discard_pool", "normalise_pool", "pool_size"]

logger = logging.getLogger(__name__)
MAX_AUTO_PROCESSES = 4
PARENT_WATCH_SECONDS = 1.0
_PR_SET_PDEATHSIG = 1  # linux/prctl.h
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
        # The kernel's parent-death signal follows the *thread* that spawned the worker; the
        # pool spawns from the thread that submits, so only the main thread may rely on it.
        kernel_watch = threading.current_thread() is threading.main_thread()
        _pool = ProcessPoolExecutor(
            size,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=die_with_parent,
            initargs=(os.getpid(), kernel_watch),
        )
        atexit.register(shutdown_pool)
        logger.debug("normalising in %d worker processes", size)
    return _pool


def shutdown_pool() -> None:
    global _pool
    if _pool is not None:
        _pool.shutdown(wait=True, cancel_futures=True)
        _pool = None


def discard_pool(pool: Executor) -> None:
    """Forget a broken pool, so that the next crawl of this process starts a fresh one."""
    global _pool
    if _pool is pool:
        _pool = None


def broken_pool_cause(pool: Executor) -> str:
    """Why a pool broke, for the log: each dead worker's pid and how it ended.

    ``ProcessPoolExecutor`` says only "terminated abruptly"; its processes (a private
    attribute, read defensively) still hold their exit codes. The survivors were terminated
    by the pool itself when it broke (SIGTERM), so they are not named.
    """
    processes: dict[int, Any] = getattr(pool, "_processes", None) or {}
    endings = [
        f"pid {pid} {_ending(process.exitcode)}"
        for pid, process in sorted(processes.items())
        if process.exitcode not in (None, -signal.SIGTERM)
    ]
    return "; ".join(endings) or "a worker process ended abruptly (exit code unknown)"


def _ending(exitcode: int) -> str:
    if exitcode < 0:
        return f"was killed by {signal.Signals(-exitcode).name}"
    return f"exited with code {exitcode}"


def die_with_parent(parent_pid: int, kernel_watch: bool) -> None:
    """Worker initializer: end this worker when ``parent_pid`` ends."""
    if kernel_watch and sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0:
            if os.getppid() != parent_pid:  # the parent died before the signal was armed
                os._exit(1)
            return
    threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True).start()


def _watch_parent(parent_pid: int) -> None:
    stop = threading.Event()
    while not stop.wait(PARENT_WATCH_SECONDS):
        if os.getppid() != parent_pid:  # re-parented: the parent is gone
            os._exit(1)
