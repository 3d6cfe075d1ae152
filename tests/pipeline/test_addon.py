"""citywatch.toml becomes each crawler's Scrapy settings, source overrides included."""

from __future__ import annotations

from pipeline.addon import scrapy_settings_for
from pipeline.config import parse_config

CONFIG = """
[crawl]
download_delay = 1.5
[alarms]
min_field_coverage = 0.8
[[sources]]
key = "mercociudades_covid"
name = "M"
start_urls = ["https://mercociudades.org/covid-19/"]
download_delay = 3
required_fields = ["title"]
"""


def test_source_overrides_and_alarm_thresholds_reach_the_crawler() -> None:
    settings = scrapy_settings_for(parse_config(CONFIG, "c.toml"), "mercociudades_covid")
    assert settings["DOWNLOAD_DELAY"] == 3.0
    assert settings["CITYWATCH_ALARMS"] == {
        "required_fields": ["title"],
        "min_field_coverage": 0.8,
        "max_record_drop": 0.3,
        "max_http_error_rate": 0.1,
        "max_malformed_share": 0.0,
    }
    assert settings["CITYWATCH_SOURCE"]["start_urls"] == ["https://mercociudades.org/covid-19/"]
    assert settings["HTTPCACHE_POLICY"] == "crawler.httpcache.RevalidatingPolicy"
    assert settings["ROBOTSTXT_OBEY"] is True


def test_a_spider_that_is_not_a_source_gets_only_the_global_settings() -> None:
    settings = scrapy_settings_for(parse_config(CONFIG, "c.toml"), "some_tool")
    assert settings["DOWNLOAD_DELAY"] == 1.5
    assert "CITYWATCH_SOURCE" not in settings


def test_the_link_checker_runs_with_the_link_check_politeness_and_never_a_cache() -> None:
    config = parse_config(
        CONFIG + "\n[link_check]\nconcurrency_per_host = 4\ntimeout = 5.0\n", "c.toml"
    )
    settings = scrapy_settings_for(config, "link_checker")
    assert settings["CONCURRENT_REQUESTS_PER_DOMAIN"] == 4
    assert settings["DOWNLOAD_TIMEOUT"] == 5.0
    assert settings["HTTPCACHE_ENABLED"] is False
    assert settings["CITYWATCH_LINK_CHECK"]["max_redirects"] == 10
    assert "pipeline.links.store.LinkCheckPipeline" in settings["ITEM_PIPELINES"]
