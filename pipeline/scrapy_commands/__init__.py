"""Scrapy commands of the project (``COMMANDS_MODULE`` in crawler/settings.py): each replaces
Scrapy's command of the same name, so that ``scrapy crawl SOURCE`` ends as ``citywatch crawl``
does."""
