"""No command opens Scrapy's network-facing debugging endpoints or leaves job files behind.

Scrapy enables a telnet console and, since 2.19, a remote-control HTTP server that runs Python
sent to it and writes its port and token to a job file under the user's home. citywatch reads
hostile pages unattended: neither may run in any command (crawl, check-links, demo, a bare
`scrapy crawl`).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from scrapy import Spider

from crawler.spiders.link_checker import LinkCheckSpider
from crawler.spiders.mercociudades_covid import MercociudadesCovidSpider
from pipeline.crawl import project_settings
from tests.conftest import Replica, run_cli
from tests.helpers import write_config

ROOT = Path(__file__).parents[2]
DEBUG_EXTENSIONS = ("TelnetConsole", "RemoteControl")
LISTENING = re.compile(r"(Remote control HTTP server|Telnet console) listening", re.IGNORECASE)


def _enabled_extensions(stderr: str) -> list[str]:
    """The class names Scrapy logs under "Enabled extensions:" (one per line)."""
    block = stderr.split("Enabled extensions:", 1)[1].split("]", 1)[0]
    return re.findall(r"'[\w.]+\.(\w+)'", block)


def _home(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    home.mkdir()
    # platformdirs puts the job files under $XDG_STATE_HOME, else ~/.local/state.
    return {"HOME": str(home), "XDG_STATE_HOME": "", "XDG_DATA_HOME": "", "XDG_CONFIG_HOME": ""}


def _files_under(directory: Path) -> list[str]:
    return sorted(str(p.relative_to(directory)) for p in directory.rglob("*"))


@pytest.mark.parametrize("spidercls", [MercociudadesCovidSpider, LinkCheckSpider])
def test_project_settings_enable_no_debugging_extension(
    spidercls: type[Spider], tmp_path: Path
) -> None:
    config = write_config(tmp_path, "http://127.0.0.1:9/covid-19/", f"sqlite:///{tmp_path}/c.db")
    settings = project_settings(str(config), None, "WARNING")
    spidercls.update_settings(settings)  # the spider's custom_settings, as a Crawler applies
    assert settings.getbool("TELNETCONSOLE_ENABLED") is False
    assert settings.getbool("REMOTE_CONTROL_ENABLED") is False
    extensions = settings.getwithbase("EXTENSIONS")
    assert extensions["scrapy.extensions.telnet.TelnetConsole"] is None
    assert extensions["scrapy.extensions.remote_control.RemoteControl"] is None


def test_a_verbose_crawl_and_link_check_listen_on_no_port_and_write_nothing_home(
    mercociudades: Replica, tmp_path: Path
) -> None:
    env = _home(tmp_path)
    config = write_config(
        tmp_path, f"{mercociudades.base_url}/covid-19/", f"sqlite:///{tmp_path}/c.db"
    )
    assert run_cli("--config", str(config), "init", env=env).code == 0
    # A few links are enough: the extensions are set up when the checker starts.
    urls = tmp_path / "urls.txt"
    urls.write_text(f"{mercociudades.base_url}/covid-19/\n{mercociudades.base_url}/gone\n")
    for command in (("crawl",), ("check-links", str(urls))):
        result = run_cli("--config", str(config), "-v", *command, env=env)
        assert result.code == 0, result.stderr[-2000:]
        assert LISTENING.search(result.stderr) is None
        enabled = _enabled_extensions(result.stderr)
        assert "CoreStats" in enabled  # the log line was read
        assert [name for name in enabled if name in DEBUG_EXTENSIONS] == []
    assert _files_under(Path(env["HOME"])) == []


def test_a_bare_scrapy_crawl_opens_no_debugging_endpoint(
    mercociudades: Replica, tmp_path: Path
) -> None:
    env = _home(tmp_path)
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(ROOT / "scrapy.cfg", project / "scrapy.cfg")
    write_config(project, f"{mercociudades.base_url}/covid-19/", f"sqlite:///{tmp_path}/s.db")
    assert run_cli("init", cwd=project, env=env).code == 0
    crawled = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "mercociudades_covid", "-s", "LOG_LEVEL=INFO"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env, "PYTHONPATH": str(ROOT)},
    )
    assert crawled.returncode == 0, crawled.stderr[-3000:]
    assert LISTENING.search(crawled.stderr) is None
    assert [n for n in _enabled_extensions(crawled.stderr) if n in DEBUG_EXTENSIONS] == []
    assert _files_under(Path(env["HOME"])) == []
