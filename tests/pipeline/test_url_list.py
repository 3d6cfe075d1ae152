"""The URL file of `citywatch check-links FILE`: every bad line named, nothing else read wrong."""

from __future__ import annotations

import io

from pipeline.url_list import MAX_LINE_BYTES, read_url_list


def read(content: bytes) -> tuple[list[str], list[str]]:
    found = read_url_list(io.BytesIO(content), "urls.txt")
    return found.urls, found.problems


def test_urls_are_kept_once_in_the_link_store_spelling_in_file_order() -> None:
    content = (
        b"\xef\xbb\xbf# cited in the article\n"
        b"https://EXAMPLE.org/a\n"
        b"\n"
        b"   https://example.org/b   \r\n"
        b"https://example.org:443/a\n"
        b"https://m\xc3\xbcnchen.de/S\xc3\xa3o"
    )
    assert read(content) == (
        ["https://example.org/a", "https://example.org/b", "https://xn--mnchen-3ya.de/São"],
        [],
    )


def test_every_bad_line_is_named_with_its_number_and_reason() -> None:
    content = (
        b"https://example.org/ok\n"
        b"https://exa mple.org/\n"
        b"ftp://example.org/file\n"
        b"\xff\xfe not utf-8\n"
        b"https://example.org/\x1b[2J\n"
        b"https://example.org/" + b"x" * 3000 + b"\n"
        b"https://example.org/also-ok\n"
    )
    urls, problems = read(content)
    assert urls == ["https://example.org/ok", "https://example.org/also-ok"]
    assert problems == [
        "urls.txt:2: 'https://exa mple.org/': contains a space (U+0020) at character 12",
        "urls.txt:3: 'ftp://example.org/file': not an http(s) URL",
        "urls.txt:4: not UTF-8 text (byte 0xff at column 1)",
        "urls.txt:5: 'https://example.org/\\x1b[2J': contains a control character (U+001B) at "
        "character 21",
        "urls.txt:6: 'https://example.org/" + "x" * 100 + "'... (3,020 characters): 3,020 "
        "characters long, more than the 2,083 allowed",
    ]


def test_an_endless_line_is_read_in_bounded_pieces_and_named() -> None:
    content = b"https://example.org/" + b"x" * (3 * MAX_LINE_BYTES) + b"\nhttps://example.org/b\n"
    assert read(content) == (
        ["https://example.org/b"],
        ["urls.txt:1: line longer than 65,536 bytes (a URL may have 2,083 characters)"],
    )


def test_a_line_of_exactly_the_bound_is_read_whole() -> None:
    line = b"#" * MAX_LINE_BYTES + b"\n"
    assert read(line + b"https://example.org/\n") == (["https://example.org/"], [])


def test_a_line_that_is_no_attempt_at_a_url_is_never_echoed() -> None:
    content = (
        b"root:$6$salt$hashedpassword:19000:0:99999:7:::\n"
        b"AKIAIOSFODNN7EXAMPLE wJalrXUtnFEMI/K7MDENG\n"
        b"example.org/a\n"
        b"https://example.org/ok\n"
        b"htps//example.org/\n"
        b"mailto:someone@example.org\n"
        b"https://exa mple.org/\n"
    )
    urls, problems = read(content)
    assert urls == ["https://example.org/ok"]
    assert problems == [
        "urls.txt:1: not a URL (not shown)",
        "urls.txt:2: not a URL (not shown)",
        "urls.txt:3: not a URL (not shown)",
        "urls.txt:5: not a URL (not shown)",
        "urls.txt:6: not a URL (not shown)",
        "urls.txt:7: 'https://exa mple.org/': contains a space (U+0020) at character 12",
    ]
