"""The response headers that the app and the static servers' rules send alike.

The app (:mod:`cap_ptce.web`) and the Apache and nginx rules (:mod:`.apache`,
:mod:`.nginx`) read them here, so that a resource answers the same wherever it
is served.

:data:`SECURITY_HEADERS` go on every answer. The Content-Security-Policy lets a
page run scripts and styles from its own site only, as files (no inline script,
style or event attribute: a value that slipped through as markup runs nothing),
send requests to its own site only (the query editor asks the endpoint), and
be framed by no one. The pages, the static site and YASGUI keep to it; a page
that needs an inline script must move it to a file under ``static/``.
"""

from __future__ import annotations

import base64
import hashlib

__all__ = [
    "NEGOTIATED_VARY",
    "ANY_ORIGIN",
    "CONTENT_SECURITY_POLICY",
    "SECURITY_HEADERS",
    "content_security_policy",
    "style_hash",
    "cors_headers",
    "APP_METHODS",
    "STATIC_METHODS",
    "READ_METHODS",
]

# A negotiated answer depends on what the client accepts and in which language.
NEGOTIATED_VARY = "Accept, Accept-Language"
# Open data: any site may read it from a browser (the static rules' value; the app's is the CORS_ORIGINS setting).
ANY_ORIGIN = "*"


def content_security_policy(style_hashes: tuple[str, ...] = ()) -> str:
    """The policy of every page; ``style_hashes`` (see :func:`style_hash`) allow those inline styles only."""
    return "; ".join(
        (
            "default-src 'none'",
            "script-src 'self'",
            " ".join(("style-src 'self'", *style_hashes)),
            "img-src 'self' data:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "form-action 'self'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        )
    )


def style_hash(css: str) -> str:
    """The CSP source that allows one inline style, by the SHA-256 of its exact text."""
    digest = hashlib.sha256(css.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


CONTENT_SECURITY_POLICY = content_security_policy()
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",  # a CSV or a Turtle file is never run as HTML or script
    "Referrer-Policy": "strict-origin-when-cross-origin",  # a query in a URL never leaves the site
    "X-Frame-Options": "DENY",  # frame-ancestors, for browsers that predate it
}
# The methods a cross-origin script may use: the app's endpoint takes queries by POST; a static site only reads.
APP_METHODS = "GET, POST, OPTIONS"
STATIC_METHODS = "GET, HEAD, OPTIONS"
READ_METHODS = ("GET", "HEAD")  # what reads a static copy (OPTIONS aside, a preflight); other methods get 405
# A browser sends a preflight when a request's Accept is longer than 128 bytes (Comunica's default is).
_PREFLIGHT = {
    "Access-Control-Allow-Headers": "Accept, Accept-Language, Content-Type",
    "Access-Control-Max-Age": "86400",
}
# Headers a script may read besides the safelisted ones: Link names the alternates and the thing described.
_EXPOSED = "Link"


def cors_headers(origins: str, *, preflight: bool = False, methods: str = APP_METHODS) -> dict[str, str]:
    """The CORS headers for ``origins`` (empty: none); a preflight also says which ``methods`` and headers."""
    if not origins:
        return {}
    headers = {"Access-Control-Allow-Origin": origins, "Access-Control-Expose-Headers": _EXPOSED}
    if preflight:
        headers.update({"Access-Control-Allow-Methods": methods, **_PREFLIGHT})
    return headers
