"""``the_content`` and ``the_excerpt`` of a post, as WordPress 6 renders block-editor content."""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipeline.replicas.wordpress.formatting import esc_attr, texturize, trim_words
from pipeline.replicas.wordpress.model import Block, Post, Run, Term

__all__ = [
    "EXCERPT_LENGTH",
    "blocks_html",
    "content_html",
    "description",
    "excerpt_html",
    "excerpt_plain",
    "excerpt_text",
    "opening",
    "term_description_html",
    "url_for",
]

EXCERPT_LENGTH = 55  # words, WordPress's default excerpt_length
EXCERPT_MORE = "&nbsp;[&hellip;]"
DESCRIPTION_LENGTH = 155  # characters, as Yoast recommends
_VIDEO_ALLOW = (
    "accelerometer; autoplay; clipboard-write; encrypted-media; gyroscope; "
    "picture-in-picture; web-share"
)


def url_for(href: str, base_url: str) -> str:
    """Content stores site links as paths; WordPress prints them absolute."""
    return base_url + href if href.startswith("/") else href


def _run_html(run: Run, base_url: str) -> str:
    text = texturize(run.text)
    if run.strong:
        text = f"<strong>{text}</strong>"
    if run.href is not None:
        href = esc_attr(url_for(run.href, base_url)).replace("&amp;", "&#038;")
        text = f'<a href="{href}">{text}</a>'
    return text


def _block_html(block: Block, base_url: str) -> str:
    if block.kind == "p":
        return "<p>" + "".join(_run_html(run, base_url) for run in block.runs) + "</p>"
    if block.kind == "ul":
        items = "\n\n\n\n".join(f"<li>{texturize(item)}</li>" for item in block.items)
        return f'<ul class="wp-block-list">\n{items}\n</ul>'
    if block.kind == "video":
        return (
            '<figure class="wp-block-embed is-type-video is-provider-youtube '
            'wp-block-embed-youtube wp-embed-aspect-16-9 wp-has-aspect-ratio">'
            '<div class="wp-block-embed__wrapper">\n'
            f'<iframe title="{esc_attr(block.video_title)}" width="840" height="473" '
            f'src="https://www.youtube.com/embed/{block.video_id}?feature=oembed" '
            f'frameborder="0" allow="{_VIDEO_ALLOW}" '
            'referrerpolicy="strict-origin-when-cross-origin" allowfullscreen></iframe>\n'
            "</div></figure>"
        )
    return block.raw_html


def blocks_html(blocks: Sequence[Block], base_url: str) -> str:
    """What ``the_content`` prints of blocks: their markup with the block comments removed."""
    return "\n" + "\n\n\n\n".join(_block_html(block, base_url) for block in blocks) + "\n"


def content_html(post: Post, base_url: str) -> str:
    """What ``the_content`` prints of a post."""
    return blocks_html(post.body.blocks, base_url)


def term_description_html(term: Term, base_url: str) -> str:
    """A term's description as stored (and as the REST API gives it): paragraphs, one a line."""
    return "\n".join(_block_html(block, base_url) for block in term.description)


def _content_words(post: Post) -> tuple[str, bool]:
    """wp_trim_words on the rendered content: tags (and script/style bodies) stripped."""
    rendered = content_html(post, "")
    rendered = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", rendered, flags=re.S)
    return trim_words(re.sub(r"<[^>]+>", " ", rendered), EXCERPT_LENGTH)


def excerpt_text(post: Post) -> str:
    """``get_the_excerpt`` (texturized): the manual excerpt, else the first 55 words and [...]."""
    if post.body.excerpt is not None:
        return texturize(post.body.excerpt)
    words, cut = _content_words(post)
    return words + (EXCERPT_MORE if cut else "")


def excerpt_html(post: Post) -> str:
    """What ``the_excerpt`` prints: the excerpt text in a paragraph."""
    return f"<p>{excerpt_text(post)}</p>\n"


def excerpt_plain(post: Post) -> str:
    """The excerpt as the feed's ``<description>`` carries it (text with entities)."""
    if post.body.excerpt is not None:
        return texturize(post.body.excerpt)
    words, cut = _content_words(post)
    return words + (" [&#8230;]" if cut else "")


def description(post: Post) -> str:
    """Yoast's meta description: the excerpt, else the opening words of the content."""
    if post.excerpt is not None:
        return post.excerpt
    return opening(post.paragraphs)


def opening(paragraphs: Sequence[str]) -> str:
    """The first DESCRIPTION_LENGTH characters of some paragraphs, cut at a word."""
    text = " ".join(paragraphs)
    if len(text) <= DESCRIPTION_LENGTH:
        return text
    return text[:DESCRIPTION_LENGTH].rsplit(" ", 1)[0] + "…"
