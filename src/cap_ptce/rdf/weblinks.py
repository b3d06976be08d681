"""Which IRIs may become links: the one rule for every page, report and file we write.

A description says what it likes (``site_web: "javascript:alert(1)"`` is an IRI
to RDF); only an absolute ``http`` or ``https`` address with a host becomes a
link, anything else is shown as text. The web app offers it to templates as the
filter ``web_link`` (``{% set href = iri|web_link %}{% if href %}<a href="{{ href }}">…``).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

__all__ = ["web_link", "is_web_link"]

_UNSAFE = re.compile(r"[\x00-\x20\x7f\"'<>\\`]")


def web_link(iri: object) -> str | None:
    """``iri`` as a link target if it is an http(s) address with a host, else None."""
    text = str(iri) if iri is not None else ""
    if not text or _UNSAFE.search(text):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        return None
    return text


def is_web_link(iri: object) -> bool:
    """Whether ``iri`` may be a link (see :func:`web_link`)."""
    return web_link(iri) is not None
