"""Headers on every answer of the app: security and CORS, from the one table of :mod:`cap_ptce.publish.headers`,
and ``Vary: Accept-Language`` on every answer whose language came from that header."""

from __future__ import annotations

from flask import Flask, Response, current_app, g, request

from ..publish.headers import SECURITY_HEADERS, cors_headers

__all__ = ["init_app"]


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
