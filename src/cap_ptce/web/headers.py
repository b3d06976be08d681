"""Headers on every answer of the app: security and CORS, from the one table of :mod:`cap_ptce.publish.headers`,
and ``Vary: Accept-Language`` on every answer whose language came from that header; and the name a download is
saved under (:func:`set_download_name`)."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from flask import Flask, Response, current_app, g, request

from ..publish.headers import SECURITY_HEADERS, cors_headers

__all__ = ["init_app", "set_download_name"]


def init_app(app: Flask) -> None:
    """Add the shared headers to every response (pages, data, the endpoint, errors)."""
    app.after_request(_shared_headers)


def _shared_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    origins = current_app.config.get("CORS_ORIGINS")
    response.headers.update(cors_headers(origins, preflight=request.method == "OPTIONS"))
    if origins and origins != "*":
        response.vary.add("Origin")
    if g.get("lang_from_header"):  # set by web.i18n.current_lang
        response.vary.add("Accept-Language")
    return response


_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"})  # no accent to drop: letters of their own
_UNSAFE_IN_NAME = re.compile(r'[\x00-\x1f\x7f"\\/;]')  # what would end or split the header's value, or a path


def set_download_name(response: Response, name: str, *, inline: bool = False) -> Response:
    """``Content-Disposition`` naming the file ``name`` (a project's id, an uploaded file's name: what a user
    chose): its characters that would break the header (a line break, a quote) made ``_``; an ASCII
    ``filename`` (accents dropped) and, for another name, the whole of it in UTF-8 (``filename*``, RFC 6266).
    A header is Latin-1: « cœur-solidaire.yaml » as it is made the server fail."""
    name = _UNSAFE_IN_NAME.sub("_", name) or "fichier"
    plain = unicodedata.normalize("NFKD", name.translate(_LIGATURES)).encode("ascii", "ignore").decode() or "fichier"
    value = f'{"inline" if inline else "attachment"}; filename="{plain}"'
    if plain != name:
        value += f"; filename*=UTF-8''{quote(name, safe='')}"
    response.headers["Content-Disposition"] = value
    return response
