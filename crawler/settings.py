"""Scrapy project settings: the static defaults.

Everything an operator tunes (politeness, database, sources) lives in citywatch.toml; the
`pipeline.addon.CitywatchAddon` reads it and applies it to each crawler, so `citywatch crawl`
and a bare `scrapy crawl <source key>` behave the same.
"""

BOT_NAME = "citywatch"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

ADDONS = {"pipeline.addon.CitywatchAddon": 0}

DOWNLOADER_MIDDLEWARES = {
    # Before robots.txt (100) so that not even robots.txt is fetched from a refused host.
    "crawler.middlewares.private_network.PrivateNetworkGuard": 50,
    # crawl.max_listing_pages: a listing page past it is refused before anything else.
    "crawler.middlewares.listing_bound.ListingBound": 60,
}
SPIDER_MIDDLEWARES = {
    "crawler.middlewares.listing_marker.ListingMarkerMiddleware": 950,
}

ROBOTSTXT_OBEY = True
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
FEED_EXPORT_ENCODING = "utf-8"
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
DOWNLOAD_WARNSIZE = 5_000_000
LOG_LEVEL = "INFO"
