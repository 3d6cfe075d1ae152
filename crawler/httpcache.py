"""HTTP cache policy for recrawls: always ask the server, reuse the stored page only on 304.

A recrawl sends every request conditionally (If-None-Match / If-Modified-Since from the stored
copy). A page the server answers 304 is parsed from the stored copy, so its record counts as
seen, not removed. Nothing is served from the cache without asking: a heuristic "still fresh"
would hide a change, and serving the stored copy on a 5xx (as RFC 2616 allows) would hide an
outage behind old content.
"""

from __future__ import annotations

from scrapy import Request
from scrapy.extensions.httpcache import RFC2616Policy
from scrapy.http import Response

__all__ = ["RevalidatingPolicy"]


class RevalidatingPolicy(RFC2616Policy):
    def is_cached_response_fresh(self, cachedresponse: Response, request: Request) -> bool:
        self._set_conditional_validators(request, cachedresponse)
        return False

    def is_cached_response_valid(
        self, cachedresponse: Response, response: Response, request: Request
    ) -> bool:
        return response.status == 304
