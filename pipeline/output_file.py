"""Result files (``-o FILE``, ``config init``, the demo's report): written whole, and only where
a file belongs.

A result goes to a regular file, replaced with its mode kept, or to a new file in a folder that
exists, created with the mode the umask allows (0666 & ~umask), like any file a shell
redirection creates. Anything else at the path (a folder, a symbolic link, a device such as
/dev/full, a named pipe, a socket) is refused, as are a missing folder and one citywatch cannot
write in: `OutputError`, one line naming the path and the reason, before anything is written.

The content is written to a file without a name in the target's folder (Linux ``O_TMPFILE``)
and given the target's name only when complete, so a command killed at any moment, even by
SIGKILL, leaves the old file as it was and no temporary file behind. Where the filesystem has
no ``O_TMPFILE``, a hidden temporary file beside the target takes its place, removed on an
error, Ctrl-C, SIGTERM or SIGHUP (only SIGKILL can leave it).
"""

from __future__ import annotations

import errno
import os
import secrets
import signal
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from types import FrameType
from typing import IO

__all__ = ["OutputError", "atomic_output", "check_output_path", "file_kind"]

# What each kind of file is called in a message, with what the user of -o can do instead.
_REDIRECT = "leave out -o and redirect the output instead"
_REFUSED_KINDS = (
    (stat.S_ISDIR, "a folder", ": name a file in it"),
    (stat.S_ISLNK, "a symbolic link", ": give the path of the file it points to"),
    (stat.S_ISCHR, "a character device, not a regular file", f" ({_REDIRECT})"),
    (stat.S_ISBLK, "a block device, not a regular file", f" ({_REDIRECT})"),
    (stat.S_ISFIFO, "a named pipe, not a regular file", f" ({_REDIRECT})"),
    (stat.S_ISSOCK, "a socket, not a regular file", ""),
)
# Errors of writing the content (a full disk, a quota, a size limit): the user's to fix.
_WRITE_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EROFS})
# O_TMPFILE is refused this way by a filesystem or kernel without it.
_NO_TMPFILE = frozenset({errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL})
_CLEANUP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


class OutputError(Exception):
    """A result file that cannot be written; the message is the one line shown to the user."""


def file_kind(mode: int) -> str:
    """What a file of this mode is, as a message names it (``a symbolic link``...)."""
    if stat.S_ISREG(mode):
        return "a regular file"
    return next(
        (kind for is_kind, kind, _ in _REFUSED_KINDS if is_kind(mode)), "not a regular file"
    )


def check_output_path(path: str, *, instead: str | None = None) -> os.stat_result | None:
    """The status of the regular file at `path`, or None if `path` is free in an existing
    folder; `OutputError` for anything else. `instead` replaces the advice given for ``-o``
    (what the user can do) when something other than a regular file is there."""
    if not path:
        raise OutputError("an empty path names no file")
    if path.endswith(os.sep) or os.path.basename(path) in (".", ".."):
        raise OutputError(f"{path}: names a folder, not a file")
    try:
        found = os.lstat(path)
    except FileNotFoundError:
        _check_folder(path)
        return None
    except OSError as error:  # a part of the path is a file, the name is too long, ...
        raise OutputError(f"{path}: {error.strerror}") from None
    if stat.S_ISREG(found.st_mode):
        return found
    advice = next((advice for is_kind, _, advice in _REFUSED_KINDS if is_kind(found.st_mode)), "")
    if instead is not None:
        advice = f": {instead}"
    raise OutputError(f"{path}: is {file_kind(found.st_mode)}{advice}")


@contextmanager
def atomic_output(path: str, *, named_temporary: bool = False) -> Iterator[IO[str]]:
    """A text file whose content replaces `path` when the block ends without an exception.

    `named_temporary` uses the fallback (a hidden temporary file beside the target) even
    where ``O_TMPFILE`` works; tests use it to exercise that path.
    """
    existing = check_output_path(path)
    folder = os.path.dirname(path) or "."
    try:
        fd, temporary = _create(folder, os.path.basename(path), named_temporary)
    except OSError as error:
        raise OutputError(f"{path}: cannot write in {folder}: {error.strerror}") from None
    finishing = placed = False
    try:
        with (
            _cleanup_on_signals(temporary is not None),
            os.fdopen(fd, "w", encoding="utf-8") as out,
        ):
            if existing is not None:
                os.fchmod(fd, stat.S_IMODE(existing.st_mode))
            yield out
            finishing = True
            out.flush()
            os.fsync(fd)
            _put_in_place(fd, temporary, path)
            placed = True
    except OSError as error:
        # The block's own errors are its caller's, but for those of writing the content.
        if finishing or error.errno in _WRITE_ERRORS:
            raise OutputError(f"{path}: cannot write: {error.strerror}") from None
        raise
    finally:
        if temporary is not None and not placed:
            _unlink(temporary)


def _check_folder(path: str) -> None:
    folder = os.path.dirname(path) or "."
    try:
        found = os.stat(folder)
    except FileNotFoundError:
        raise OutputError(f"{path}: folder {folder} does not exist") from None
    except OSError as error:
        raise OutputError(f"{path}: folder {folder}: {error.strerror}") from None
    if not stat.S_ISDIR(found.st_mode):
        raise OutputError(f"{path}: {folder} is not a folder")


def _create(folder: str, name: str, named: bool) -> tuple[int, str | None]:
    """A new file open for writing in `folder`: without a name if the system allows (None),
    else a hidden one beside the target (its path). Its mode is 0666 less the umask."""
    if not named and hasattr(os, "O_TMPFILE") and os.path.isdir("/proc/self/fd"):
        try:
            return os.open(folder, os.O_TMPFILE | os.O_WRONLY | os.O_CLOEXEC, 0o666), None
        except OSError as error:
            if error.errno not in _NO_TMPFILE:
                raise
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC | os.O_NOFOLLOW
    while True:
        temporary = os.path.join(folder, f".{name}.{secrets.token_hex(4)}.tmp")
        try:
            return os.open(temporary, flags, 0o666), temporary
        except FileExistsError:
            continue


def _put_in_place(fd: int, temporary: str | None, path: str) -> None:
    """Give the complete file the name `path` in one step (a rename), replacing what is
    there; a file without a name first gets a hidden one, for the microseconds until then."""
    if temporary is not None:
        os.replace(temporary, path)
        return
    folder, name = os.path.split(path)
    # A folder descriptor makes os.link call linkat(), which can follow /proc/self/fd/N to the
    # file itself (link() would try to link the magic symbolic link, across filesystems).
    folder_fd = os.open(folder or ".", os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        _link_unnamed(fd, name, folder_fd)
    finally:
        os.close(folder_fd)


def _link_unnamed(fd: int, name: str, folder_fd: int) -> None:
    unnamed = f"/proc/self/fd/{fd}"
    with suppress(FileExistsError):
        os.link(unnamed, name, dst_dir_fd=folder_fd)  # a free name: named at once
        return
    while True:
        hidden = f".{name}.{secrets.token_hex(4)}.tmp"
        try:
            os.link(unnamed, hidden, dst_dir_fd=folder_fd)
            break
        except FileExistsError:
            continue
    try:
        os.replace(hidden, name, src_dir_fd=folder_fd, dst_dir_fd=folder_fd)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(hidden, dir_fd=folder_fd)
        raise


def _unlink(path: str) -> None:
    with suppress(FileNotFoundError):
        os.unlink(path)


@contextmanager
def _cleanup_on_signals(needed: bool) -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into SystemExit while a named temporary file exists, so the
    cleanup runs (Ctrl-C raises KeyboardInterrupt already). Only the main thread can, and
    only where nobody else handles them."""
    if not needed or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {}
    for signum in _CLEANUP_SIGNALS:
        if signal.getsignal(signum) is signal.SIG_DFL:
            previous[signum] = signal.signal(signum, _exit_on_signal)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _exit_on_signal(signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)
