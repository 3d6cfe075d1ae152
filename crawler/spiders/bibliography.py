"""The documents a source cites (its bibliography): one record of kind ``document`` each.

A cited URL is fetched as it is cited; the record keeps what the answer says of the document
(title, content type, size, PDF metadata, where redirects ended). A PDF's title comes from its
Info dictionary, else from the first line of its first page; an HTML document is read like any
article (structured data first, the profile for the rest). The stable id is derived from the
cited URL, because the citation is what the catalogue must keep true.
"""

from __future__ import annotations

import hashlib
import io
from typing import Any

from pypdf import PdfReader
from pypdf.errors import PyPdfError
from scrapy import Request
from scrapy.http import Response, TextResponse

from crawler.base import CitywatchSpider
from crawler.items import PageRecord

__all__ = ["BibliographySpider", "pdf_metadata"]

MAX_TITLE_CHARS = 500


class BibliographySpider(CitywatchSpider):
    name = "bibliography"
    # Fields the extraction alarm watches: a cited document need not have a date or a body.
    required_fields = ("title",)

    def start_request(self, url: str) -> Request:
        """Each cited document is a page of its own: one that fails is missed, not a listing."""
        return Request(
            url,
            callback=self.parse_document,
            errback=self.detail_failed,
            cb_kwargs={"cited_url": url},
            dont_filter=True,
        )

    def parse_document(self, response: Response, cited_url: str) -> PageRecord:
        content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        extra: dict[str, Any] = {
            "cited_url": cited_url,
            "final_url": response.url,
            "content_type": content_type.split(";")[0].strip() or None,
            "size_bytes": len(response.body),
            "http_status": response.status,
        }
        record = PageRecord(
            source_key=self.name,
            kind="document",
            stable_id=f"{self.name}:url:{hashlib.sha256(cited_url.encode()).hexdigest()[:16]}",
            url=response.url,
            extra=extra,
        )
        if response.body.startswith(b"%PDF-") or "pdf" in content_type.lower():
            metadata = pdf_metadata(response.body)
            extra.update({k: v for k, v in metadata.items() if k != "title"})
            record.title = metadata.get("title")
            record.published = metadata.get("created")
        elif isinstance(response, TextResponse):
            meta = self.metadata(response)
            record.canonical_url = meta.canonical_url
            record.title = meta.title or self.profile.first(response.selector, "document", "title")
            record.summary_html = self.profile.first(response.selector, "document", "summary_html")
            record.body_html = self.profile.first(response.selector, "document", "body_html")
            record.published = meta.published or self.profile.first(
                response.selector, "document", "published"
            )
            record.language = meta.language
        return record


def pdf_metadata(body: bytes) -> dict[str, Any]:
    """Title (Info /Title, else the first line of page 1), pages, author, creation date."""
    try:
        reader = PdfReader(io.BytesIO(body))
        info = reader.metadata
        title = (info.title or "").strip() if info else ""
        if not title and reader.pages:
            first_text = reader.pages[0].extract_text() or ""
            title = next((line.strip() for line in first_text.splitlines() if line.strip()), "")
        created = info.creation_date.isoformat() if info and info.creation_date else None
        return {
            "title": title[:MAX_TITLE_CHARS] or None,
            "pdf_title": (info.title or None) if info else None,
            "pdf_pages": len(reader.pages),
            "pdf_author": (info.author or None) if info else None,
            "created": created,
        }
    except (PyPdfError, ValueError, KeyError, TypeError) as exc:
        return {"title": None, "pdf_error": str(exc)[:200]}
