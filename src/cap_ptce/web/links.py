"""Links between pages: relative, so the same HTML works at any deployment path.

The live app serves from ``/``, a static copy may sit under ``/cap-ptce/`` or in a
folder opened from disk; links computed relative to the current page work in all
three. Every HTML document has a language in its name: ``{path}.{lang}.html``
(``/index.{lang}.html`` for the home page), so that a static host needs no
negotiation to serve the right language.
"""

from __future__ import annotations

import posixpath
from urllib.parse import urlsplit

__all__ = [
    "relative",
    "html_document",
    "document",
    "base_iri",
    "public",
    "shared",
    "trusted_hosts",
    "hosts_in_lower_case",
]


def base_iri(config) -> str:
    """The ``BASE_IRI`` setting, with its final slash (``https://example.org/ptce`` is taken as ``…/ptce/``)."""
    return config["BASE_IRI"].rstrip("/") + "/"


def public(path: str) -> str:
    """The absolute address of the app's ``path`` for a visitor: under ``SITE_URL`` when it is set.

    Otherwise from the request's own Host, which any client may write: a site
    that answers for any Host (one nginx ``server`` block, say) sets ``SITE_URL``
    (see :func:`trusted_hosts`).
    """
    from flask import current_app, request

    site = current_app.config.get("SITE_URL")
    return (site.rstrip("/") if site else request.url_root.rstrip("/")) + path


def shared(path: str) -> str:
    """The address to give others for the app's ``path``: under ``SITE_URL`` when set, else under the base.

    Never from the request's Host: a page that names it is kept in the cache and
    served to every visitor (« Host: evil.example » once, and the explorer's
    « share this selection » pointed there for all), and a static copy is drawn
    for ``localhost``. Without ``SITE_URL``, the base is where the canonical
    links point (``BASE_IRI``, the published site's address in a static copy).
    """
    from flask import current_app

    site = current_app.config.get("SITE_URL")
    return site.rstrip("/") + path if site else base_iri(current_app.config) + path.lstrip("/")


def trusted_hosts(site_url: str | None) -> list[str] | None:
    """The hosts a request may name when the site's address is ``site_url``; None (any) without one.

    The machine's own names stay allowed, for a check or a warm-up on 127.0.0.1.
    """
    if not site_url:
        return None
    host = urlsplit(site_url).hostname
    return [name for name in (host, "localhost", "127.0.0.1", "::1") if name]


def hosts_in_lower_case(wsgi_app):
    """``wsgi_app``, given the ``Host`` header in lower case: a host name has no case (RFC 4343), and the check
    against SITE_URL's host (werkzeug's) tells « CAP-PTCE.EXAMPLE.ORG » from it."""

    def lowered(environ, start_response):
        host = environ.get("HTTP_HOST")
        if host and not host.islower():
            environ["HTTP_HOST"] = host.lower()
        return wsgi_app(environ, start_response)

    return lowered


def relative(from_path: str, to_path: str) -> str:
    """The relative URL from the page at ``from_path`` to the root-relative ``to_path``."""
    base_dir = from_path if from_path.endswith("/") else posixpath.dirname(from_path) + "/"
    target = posixpath.relpath(to_path, base_dir.rstrip("/") or "/")
    if target == ".":  # the folder the page is in: "./" names it as a folder, the file of that name is a step up
        return "./" if to_path.endswith("/") else "../" + posixpath.basename(to_path)
    return target + "/" if to_path.endswith("/") else target


def document(path: str, suffix: str) -> str:
    """The document of the resource at ``path`` with ``suffix`` (``ttl``, ``en.html``…)."""
    return ("/index" if path == "/" else path.rstrip("/")) + "." + suffix


def html_document(path: str, lang: str) -> str:
    """The HTML document of the resource at ``path`` in ``lang``."""
    return document(path, f"{lang}.html")
