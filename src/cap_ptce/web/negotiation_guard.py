"""Refuse content-negotiation headers too long to be honest, before anything reads them.

werkzeug's ``parse_accept_header`` takes time that grows with the square of the
header's length: measured on a 2-core machine, 2 KB take 0.014 s, 8 KB 0.3 s,
16 KB 0.9 s. The app reads ``Accept`` for every query and every error page, so
one request with a long header held a thread for seconds and a few took the
server offline. Browsers send a few hundred characters; a client listing every
RDF syntax with weights stays under a thousand. A longer header is answered
431 here, as the JSON error object of every refusal made before the app
(written without reading any header), with the security headers of every
answer.
"""

from __future__ import annotations

import json

from ..publish.headers import SECURITY_HEADERS

__all__ = ["MAX_NEGOTIATION_HEADER", "refuse_long_negotiation_headers"]

MAX_NEGOTIATION_HEADER = 2048  # characters of one Accept, Accept-Language, Accept-Charset or Accept-Encoding

_READ = ("HTTP_ACCEPT", "HTTP_ACCEPT_LANGUAGE", "HTTP_ACCEPT_CHARSET", "HTTP_ACCEPT_ENCODING")


def refuse_long_negotiation_headers(wsgi_app):
    """``wsgi_app``, behind a check of the length of the headers that choose a format or a language."""

    def guarded(environ, start_response):
        for key in _READ:
            value = environ.get(key) or ""
            if len(value) > MAX_NEGOTIATION_HEADER:
                return _refuse(key, len(value), start_response)
        return wsgi_app(environ, start_response)

    return guarded


def _refuse(key: str, length: int, start_response) -> list[bytes]:
    name = "-".join(part.capitalize() for part in key.removeprefix("HTTP_").split("_"))
    refusal = {
        "error": "RequestHeaderFieldsTooLarge",
        "message": f"En-tête {name} trop long : {length} caractères, {MAX_NEGOTIATION_HEADER} au plus / "
        f"{name} header too long: {length} characters, {MAX_NEGOTIATION_HEADER} at most",
        "hint": "ne donner que les formats ou les langues voulus / give only the formats or languages wanted",
    }
    body = (json.dumps(refusal, ensure_ascii=False) + "\n").encode("utf-8")
    headers = [
        ("Content-Type", "application/json; charset=utf-8"),
        ("Content-Length", str(len(body))),
        *SECURITY_HEADERS.items(),
    ]
    start_response("431 Request Header Fields Too Large", headers)
    return [body]
