"""Decode a Content-Encoding to at most a bound: the prefix of a compressed body, never more.

Scrapy's HttpCompressionMiddleware refuses a body that inflates beyond DOWNLOAD_MAXSIZE, which
suits a crawl (a page cut short would be a wrong record). A link check needs the opposite: the
first ``max_body_bytes`` of a page, whatever the whole inflates to, since that prefix is all it
reads (title, error phrases, fingerprint). Each decoder here stops producing output at the
bound, so a gzip bomb costs the bound in memory, not what it would inflate to.

Encodings are undone last-applied first, as Scrapy does; an encoding it does not know stops
the decoding (the rest stays in ``Content-Encoding``).
"""

from __future__ import annotations

import sys
import zlib
from collections.abc import Callable, Sequence
from io import BytesIO
from itertools import chain
from typing import Any

try:
    import brotli
except ImportError:  # pragma: no cover - PyPy ships brotlicffi, as Scrapy allows
    try:
        import brotlicffi as brotli
    except ImportError:
        brotli = None

if sys.version_info >= (3, 14):  # pragma: no cover
    from compression import zstd
else:
    from backports import zstd

__all__ = ["decode_prefix"]

_CHUNK = 65_536


def decode_prefix(
    body: bytes, content_encoding: Sequence[bytes], limit: int
) -> tuple[bytes, list[bytes], bool]:
    """``body`` decoded to at most ``limit`` bytes: the decoded prefix, the encodings left
    undecoded (outermost last), and whether the decoded body was longer than ``limit``.

    Raises what the decoder raises on a corrupt body (``zlib.error``, ``brotli.error``...), as
    Scrapy's middleware does: a browser cannot read such a page either."""
    left = [
        encoding.strip().lower()
        for encoding in chain.from_iterable(value.split(b",") for value in content_encoding)
    ]
    cut = False
    while left and left[-1] in _DECODERS:
        encoding = left.pop()
        # One byte more than the bound tells a body that was cut from one that just fits.
        body = _DECODERS[encoding](body, limit + 1)
        if len(body) > limit:
            body, cut = body[:limit], True
    return body, left, cut


def _gunzip(data: bytes, wanted: int) -> bytes:
    """Every gzip member (a stream may hold several), until ``wanted`` bytes."""
    decoded = bytearray()
    while data and len(decoded) < wanted:
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        try:
            decoded += inflater.decompress(data, wanted - len(decoded))
        except zlib.error:
            if decoded:  # trailing garbage after a member: keep what was read, as GzipFile does
                break
            raise
        if not inflater.eof:  # cut at ``wanted``, or a body that was itself cut short
            break
        data = inflater.unused_data
    return bytes(decoded)


def _inflate(data: bytes, wanted: int) -> bytes:
    try:
        return zlib.decompressobj().decompress(data, wanted)
    except zlib.error:
        # Raw deflate, without the zlib header, as some Microsoft servers send it.
        return zlib.decompressobj(wbits=-zlib.MAX_WBITS).decompress(data, wanted)


def _unbrotli(data: bytes, wanted: int) -> bytes:
    decompressor: Any = brotli.Decompressor()
    decoded = bytearray(decompressor.process(data, output_buffer_limit=min(wanted, _CHUNK)))
    while len(decoded) < wanted and not decompressor.is_finished():
        more = decompressor.process(b"", output_buffer_limit=min(wanted - len(decoded), _CHUNK))
        if not more:
            break
        decoded += more
    return bytes(decoded[:wanted])


def _unzstd(data: bytes, wanted: int) -> bytes:
    reader = zstd.ZstdFile(BytesIO(data))
    decoded = bytearray()
    while len(decoded) < wanted:
        try:
            more = reader.read(min(wanted - len(decoded), _CHUNK))
        except EOFError:  # a body cut short: keep what it held, as Scrapy does
            break
        if not more:
            break
        decoded += more
    return bytes(decoded)


_DECODERS: dict[bytes, Callable[[bytes, int], bytes]] = {
    b"gzip": _gunzip,
    b"x-gzip": _gunzip,
    b"deflate": _inflate,
    b"zstd": _unzstd,
}
if brotli is not None:
    _DECODERS[b"br"] = _unbrotli
