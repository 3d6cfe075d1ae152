"""A compressed answer is decoded only as far as a link check reads it (every encoding Scrapy
decodes); other requests are left to Scrapy's HttpCompressionMiddleware and its bound."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Callable

import brotli
import pytest
from backports import zstd
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response
from scrapy.utils.test import get_crawler

from crawler.decoding import decode_prefix
from crawler.middlewares.decoded_prefix import CUT_FLAG, DECODED_PREFIX, DecodedPrefixMiddleware

PAGE = b"<html><head><title>Participatory budget</title></head><body>" + b"<p>x</p>" * 200
PADDING = b"<!-- -->" * 1_000_000  # 8 MB that compress to almost nothing
URL = "https://mercociudades.example/page"


def raw_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


ENCODERS: dict[str, Callable[[bytes], bytes]] = {
    "gzip": gzip.compress,
    "x-gzip": gzip.compress,
    "deflate": zlib.compress,
    "br": brotli.compress,
    "zstd": zstd.compress,
}


@pytest.mark.parametrize("encoding", ENCODERS)
def test_a_body_inflating_beyond_the_bound_is_cut_at_the_bound(encoding: str) -> None:
    body = ENCODERS[encoding](PAGE + PADDING)
    assert len(body) < 100_000

    decoded, left, cut = decode_prefix(body, [encoding.encode()], 1_000)

    assert (decoded, left, cut) == ((PAGE + PADDING)[:1_000], [], True)


@pytest.mark.parametrize("encoding", ENCODERS)
def test_a_body_within_the_bound_is_decoded_whole(encoding: str) -> None:
    decoded, left, cut = decode_prefix(ENCODERS[encoding](PAGE), [encoding.encode()], len(PAGE))

    assert (decoded, left, cut) == (PAGE, [], False)


def test_raw_deflate_several_gzip_members_and_stacked_encodings_are_decoded() -> None:
    assert decode_prefix(raw_deflate(PAGE), [b"deflate"], 10**6) == (PAGE, [], False)
    two_members = gzip.compress(PAGE[:100]) + gzip.compress(PAGE[100:])
    assert decode_prefix(two_members, [b"gzip"], 10**6) == (PAGE, [], False)
    # Applied gzip first, then br: undone br first, each layer bounded.
    stacked = brotli.compress(gzip.compress(PAGE + PADDING))
    assert decode_prefix(stacked, [b"gzip, br"], 500) == (PAGE[:500], [], True)


def test_an_unknown_encoding_stops_the_decoding_and_stays() -> None:
    body = gzip.compress(PAGE)
    assert decode_prefix(body, [b"gzip", b"x-custom"], 10**6) == (
        body,
        [b"gzip", b"x-custom"],
        False,
    )


def test_a_corrupt_body_raises_as_scrapy_does() -> None:
    with pytest.raises(zlib.error):
        decode_prefix(b"\x1f\x8b\x08not gzip at all", [b"gzip"], 1000)


def test_the_middleware_keeps_the_prefix_and_says_it_was_cut() -> None:
    middleware = DecodedPrefixMiddleware()
    request = Request(URL, meta={DECODED_PREFIX: 1_000})
    headers = {"Content-Encoding": "gzip", "Content-Type": "text/html; charset=utf-8"}
    response = Response(URL, body=gzip.compress(PAGE + PADDING), headers=headers)

    decoded = middleware.process_response(request, response)

    assert isinstance(decoded, HtmlResponse)
    assert decoded.body == (PAGE + PADDING)[:1_000]
    assert decoded.headers.get("Content-Encoding") is None
    assert decoded.flags == [CUT_FLAG]
    assert request.meta[CUT_FLAG] == "gzip"
    assert decoded.css("title::text").get() == "Participatory budget"


def test_the_middleware_leaves_other_requests_to_scrapys_bound() -> None:
    """Without the meta key (a crawl), Scrapy's own middleware refuses a body inflating beyond
    DOWNLOAD_MAXSIZE: a cut page would be a wrong record."""
    from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware

    request = Request(URL)
    response = Response(
        URL, body=gzip.compress(PAGE + PADDING), headers={"Content-Encoding": "gzip"}
    )
    assert DecodedPrefixMiddleware().process_response(request, response) is response

    crawler = get_crawler(settings_dict={"DOWNLOAD_MAXSIZE": 1_000_000})
    scrapys = HttpCompressionMiddleware.from_crawler(crawler)
    with pytest.raises(IgnoreRequest, match=r"exceeded DOWNLOAD_MAXSIZE \(1000000 B\)"):
        scrapys.process_response(request, response)


def test_a_head_answer_is_left_alone() -> None:
    request = Request(URL, method="HEAD", meta={DECODED_PREFIX: 1_000})
    response = Response(URL, headers={"Content-Encoding": "gzip"})
    assert DecodedPrefixMiddleware().process_response(request, response) is response
