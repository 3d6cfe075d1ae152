"""`-o FILE` (and `config init`, the demo's report) writes only a regular file or a new file in
an existing folder, whole, with the umask's mode, and leaves nothing behind when killed."""

from __future__ import annotations

import os
import resource
import signal
import socket
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.helpers import write_config

OLD = "old content\n"
# Writes a big content through the CLI's helper, says so, then waits to be killed.
SLOW_WRITER = """
import sys, threading
from pipeline.cli_support import output_to
with output_to(sys.argv[1]) as out:
    out.write("new content\\n" * 100_000)
    out.flush()
    print("writing", flush=True)
    threading.Event().wait()
"""


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A config on an initialised (empty) database: `report`, `export` and `links` run on it."""
    folder = tmp_path_factory.mktemp("db")
    config = write_config(folder, "http://127.0.0.1:9/", f"sqlite:///{folder / 'c.db'}")
    assert run_cli("--config", str(config), "init").code == 0
    return config


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """An empty folder to write into."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def listing(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def symlink(folder: Path) -> Path:
    (folder / "real.md").write_text(OLD, "utf-8")
    (folder / "link.md").symlink_to(folder / "real.md")
    return folder / "link.md"


def fifo(folder: Path) -> Path:
    os.mkfifo(folder / "pipe")
    return folder / "pipe"


def char_device(folder: Path) -> Path:
    """A device like /dev/full (1, 7), made here: the real one must never be at risk."""
    os.mknod(folder / "full", stat.S_IFCHR | 0o666, os.makedev(1, 7))
    return folder / "full"


def unix_socket(folder: Path) -> Path:
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(folder / "sock"))
    server.close()
    return folder / "sock"


def directory(folder: Path) -> Path:
    (folder / "report.md").mkdir()
    return folder / "report.md"


REFUSED: dict[str, tuple[Callable[[Path], Path], str]] = {
    "folder": (directory, "is a folder: name a file in it"),
    "symlink": (symlink, "is a symbolic link: give the path of the file it points to"),
    "fifo": (
        fifo,
        "is a named pipe, not a regular file (leave out -o and redirect the output instead)",
    ),
    "char device": (
        char_device,
        "is a character device, not a regular file (leave out -o and redirect the output instead)",
    ),
    "socket": (unix_socket, "is a socket, not a regular file"),
}


@pytest.mark.parametrize("kind", list(REFUSED))
@pytest.mark.parametrize("command", [["report"], ["export"], ["links"]], ids=" ".join)
def test_what_is_not_a_regular_file_is_refused_and_left_alone(
    database: Path, out: Path, kind: str, command: list[str]
) -> None:
    make, reason = REFUSED[kind]
    target = make(out)
    before = {name: os.lstat(out / name) for name in listing(out)}

    result = run_cli("--config", str(database), *command, "-o", str(target))

    assert (result.code, result.stdout) == (2, "")
    assert result.stderr == f"citywatch: error: {target}: {reason}\n"
    after = {name: os.lstat(out / name) for name in listing(out)}
    assert {n: (s.st_ino, s.st_mode) for n, s in after.items()} == {
        n: (s.st_ino, s.st_mode) for n, s in before.items()
    }
    if kind == "symlink":
        assert (out / "real.md").read_text("utf-8") == OLD


def test_a_missing_folder_is_not_created(database: Path, out: Path) -> None:
    target = out / "not" / "there" / "report.md"
    result = run_cli("--config", str(database), "report", "-o", str(target))
    assert (result.code, result.stdout) == (2, "")
    assert result.stderr == f"citywatch: error: {target}: folder {target.parent} does not exist\n"
    assert listing(out) == []


def test_a_file_where_a_folder_should_be_is_refused(database: Path, out: Path) -> None:
    (out / "notes.txt").write_text(OLD, "utf-8")
    target = out / "notes.txt" / "report.md"
    result = run_cli("--config", str(database), "report", "-o", str(target))
    assert (result.code, result.stdout) == (2, "")
    assert result.stderr == f"citywatch: error: {target}: Not a directory\n"
    assert (out / "notes.txt").read_text("utf-8") == OLD


def test_a_folder_root_cannot_write_in_is_one_line(database: Path) -> None:
    # The tests run as root, who may write almost anywhere, but not in sysfs.
    target = "/sys/kernel/citywatch-report.md"
    result = run_cli("--config", str(database), "report", "-o", target)
    assert (result.code, result.stdout) == (2, "")
    refusal = _creation_error("/sys/kernel/citywatch-probe")  # EACCES, or EROFS if mounted so
    assert result.stderr == f"citywatch: error: {target}: cannot write in /sys/kernel: {refusal}\n"
    assert not os.path.exists(target)


@pytest.fixture
def immutable(out: Path) -> Iterator[Path]:
    """A folder nobody, root included, can create a file in (``chattr +i``)."""
    folder = out / "frozen"
    folder.mkdir()
    made = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip(f"chattr +i is not possible here: {made.stderr.strip()}")
    yield folder
    subprocess.run(["chattr", "-i", str(folder)], check=True)


def test_an_immutable_folder_is_one_line(database: Path, immutable: Path) -> None:
    target = immutable / "report.md"
    result = run_cli("--config", str(database), "report", "-o", str(target))
    assert (result.code, result.stdout) == (2, "")
    assert result.stderr == (
        f"citywatch: error: {target}: cannot write in {immutable}: Operation not permitted\n"
    )
    assert listing(immutable) == []


def _creation_error(path: str) -> str:
    with pytest.raises(OSError) as refused:
        os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    return str(refused.value.strerror)


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("", "an empty path names no file"),
        ("reports/", "reports/: names a folder, not a file"),
        ("reports/.", "reports/.: names a folder, not a file"),
        ("..", "..: names a folder, not a file"),
    ],
)
def test_a_path_that_names_no_file_is_refused(path: str, message: str) -> None:
    from pipeline.output_file import OutputError, check_output_path

    with pytest.raises(OutputError) as refused:
        check_output_path(path)
    assert str(refused.value) == message


def test_a_dash_is_stdout(database: Path, out: Path) -> None:
    result = run_cli("--config", str(database), "links", "--format", "json", "-o", "-", cwd=out)
    assert (result.code, result.stdout) == (0, "[]\n")
    assert listing(out) == []


# -- modes ----------------------------------------------------------------------------------


def run_with_umask(umask: int, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        preexec_fn=lambda: os.umask(umask),  # the point of the test
    )


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_a_new_file_gets_the_mode_the_umask_allows(
    database: Path, out: Path, umask: int, mode: int
) -> None:
    report = run_with_umask(umask, "--config", str(database), "report", "-o", "report.md", cwd=out)
    config = run_with_umask(umask, "config", "init", "-o", "citywatch.toml", cwd=out)
    assert (report.returncode, config.returncode) == (0, 0), report.stderr + config.stderr
    assert stat.S_IMODE(os.stat(out / "report.md").st_mode) == mode
    assert stat.S_IMODE(os.stat(out / "citywatch.toml").st_mode) == mode
    assert listing(out) == ["citywatch.toml", "report.md"]


def test_a_replaced_file_keeps_its_mode(database: Path, out: Path) -> None:
    (out / "report.md").write_text(OLD, "utf-8")
    os.chmod(out / "report.md", 0o640)
    result = run_with_umask(0o077, "--config", str(database), "report", "-o", "report.md", cwd=out)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(os.stat(out / "report.md").st_mode) == 0o640
    assert (out / "report.md").read_text("utf-8").startswith("# citywatch change report")


def test_config_init_replaces_only_a_regular_file_and_only_with_force(out: Path) -> None:
    (out / "citywatch.toml").write_text(OLD, "utf-8")
    fifo(out)
    kept = run_cli("config", "init", "-o", "citywatch.toml", cwd=out)
    piped = run_cli("config", "init", "-o", "pipe", "--force", cwd=out)
    forced = run_cli("config", "init", "-o", "citywatch.toml", "--force", cwd=out)
    assert (kept.code, kept.stderr) == (
        2,
        "citywatch: error: citywatch.toml: already exists (use --force to overwrite)\n",
    )
    assert (piped.code, piped.stderr) == (
        2,
        "citywatch: error: pipe: is a named pipe, not a regular file (leave out -o and redirect "
        "the output instead)\n",
    )
    assert (forced.code, forced.stdout) == (0, "wrote citywatch.toml\n")
    assert (out / "citywatch.toml").read_text("utf-8").startswith("#")
    assert listing(out) == ["citywatch.toml", "pipe"]


# -- failures and kills ---------------------------------------------------------------------


def test_a_write_that_fails_midway_is_one_line_and_keeps_the_old_file(out: Path) -> None:
    (out / "citywatch.toml").write_text(OLD, "utf-8")

    def small_files() -> None:  # like a full disk: writes past 1 KiB fail (EFBIG)
        resource.setrlimit(resource.RLIMIT_FSIZE, (1024, 1024))

    result = subprocess.run(
        [sys.executable, "-m", "pipeline", "config", "init", "-o", "citywatch.toml", "--force"],
        capture_output=True,
        text=True,
        cwd=out,
        timeout=120,
        preexec_fn=small_files,  # the point of the test
    )

    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == "citywatch: error: citywatch.toml: cannot write: File too large\n"
    assert (out / "citywatch.toml").read_text("utf-8") == OLD
    assert listing(out) == ["citywatch.toml"]


def start_writer(target: Path, code: str = SLOW_WRITER) -> subprocess.Popen[str]:
    writer = subprocess.Popen(
        [sys.executable, "-c", code, str(target)], stdout=subprocess.PIPE, text=True
    )
    assert writer.stdout is not None
    said = writer.stdout.readline()  # blocks until the content is written
    if said != "writing\n":
        writer.kill()
        writer.wait(timeout=30)
        writer.stdout.close()
        raise AssertionError(f"the writer did not start writing: {said!r}")
    return writer


def test_sigkill_mid_write_leaves_the_old_file_and_no_temporary_file(out: Path) -> None:
    target = out / "report.md"
    target.write_text(OLD, "utf-8")
    writer = start_writer(target)
    try:
        # The new content is in a file without a name: nothing to see in the folder yet.
        assert listing(out) == ["report.md"]
        open_files = [os.readlink(fd) for fd in Path(f"/proc/{writer.pid}/fd").iterdir()]
        assert any(name.startswith(f"{out}/#") for name in open_files), open_files
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=30)
        assert writer.stdout is not None
        writer.stdout.close()
    assert writer.returncode == -signal.SIGKILL
    assert listing(out) == ["report.md"]
    assert target.read_text("utf-8") == OLD


NAMED_WRITER = SLOW_WRITER.replace(
    "from pipeline.cli_support import output_to",
    "from functools import partial\n"
    "from pipeline.output_file import atomic_output\n"
    "output_to = partial(atomic_output, named_temporary=True)",
)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_without_o_tmpfile_a_signal_mid_write_removes_the_temporary_file(
    out: Path, signum: int
) -> None:
    target = out / "report.md"
    target.write_text(OLD, "utf-8")
    writer = start_writer(target, NAMED_WRITER)
    try:
        [hidden] = [name for name in listing(out) if name != "report.md"]
        assert hidden.startswith(".report.md.") and hidden.endswith(".tmp")
    finally:
        writer.send_signal(signum)
        writer.wait(timeout=30)
        assert writer.stdout is not None
        writer.stdout.close()
    assert writer.returncode != 0
    assert listing(out) == ["report.md"]
    assert target.read_text("utf-8") == OLD


@pytest.mark.parametrize("named", [False, True])
def test_an_error_in_the_block_keeps_the_old_file(out: Path, named: bool) -> None:
    from pipeline.output_file import atomic_output

    target = out / "report.md"
    target.write_text(OLD, "utf-8")
    with (
        pytest.raises(RuntimeError, match="database gone"),
        atomic_output(str(target), named_temporary=named) as written,
    ):
        written.write("half a report")
        raise RuntimeError("database gone")
    assert listing(out) == ["report.md"]
    assert target.read_text("utf-8") == OLD
