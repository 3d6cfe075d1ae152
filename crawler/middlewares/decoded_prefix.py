"""Decode a compressed answer only as far as its requester reads it, keeping that prefix.

A request carrying ``meta["decoded_prefix"] = N`` (every request of the link checker) gets its
body decoded to at most N bytes; the response is flagged ``decoded_prefix_cut`` and
``meta["decoded_prefix_cut"]`` names the encoding when the whole body was longer. Nothing else
changes: the response then reaches Scrapy's HttpCompressionMiddleware with no encoding left to
undo, and every other request is still bounded by DOWNLOAD_MAXSIZE there (refused beyond it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scrapy.http import Response, TextResponse
from scrapy.responsetypes import responsetypes

from crawler.decoding import decode_prefix

if TYPE_CHECKING:
    from scrapy import Request

__all__ = ["CUT_FLAG", "DECODED_PREFIX", "DecodedPrefixMiddleware"]

DECODED_PREFIX = "decoded_prefix"  # request meta: decode at most this many bytes
CUT_FLAG = "decoded_prefix_cut"  # response flag, and meta key naming the encoding cut


class DecodedPrefixMiddleware:
    """Sits just before HttpCompressionMiddleware (590) on the way back from the downloader."""

    def process_response(self, request: Request, response: Response) -> Response:
        limit = request.meta.get(DECODED_PREFIX)
        content_encoding = response.headers.getlist("Content-Encoding")
        if not limit or request.method == "HEAD" or not content_encoding:
            return response
        body, left, cut = decode_prefix(response.body, content_encoding, int(limit))
        headers = response.headers.copy()
        if left:
            headers.setlist("Content-Encoding", left)
        else:
            del headers["Content-Encoding"]
        flags = list(response.flags)
        if cut:
            flags.append(CUT_FLAG)
            request.meta[CUT_FLAG] = b", ".join(content_encoding).decode("latin-1")[:100]
        kind = responsetypes.from_args(headers=headers, url=response.url, body=body)
        replaced: dict[str, Any] = {"cls": kind, "body": body, "headers": headers, "flags": flags}
        if issubclass(kind, TextResponse):
            replaced["encoding"] = None  # decided again from the decoded body, as Scrapy does
        decoded: Response = response.replace(**replaced)
        return decoded
