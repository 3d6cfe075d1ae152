"""The fields of a Bank of Best Practices practice as ACF (Advanced Custom Fields) shows them in
the WordPress REST API, checked: a practice whose fields hold what they cannot is malformed.

ACF sends an empty field as false, null or "" whatever its kind, a file field as its URL or (set
to return an array) an object with it, and a repeater as a list of objects.
"""

from __future__ import annotations

from typing import Any

from crawler.json_fields import Malformed

__all__ = ["MAX_LIST", "acf_fields"]

MAX_LIST = 100  # universities, documents or SDGs of one practice: more is no practice

# Fields read as text.
_ACF_TEXT = ("resumen", "idioma", "gobierno_local", "tipo_gobierno_local", "ciudad", "pais",
             "estado")  # fmt: skip


def acf_fields(acf: Any) -> dict[str, Any] | None:
    """The practice's ACF fields, checked, empty ones None and lists read (universities as
    names, documents as ``{"url", "title"}``, SDGs as text); None when the REST API does not
    show them (absent, or an empty list: the field group is hidden from REST)."""
    if acf is None or acf is False or acf == []:
        return None
    if not isinstance(acf, dict):
        raise Malformed("acf", f"expected a JSON object, got {type(acf).__name__}")
    fields = {name: None if _empty(value) else value for name, value in acf.items()}
    for name in _ACF_TEXT:
        if not isinstance(fields.get(name), str | None):
            raise Malformed(f"acf.{name}", f"expected text, got {type(fields[name]).__name__}")
    year = fields.get("anio")
    if isinstance(year, bool) or not isinstance(year, int | str | None):
        raise Malformed("acf.anio", f"expected a year, got {type(year).__name__}")
    for name, read in (("universidades", _university), ("documentos", _document), ("ods", _sdg)):
        values = fields.get(name) or []
        if not isinstance(values, list) or len(values) > MAX_LIST:
            raise Malformed(f"acf.{name}", f"expected a list of at most {MAX_LIST} values")
        try:
            fields[name] = [value for value in map(read, values) if value is not None]
        except ValueError as error:
            raise Malformed(f"acf.{name}", str(error)) from None
    return fields


def _empty(value: Any) -> bool:
    return value is None or value is False or value == ""


def _university(value: Any) -> str | None:
    """A university: its name, or ACF's object with the name in ``nombre``."""
    name = value.get("nombre") if isinstance(value, dict) else value
    if _empty(name):
        return None
    if not isinstance(name, str):
        raise ValueError(f"a university that is a {type(name).__name__}")
    return name


def _document(value: Any) -> dict[str, str | None] | None:
    """A document: ``archivo`` (ACF's file field: the URL, or an object with it) and its
    ``titulo``; None for one without a file."""
    if not isinstance(value, dict):
        raise ValueError(f"a document that is a {type(value).__name__}")
    url = value.get("archivo")
    url = url.get("url") if isinstance(url, dict) else url
    title = value.get("titulo")
    if not isinstance(url, str | None) or not (_empty(title) or isinstance(title, str)):
        raise ValueError("a document whose file or title is not text")
    return {"url": url, "title": None if _empty(title) else title} if url else None


def _sdg(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(f"an SDG that is a {type(value).__name__}")
    return str(value)
