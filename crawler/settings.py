"""Scrapy project settings: the static defaults.

Everything an operator tunes (politeness, database, sources) lives in citywatch.toml; the
`pipeline.addon.CitywatchAddon` reads it and applies it to each crawler, so `citywatch crawl`
and a bare `scrapy crawl <source key>` behave the same.
"""

BOT_NAME = "citywatch"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

ADDONS = {"pipeline.addon.CitywatchAddon": 0}
# `scrapy crawl SOURCE` exits as `citywatch crawl` does (pipeline/scrapy_commands/crawl.py).
COMMANDS_MODULE = "pipeline.scrapy_commands"

# Only http and https are ever fetched, on every path (crawls, link checks, in-callback
# downloads): a scraped link or a redirect to file:, data:, ftp: or s3: finds no handler.
# http and https go through Scrapy's HTTP/1.1 handler with a bound on the response header block
# (crawler/download_handler.py): a server streaming header lines forever costs 256 KiB.
DOWNLOAD_HANDLERS = {
    "http": "crawler.download_handler.BoundedHeadersDownloadHandler",
    "https": "crawler.download_handler.BoundedHeadersDownloadHandler",
    "file": None,
    "data": None,
    "ftp": None,
    "s3": None,
}
CITYWATCH_MAX_HEADER_BYTES = 256 * 1024
# The resolver every connection uses: it drops loopback, private and link-local addresses
# unless private networks are allowed, so the address connected to is the address checked.
TWISTED_DNS_RESOLVER = "crawler.resolver.PublicAddressResolver"

DOWNLOADER_MIDDLEWARES = {
    # Before robots.txt (100) so that not even robots.txt is fetched from a refused host.
    "crawler.middlewares.private_network.PrivateNetworkGuard": 50,
    # crawl.max_listing_pages: a listing page past it is refused before anything else.
    "crawler.middlewares.listing_bound.ListingBound": 60,
    # Just before HttpCompressionMiddleware (590): a link check decodes only what it reads.
    "crawler.middlewares.decoded_prefix.DecodedPrefixMiddleware": 595,
    # Beside DownloaderStats (850): it sees the failures the HTTP-error-rate alarm counts.
    "crawler.middlewares.http_errors.HttpErrorSamples": 845,
}
SPIDER_MIDDLEWARES = {
    "crawler.middlewares.listing_marker.ListingMarkerMiddleware": 950,
}

# Scrapy's debugging endpoints listen on a local port and run code sent to them (the remote
# control also writes its port and token to a job file in the user's home): a production tool
# that reads hostile pages opens no such door, in any command.
EXTENSIONS = {
    "scrapy.extensions.telnet.TelnetConsole": None,
    "scrapy.extensions.remote_control.RemoteControl": None,
}
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

ROBOTSTXT_OBEY = True
COOKIES_ENABLED = False
FEED_EXPORT_ENCODING = "utf-8"
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
DOWNLOAD_WARNSIZE = 5_000_000
LOG_LEVEL = "INFO"
