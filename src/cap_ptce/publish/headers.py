"""The response headers that the app and the static servers' rules send alike.

The app (:mod:`cap_ptce.web`) and the Apache and nginx rules
(:mod:`.server_rules`) read them here, so that a resource answers the same
wherever it is served.
"""

from __future__ import annotations

__all__ = ["NEGOTIATED_VARY", "ANY_ORIGIN", "cors_headers"]

# A negotiated answer depends on what the client accepts and in which language.
NEGOTIATED_VARY = "Accept, Accept-Language"
# Open data: any site may read it from a browser (the static rules' value; the app's is the CORS_ORIGINS setting).
ANY_ORIGIN = "*"
_PREFLIGHT = {
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Accept-Language, Content-Type",
    "Access-Control-Max-Age": "86400",
}


def cors_headers(origins: str, *, preflight: bool = False) -> dict[str, str]:
    """The CORS headers for ``origins`` (empty: none); a preflight also says which methods and headers."""
    if not origins:
        return {}
    headers = {"Access-Control-Allow-Origin": origins}
    if preflight:
        headers.update(_PREFLIGHT)
    return headers
