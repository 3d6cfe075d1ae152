"""A link check bounds the response header block (256 KiB): a server that streams header lines
forever costs that bound, not gigabytes, and the link is a connection failure whose evidence
names the cause; a page whose headers stay under the bound is checked as usual."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from storage.db import make_engine, session_factory, session_scope
from storage.models import Link, LinkCheck
from tests.conftest import run_cli
from tests.header_flood import HeaderFloodServer
from tests.helpers import run_cli_measured
from tests.pipeline.links.test_check_links import listed, url_file, write_link_config

# The checking process's own baseline is about 140 MiB; unbounded, the flood grew it by
# gigabytes (8.9 GB before the download timeout).
MAX_RSS_MIB = 400


@pytest.mark.parametrize("tls", [False, True], ids=["http", "https"])
def test_an_endless_header_block_is_cut_at_the_bound(tmp_path: Path, tls: bool) -> None:
    database = f"sqlite:///{tmp_path / 'c.db'}"
    with HeaderFloodServer(tls=tls) as server:
        config = write_link_config(tmp_path, database)
        assert run_cli("--config", str(config), "init").code == 0
        flood, under, over = (
            f"{server.base_url}/flood",
            f"{server.base_url}/headers/200",  # about 200 KiB of headers
            f"{server.base_url}/headers/300",  # about 300 KiB
        )
        code, stderr, peak_mib = run_cli_measured(
            "--config", str(config), "check-links", str(url_file(tmp_path, [flood, under, over]))
        )
        rows = listed(config)
        flood_sent = server.flood_bytes_sent

    assert code == 0, stderr[-3000:]
    assert peak_mib < MAX_RSS_MIB, f"peak RSS {peak_mib} MiB"
    assert flood_sent < 64 << 20, f"the server sent {flood_sent} bytes of headers"
    assert {url: rows[url]["class"] for url in (flood, under, over)} == {
        flood: "connection_error",
        under: "ok",
        over: "connection_error",
    }
    engine = make_engine(database)
    try:
        with session_scope(session_factory(engine)) as session:
            errors = {
                url: error
                for url, error in session.execute(select(Link.url, LinkCheck.error).join(Link))
            }
    finally:
        engine.dispose()
    cause = "HeaderBlockTooLarge: response header block larger than 262144 bytes"
    assert cause in str(errors[flood]) and cause in str(errors[over]), errors
    assert errors[under] is None
