"""Config loading: the packaged default, overrides, and one clear line for every bad file."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import ConfigError, load_config, parse_config
from pipeline.settings_docs import configuration_markdown
from pipeline.settings_table import SETTINGS
from storage.db import SUPPORTED_DATABASES
from tests.conftest import invoke_cli, run_cli

CITED_PLATFORMS = {
    "cities_for_global_health": "http://www.citiesforglobalhealth.org",
    "beyond_the_outbreak": "https://www.beyondtheoutbreak.uclg.org/es/home-spanish",
    "mercociudades_covid": "https://mercociudades.org/covid-19/",
    "bank_of_best_practices": "http://obc.grupomontevideo.org/practicas",
    "idb_cities_network": "https://www.iadb.org/es/desarrollo-urbano-y-vivienda/red-de-ciudades-bid",
}
BIBLIOGRAPHY = [
    "https://proyectoallas.net/wp-content/uploads/2021/04/cuadernoallas10_web-FINAL-1.pdf",
    "https://www.e-ir.info/2020/08/05/opinion-revisiting-paradiplomacy-in-the-context-of-covid-19/",
    "https://proyectoallas.net/wp-content/uploads/2018/01/Hacia-la-horizontalidad-y-descentralizacion-de-las-relaciones-internacionales.pdf",
    "https://proyectoallas.net/wp-content/uploads/2018/01/La-Cooperaci%C3%B3n-Descentralizada-en-Iberoam%C3%A9rica.-Una-mirada-desde-la-cooperaci%C3%B3n-Sur-Sur.pdf",
    "https://proyectoallas.net/wp-content/uploads/2018/01/Cuaderno-AL-LAs-7.pdf",
    "https://www.metropolis.org/sites/default/files/resources/Repensando%20el%20ecosistema%20de%20redes%20internacionales%20de%20ciudades.pdf",
]


def test_default_config_lists_the_cited_platforms_and_bibliography_exactly_as_cited(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CITYWATCH_CONFIG", raising=False)
    monkeypatch.delenv("CITYWATCH_DB_URL", raising=False)
    config = load_config()
    platforms = [s for s in config.sources if s.key != "bibliography"]
    assert {s.key: s.start_urls[0] for s in platforms} == CITED_PLATFORMS
    assert list(config.source("bibliography").start_urls) == BIBLIOGRAPHY
    assert all(s.spider == s.key for s in config.sources)
    links = [link.url for link in config.links]
    assert set(CITED_PLATFORMS.values()) <= set(links)
    assert [u for u in links if u not in CITED_PLATFORMS.values()] == BIBLIOGRAPHY
    assert config.database_url == "sqlite:///citywatch.db"
    assert config.settings["crawl.obey_robots"] is True
    assert config.settings["crawl.allow_private_networks"] is False


def test_database_url_precedence_is_flag_then_environment_then_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[database]\nurl = "sqlite:///file.db"\n')
    monkeypatch.delenv("CITYWATCH_DB_URL", raising=False)
    assert load_config(str(path)).database_url == "sqlite:///file.db"
    monkeypatch.setenv("CITYWATCH_DB_URL", "sqlite:///env.db")
    assert load_config(str(path)).database_url == "sqlite:///env.db"
    assert load_config(str(path), db_url="sqlite:///flag.db").database_url == "sqlite:///flag.db"


def test_per_source_override_beats_the_global_setting() -> None:
    config = parse_config(
        '[crawl]\ndownload_delay = 1.5\n[[sources]]\nkey = "a"\nname = "A"\n'
        'start_urls = ["https://example.org/"]\ndownload_delay = 4\n'
        '[[sources]]\nkey = "b"\nname = "B"\nstart_urls = ["https://example.org/b"]\n',
        "x.toml",
    )
    a, b = config.sources
    assert config.source_setting(a, "crawl.download_delay") == 4.0
    assert config.source_setting(b, "crawl.download_delay") == 1.5


SOURCE = '[[sources]]\nkey = "a"\nname = "A"\nstart_urls = ["https://example.org/"]\n'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[crawl\n", "bad.toml: not valid TOML"),
        ("[crawl]\ndownload_delay = 'fast'\n", "bad.toml:2: crawl.download_delay: expected float"),
        (
            "[crawl]\nconcurrency_per_host = 0\n",
            "bad.toml:2: crawl.concurrency_per_host: must be at least 1",
        ),
        ("[crawl]\nspeed = 3\n", "bad.toml:2: crawl.speed: unknown setting"),
        ("[crawler]\n", "bad.toml:1: crawler: unknown section"),
        ("[database]\nurl = 'citywatch.db'\n", "bad.toml:2: database.url: not a database URL"),
        (
            '[[sources]]\nname = "A"\nstart_urls = ["https://e.org/"]\n',
            "bad.toml:1: sources[0].key: is required",
        ),
        (SOURCE + SOURCE, "bad.toml:6: sources[1].key: duplicate source key 'a'"),
        (
            SOURCE.replace("https://example.org/", "ftp://example.org/"),
            "bad.toml:4: sources[0].start_urls: 'ftp://example.org/': not an http(s) URL",
        ),
        (
            SOURCE.replace("https://example.org/", "http://127.0.0.1:8000/"),
            "sources[0].start_urls: 'http://127.0.0.1:8000/': is a private-network address",
        ),
        (
            SOURCE + 'schedule = "every night"\n',
            "bad.toml:5: sources[0].schedule: 'every night': not a valid cron expression",
        ),
        (SOURCE + "colour = 'red'\n", "bad.toml:5: sources[0].colour: unknown key"),
        ('[[links]]\ntitle = "x"\n', "bad.toml:1: links[0].url: is required"),
        (
            SOURCE.replace('key = "a"', 'key = "link_checker"'),
            "bad.toml:2: sources[0].key: 'link_checker' is citywatch's own spider, not a source",
        ),
        (
            SOURCE + 'spider = "link_checker"\n',
            "bad.toml:5: sources[0].spider: 'link_checker' is citywatch's own spider, not a source",
        ),
        (
            "[database]\nurl = 'mysql://u:secret@h/d'\n",
            "bad.toml:2: database.url: mysql://u:***@h/d: unsupported database; citywatch uses "
            "sqlite:///PATH or postgresql://USER@HOST/DATABASE (psycopg)",
        ),
        (
            "[database]\nurl = 'postgresql://u:secret@h:port/d'\n",
            "bad.toml:2: database.url: not a database URL: 'postgresql://u:***@h:port/d' "
            "(e.g. sqlite:///citywatch.db)",
        ),
        (
            "[link_check]\narchive_endpoint = 'file:///etc/passwd'\n",
            "bad.toml:2: link_check.archive_endpoint: 'file:///etc/passwd': not an http(s) URL",
        ),
    ],
)
def test_bad_config_is_one_line_naming_file_line_and_key(text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as error:
        parse_config(text, "bad.toml")
    message = str(error.value)
    assert expected in message
    assert "\n" not in message


def test_bad_config_exits_2_with_one_line_and_writes_nothing(tmp_path: Path) -> None:
    config = tmp_path / "citywatch.toml"
    config.write_text(f'[database]\nurl = "sqlite:///{tmp_path}/c.db"\n[crawl]\ntimeout = "x"\n')
    result = run_cli("--config", str(config), "init")
    assert result.code == 2
    assert result.stderr.strip().count("\n") == 0
    assert "citywatch.toml:4: crawl.timeout: expected float" in result.stderr
    assert not (tmp_path / "c.db").exists()


def test_missing_config_file_exits_2(tmp_path: Path) -> None:
    result = run_cli("--config", str(tmp_path / "nope.toml"), "sources")
    assert result.code == 2
    assert "nope.toml: config file not found" in result.stderr


def test_enabled_source_without_a_spider_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text(SOURCE)
    result = run_cli("--config", str(config), "config", "check")
    assert result.code == 2
    assert "sources.a.spider: no spider named 'a'" in result.stderr


def test_the_spiders_a_source_may_name_leave_out_the_link_checker(tmp_path: Path) -> None:
    """`link_checker` is refused as a source's spider: it is not offered as one either."""
    config = tmp_path / "c.toml"
    config.write_text(SOURCE + 'spider = "mercociudades"\n', "utf-8")

    result = invoke_cli("--config", str(config), "config", "check")

    assert (result.code, result.stdout) == (2, "")
    assert result.stderr == (
        f"citywatch: error: {config}: sources.a.spider: no spider named 'mercociudades' "
        "(known: bank_of_best_practices, beyond_the_outbreak, bibliography, "
        "cities_for_global_health, idb_cities_network, mercociudades_covid)\n"
    )


def test_config_init_writes_the_default_and_refuses_to_overwrite(tmp_path: Path) -> None:
    first = run_cli("config", "init", "-o", "citywatch.toml", cwd=tmp_path)
    assert first.code == 0, first.stderr
    assert load_config(str(tmp_path / "citywatch.toml")).sources
    again = run_cli("config", "init", "-o", "citywatch.toml", cwd=tmp_path)
    assert again.code == 2 and "already exists" in again.stderr


def test_configuration_doc_is_generated_from_the_settings_table() -> None:
    doc = Path(__file__).parents[2] / "docs" / "configuration.md"
    assert doc.read_text("utf-8") == configuration_markdown()
    for row in SETTINGS:
        assert f"`{row.key}`" in doc.read_text("utf-8")


def test_help_lists_every_setting() -> None:
    result = run_cli("--help")
    assert result.code == 0
    for row in SETTINGS:
        assert row.name in result.stdout


UNSUPPORTED = "unsupported database; citywatch uses " + SUPPORTED_DATABASES


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("mysql://u:secret@127.0.0.1/d", "mysql://u:***@127.0.0.1/d"),
        ("postgresql+psycopg2://u:secret@127.0.0.1/d", "postgresql+psycopg2://u:***@127.0.0.1/d"),
        ("sqlite+aiosqlite:///x.db", "sqlite+aiosqlite:///x.db"),
    ],
)
def test_a_database_citywatch_does_not_support_is_refused_before_anything_is_written(
    tmp_path: Path, url: str, shown: str
) -> None:
    config = tmp_path / "citywatch.toml"
    config.write_text(f'[database]\nurl = "{url}"\n', "utf-8")
    clean = tmp_path / "clean.toml"
    clean.write_text(f'[database]\nurl = "sqlite:///{tmp_path}/c.db"\n', "utf-8")
    env = {"CITYWATCH_DB_URL": url}
    expected = {
        ("--config", str(config), "config", "check"): f"{config}:2: database.url: {shown}",
        ("--config", str(config), "init"): f"{config}:2: database.url: {shown}",
        ("--config", str(clean), "--db", url, "init"): f"--db: {shown}",
        ("--config", str(clean), "init", "env"): f"environment variable CITYWATCH_DB_URL: {shown}",
    }
    for args, where in expected.items():
        if args[-1] == "env":
            result = run_cli(*args[:-1], cwd=tmp_path, env=env)
        else:
            result = run_cli(*args, cwd=tmp_path)
        assert result.code == 2, args
        assert result.stderr == f"citywatch: error: {where}: {UNSUPPORTED}\n", args
        assert result.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["citywatch.toml", "clean.toml"]


IN_MEMORY = (
    "an in-memory SQLite database vanishes when the command ends; name a file: sqlite:///PATH"
)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        (
            "[link_check]\nrecheck_healthy_days = inf\n",
            ":2: link_check.recheck_healthy_days: must be a finite number, got inf",
        ),
        (
            "[link_check]\nrecheck_healthy_days = 1e300\n",
            ":2: link_check.recheck_healthy_days: must be at most 365, got 1e+300",
        ),
        (
            "[link_check]\nbroken_after_days = 1e300\n",
            ":2: link_check.broken_after_days: must be at most 365, got 1e+300",
        ),
        (
            "[link_check]\nrecheck_failing_hours = 8761\n",
            ":2: link_check.recheck_failing_hours: must be at most 8760, got 8761.0",
        ),
        (
            "[crawl]\ndownload_delay = nan\n",
            ":2: crawl.download_delay: must be a finite number, got nan",
        ),
        (
            "[link_check]\nmax_retry_after = nan\n",
            ":2: link_check.max_retry_after: must be a finite number, got nan",
        ),
        (
            "[alarms]\nmax_record_drop = nan\n",
            ":2: alarms.max_record_drop: must be a finite number, got nan",
        ),
        (
            "[alarms]\nmin_field_coverage = 5.0\n",
            ":2: alarms.min_field_coverage: must be at most 1, got 5.0",
        ),
        (
            "[link_check]\ndrift_bits = 65\n",
            ":2: link_check.drift_bits: must be at most 64, got 65",
        ),
        (
            "[crawl]\nnormalise_processes = 100000\n",
            ":2: crawl.normalise_processes: must be at most 64, got 100000",
        ),
        (
            SOURCE + "download_delay = -inf\n",
            ":5: sources[0].download_delay: must be a finite number, got -inf",
        ),
        (
            "[link_check]\nexclude = ['^https://ok\\\\.example/', '(']\n",
            ":2: link_check.exclude[1]: '(': not a regular expression (missing ), unterminated "
            "subpattern at position 0)",
        ),
        ('[database]\nurl = "sqlite://"\n', f":2: database.url: sqlite://: {IN_MEMORY}"),
        (
            '[database]\nurl = "sqlite:///:memory:"\n',
            f":2: database.url: sqlite:///:memory:: {IN_MEMORY}",
        ),
        (
            '[database]\nurl = "sqlite:///file::memory:?cache=shared&uri=true"\n',
            f":2: database.url: sqlite:///file::memory:?cache=shared&uri=true: {IN_MEMORY}",
        ),
    ],
)
def test_what_config_check_passes_every_command_can_use(
    tmp_path: Path, text: str, error: str
) -> None:
    """A value no command could use (an infinite or astronomic number of days, a share above
    1, a pattern that does not compile, a database gone with the process) is refused when the
    config is loaded, by `config check` as by every other command."""
    config = tmp_path / "citywatch.toml"
    config.write_text(text, "utf-8")

    for command in (["config", "check"], ["init"], ["sources"]):
        result = invoke_cli("--config", str(config), *command)

        assert (result.code, result.stdout) == (2, ""), command
        assert result.stderr == f"citywatch: error: {config}{error}\n", command
    assert sorted(path.name for path in tmp_path.iterdir()) == ["citywatch.toml"]


@pytest.mark.parametrize(
    "url", ["sqlite://", "sqlite:///:memory:", "sqlite:///x?mode=memory&uri=true"]
)
def test_an_in_memory_database_from_the_environment_or_db_is_refused_too(
    tmp_path: Path, url: str
) -> None:
    clean = tmp_path / "citywatch.toml"
    clean.write_text(f'[database]\nurl = "sqlite:///{tmp_path}/c.db"\n', "utf-8")

    by_flag = invoke_cli("--config", str(clean), "--db", url, "init")
    by_environment = invoke_cli("--config", str(clean), "init", env={"CITYWATCH_DB_URL": url})

    assert (by_flag.code, by_flag.stdout) == (2, "")
    assert by_flag.stderr == f"citywatch: error: --db: {url}: {IN_MEMORY}\n"
    assert (by_environment.code, by_environment.stdout) == (2, "")
    assert by_environment.stderr == (
        f"citywatch: error: environment variable CITYWATCH_DB_URL: {url}: {IN_MEMORY}\n"
    )
    assert sorted(path.name for path in tmp_path.iterdir()) == ["citywatch.toml"]


def test_every_float_setting_has_a_floor_and_a_ceiling() -> None:
    """Seconds, hours, days and shares all have a natural ceiling: a wait must end, a date
    computed from `now` must not overflow, a share is at most 1."""
    floats = [row for row in SETTINGS if row.type is float]
    assert len(floats) == 13
    for row in floats:
        assert row.minimum is not None and row.maximum is not None, row.name
        assert row.maximum in (1, 64, 365, 3600, 8760), row.name
