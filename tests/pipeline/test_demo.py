"""`citywatch demo` end to end, as a new user runs it: offline, against the bundled replicas."""

from __future__ import annotations

import json
import os
import re
import shlex
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from pipeline.demo import DEMO_MARKER, DEMO_SOURCES
from pipeline.replicas.mercociudades import MercociudadesSite
from pipeline.replicas.shared_practices import shared_practices
from tests.conftest import run_cli

# What the demo prints to run against its own config, in this order.
NEXT = ["sources", "report", "links", "export -o catalogue.jsonl"]


def events_by_source(report: dict) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for run in report["runs"]:
        source = counts.setdefault(run["source"], {"new": 0, "updated": 0, "removed": 0})
        for kind in source:
            source[kind] += len(run["events"][kind])
    return counts


def test_demo_reports_what_was_added_edited_and_removed_on_every_replica(tmp_path: Path) -> None:
    result = run_cli("demo", "--dir", str(tmp_path / "demo"), "--size", "20", cwd=tmp_path)
    assert result.code == 0, result.stderr[-3000:]
    report_md = (tmp_path / "demo" / "report.md").read_text("utf-8")
    assert result.stdout.startswith(report_md)
    assert f"database: {tmp_path / 'demo' / 'citywatch.db'}" in result.stdout
    report = json.loads((tmp_path / "demo" / "report.json").read_text("utf-8"))
    counts = events_by_source(report)
    assert set(counts) == set(DEMO_SOURCES)
    for source, changes in counts.items():
        expected = (
            {"new": 0, "updated": 1, "removed": 1}
            if source == "bibliography"
            else {"new": 1, "updated": 1, "removed": 1}
        )
        assert changes == expected, source
    assert all(run["alarms"] == [] for run in report["runs"])
    site = MercociudadesSite(seed=1, size=20)
    mercociudades = [run for run in report["runs"] if run["source"] == "mercociudades_covid"]
    added = site.post(site.added_id, state=2)
    edited = site.post(site.edited_id, state=2)
    assert added and edited
    assert [e["title"] for run in mercociudades for e in run["events"]["new"]] == [added.title]
    updated = [e for run in mercociudades for e in run["events"]["updated"]]
    assert [e["title"] for e in updated] == [edited.title]
    assert "title" in updated[0]["fields_changed"]
    assert added.title in report_md and edited.title in report_md
    # The replicas publish a few practices on two platforms: each pair is linked, no other.
    pairs = report["possible_duplicates"]
    paired_sources = sorted(tuple(sorted(r["source"] for r in p["records"])) for p in pairs)
    expected_sources = sorted(
        tuple(sorted(publication.platform for publication in practice.publications))
        for practice in shared_practices()
    )
    assert paired_sources == expected_sources
    assert all(p["status"] == "open" for p in pairs)
    assert "Possible duplicates" in report_md


REPLICA = r"http://127\.0\.0\.1:\d+"
# The demo's own lines on stderr, each whole.
PROGRESS = re.compile(
    rf"replicas: {REPLICA}(, {REPLICA}){{5}}"
    r"|crawl [123]: [a-z_]+ run \d+: finished, \d+ records"
    r"|replicas switched to state 2: on each, one record added, one edited, one removed"
    r"|link check after crawl [13]: \d+ links, \d+ ok(, \d+ [a-z_]+)*"
)


def test_demo_runs_again_in_the_same_folder_from_an_empty_catalogue(tmp_path: Path) -> None:
    for _ in range(2):
        # Piped, Rich takes the width of a terminal as 80: no line of the demo wraps at it.
        result = run_cli(
            "demo", "--dir", str(tmp_path), "--size", "5", cwd=tmp_path, env={"COLUMNS": "80"}
        )
        assert result.code == 0, result.stderr[-3000:]
        assert "extraction alarm" not in result.stdout
        progress = [line for line in result.stderr.splitlines() if "WARNING" not in line and line]
        assert [line for line in progress if not PROGRESS.fullmatch(line)] == []
        assert [line.split(":")[0] for line in progress] == [
            "replicas",
            *["crawl 1"] * len(DEMO_SOURCES),
            "link check after crawl 1",
            "replicas switched to state 2",
            *["crawl 2"] * len(DEMO_SOURCES),
            *["crawl 3"] * len(DEMO_SOURCES),
            "link check after crawl 3",
        ]
    assert (tmp_path / DEMO_MARKER).is_file()


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize(
    "name", ["citywatch.toml", "citywatch.db", "notes.txt", "citywatch.db-wal", "httpcache/x"]
)
def test_demo_refuses_a_folder_it_did_not_make_and_touches_nothing(
    tmp_path: Path, name: str
) -> None:
    folder = tmp_path / "mine"
    (folder / name).parent.mkdir(parents=True)
    (folder / name).write_bytes(b"a user's own file\n\x00\xff")
    before = snapshot(folder)

    result = run_cli("demo", "--dir", str(folder), "--size", "5", cwd=tmp_path)

    assert result.code == 2
    assert result.stderr == (
        f"citywatch: error: {folder}: folder is not empty and was not made by `citywatch demo`, "
        "which would replace its citywatch.toml and citywatch.db: give a new or empty folder, "
        "or --force\n"
    )
    assert result.stdout == ""
    assert snapshot(folder) == before


def test_demo_refuses_the_current_folder_when_it_holds_a_config(tmp_path: Path) -> None:
    (tmp_path / "citywatch.toml").write_text("# mine\n", "utf-8")

    result = run_cli("demo", "--dir", ".", "--size", "5", cwd=tmp_path)

    assert result.code == 2
    assert result.stderr.count("\n") == 1
    assert "folder is not empty and was not made by `citywatch demo`" in result.stderr
    assert snapshot(tmp_path) == {"citywatch.toml": b"# mine\n"}


@pytest.mark.parametrize("size", ["0", "-1", "2", "10001", "99999999999999999999"])
def test_a_demo_too_small_for_its_replicas_or_too_large_to_build_is_one_line_and_exit_2(
    tmp_path: Path, size: str
) -> None:
    result = run_cli("demo", "--dir", str(tmp_path / "d"), "--size", size, cwd=tmp_path)

    assert result.code == 2
    assert result.stderr == (
        f"citywatch: error: Invalid value for '--size': {size} is not in the range "
        "3<=x<=10000 (see citywatch demo --help)\n"
    )
    assert not (tmp_path / "d").exists()


def test_demo_ends_with_the_commands_that_read_its_database(tmp_path: Path) -> None:
    folder = tmp_path / "with space"
    (folder / "keep.txt").parent.mkdir()
    (folder / "keep.txt").write_text("kept\n", "utf-8")
    (folder / "citywatch.toml").write_text("# replaced\n", "utf-8")

    result = run_cli("demo", "--dir", str(folder), "--size", "5", "--force", cwd=tmp_path)

    assert result.code == 0, result.stderr[-3000:]
    assert (folder / "keep.txt").read_text("utf-8") == "kept\n"  # --force replaces only its own
    config = shlex.quote(str(folder / "citywatch.toml"))
    commands = [f"citywatch --config {config} {rest}" for rest in NEXT]
    assert result.stdout.endswith(
        "\nThe demo's catalogue, afterwards (the replicas are gone, the database stays):\n"
        + "".join(f"  {command}\n" for command in commands)
    )
    for command in commands:
        ran = run_cli(*shlex.split(command)[1:], cwd=tmp_path)
        assert ran.code == 0, (command, ran.stderr)
    assert (tmp_path / "catalogue.jsonl").stat().st_size > 0


def tree(folder: Path) -> dict[str, object]:
    """Everything under `folder` as it is on disk, links not followed: a link's target, a
    file's content, a folder or a named pipe as such."""
    found: dict[str, object] = {}
    for path in sorted(folder.rglob("*")):
        mode = path.lstat().st_mode
        name = str(path.relative_to(folder))
        if stat.S_ISLNK(mode):
            found[name] = ("link", os.readlink(path))
        elif stat.S_ISREG(mode):
            found[name] = path.read_bytes()
        else:
            found[name] = stat.S_IFMT(mode)
    return found


def link_to_a_file(path: Path, outside: Path) -> None:
    (outside / "passwd").write_text("root:x:0:0:root:/root:/bin/bash\n", "utf-8")
    path.symlink_to(outside / "passwd")


def link_to_a_folder(path: Path, outside: Path) -> None:
    (outside / "precious").mkdir()
    (outside / "precious" / "kept.txt").write_text("precious\n", "utf-8")
    path.symlink_to(outside / "precious", target_is_directory=True)


REPLACES = "the demo replaces it, even with --force: remove it, or give another --dir"
EMPTIES = "the demo empties this folder, even with --force: remove it, or give another --dir"
HOSTILE: dict[str, tuple[str, Callable[[Path, Path], None], str]] = {
    "report.md links to a file": (
        "report.md", link_to_a_file, f"is a symbolic link: {REPLACES}"
    ),
    "citywatch.toml links to a file": (
        "citywatch.toml", link_to_a_file, f"is a symbolic link: {REPLACES}"
    ),
    "the database's WAL links to a file": (
        "citywatch.db-wal", link_to_a_file, f"is a symbolic link: {REPLACES}"
    ),
    "the marker links to a file": (
        DEMO_MARKER, link_to_a_file, f"is a symbolic link: {REPLACES}"
    ),
    "report.json is a named pipe": (
        "report.json",
        lambda path, _: os.mkfifo(path),
        f"is a named pipe, not a regular file: {REPLACES}",
    ),
    "report.md is a folder": (
        "report.md", lambda path, _: path.mkdir(), f"is a folder: {REPLACES}"
    ),
    "httpcache links to a folder": (
        "httpcache", link_to_a_folder, f"is a symbolic link: {EMPTIES}"
    ),
    "httpcache is a file": (
        "httpcache",
        lambda path, _: path.write_text("not a cache\n", "utf-8"),
        f"is a regular file: {EMPTIES}",
    ),
}  # fmt: skip


@pytest.mark.parametrize("force", [False, True], ids=["", "--force"])
@pytest.mark.parametrize("case", list(HOSTILE))
def test_demo_refuses_a_link_or_other_odd_thing_where_it_writes_before_touching_anything(
    tmp_path: Path, case: str, force: bool
) -> None:
    """In a folder an earlier demo made (or with --force), a link named like one of the demo's
    files would take the demo's writes, or deletions, elsewhere: refused before anything."""
    name, make, reason = HOSTILE[case]
    folder, outside = tmp_path / "demo", tmp_path / "outside"
    folder.mkdir()
    outside.mkdir()
    for earlier in (DEMO_MARKER, "citywatch.toml", "citywatch.db", "report.json"):
        (folder / earlier).write_text(f"an earlier demo's {earlier}\n", "utf-8")
    (folder / name).unlink(missing_ok=True)
    make(folder / name, outside)
    before = tree(tmp_path)

    result = run_cli(
        "demo", "--dir", str(folder), "--size", "5", *(["--force"] if force else []), cwd=tmp_path
    )

    if name == DEMO_MARKER and not force:  # a linked marker does not make the folder the demo's
        reason = ""
    assert (result.code, result.stdout) == (2, ""), result.stderr[-2000:]
    assert result.stderr == (
        f"citywatch: error: {folder}/{name}: {reason}\n"
        if reason
        else f"citywatch: error: {folder}: folder is not empty and was not made by `citywatch "
        "demo`, which would replace its citywatch.toml and citywatch.db: give a new or empty "
        "folder, or --force\n"
    )
    assert tree(tmp_path) == before
