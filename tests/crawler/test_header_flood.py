"""A crawl bounds the response header block (256 KiB) as a link check does: a page whose server
streams header lines forever fails with that cause, costs the bound, and the rest of the crawl
is stored (the run is partial)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.header_flood import CITED_TITLE, SLOW_SECONDS, HeaderFloodServer
from tests.helpers import read_jsonl, run_cli_measured, write_config

MAX_RSS_MIB = 400  # the crawl's own baseline is about 150 MiB; unbounded, the flood took 3 GB


@pytest.mark.parametrize("tls", [False, True], ids=["http", "https"])
def test_an_endless_header_block_fails_the_page_not_the_crawl(tmp_path: Path, tls: bool) -> None:
    with HeaderFloodServer(tls=tls) as server:
        flood, cited = f"{server.base_url}/flood", f"{server.base_url}/cited.pdf"
        database = f"sqlite:///{tmp_path}/c.db"
        config = write_config(tmp_path, [flood, cited], database, key="bibliography")
        assert run_cli("--config", str(config), "init").code == 0
        code, stderr, peak_mib = run_cli_measured("--config", str(config), "crawl")
        exported = run_cli("--config", str(config), "export").stdout
        flood_sent = server.flood_bytes_sent

    assert flood_sent < 64 << 20, f"the server sent {flood_sent} bytes of headers"
    assert peak_mib < MAX_RSS_MIB, f"peak RSS {peak_mib} MiB"
    assert code == 1, stderr[-3000:]  # partial: one page failed
    failed = [line for line in stderr.splitlines() if f"page failed: {flood}: " in line]
    assert len(failed) == 1, stderr[-3000:]
    assert "HeaderBlockTooLarge: response header block larger than 262144 bytes" in failed[0]
    assert "run 1 of bibliography: partial" in stderr
    assert [record["title"] for record in read_jsonl(exported)] == [CITED_TITLE]


def test_over_tls_a_header_overrun_aborts_the_connection(tmp_path: Path) -> None:
    """A polite close over TLS waits for the server's close_notify and reads on meanwhile: a
    flood over HTTPS must stop flowing once the download failed, not when the process ends."""
    with HeaderFloodServer(tls=True) as server:
        flood, slow = f"{server.base_url}/flood", f"{server.base_url}/slow"
        config = write_config(tmp_path, slow, f"sqlite:///{tmp_path}/c.db", key="bibliography")
        probe = subprocess.Popen(
            [sys.executable, "-m", "tests.crawler.download_probe", str(config), flood, slow],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert probe.stdout is not None
        try:
            failed = json.loads(probe.stdout.readline())
            sent_at_failure = server.flood_bytes_sent
            after = json.loads(probe.stdout.readline())  # SLOW_SECONDS later
            sent_later = server.flood_bytes_sent
        finally:
            probe.kill()
            probe.wait()
            probe.stdout.close()
    assert failed["url"] == flood
    assert "response header block larger than 262144 bytes" in failed["error"], failed
    assert after == {"url": slow, "status": 404, "final_url": slow, "body": ""}
    read_on = sent_later - sent_at_failure
    assert read_on < 8 << 20, f"{read_on} bytes more read in the {SLOW_SECONDS:g} s after"
