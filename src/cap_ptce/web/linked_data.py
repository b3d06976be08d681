"""Dereferencing, after the W3C note "Cool URIs for the Semantic Web".

Every resource IRI under the base is a slash IRI of a *thing* (a question, a
concept, a project): the app answers it with ``303 See Other`` to the
*document* that describes it, chosen by content negotiation (``Accept``, and
``Accept-Language`` for HTML) — ``q01`` → ``q01.fr.html``, ``q01.en.html``,
``q01.ttl``, ``q01.jsonld``, ``q01.rdf``, ``q01.nt``. Documents answer ``200``
and never vary. Hash IRIs (``def#Entry``, ``shapes#Shape``) reach the server as
their document (``/def``, ``/shapes``), which is negotiated the same way.
"""

from __future__ import annotations

from flask import Response, g, redirect, request
from werkzeug.exceptions import NotAcceptable
from werkzeug.urls import iri_to_uri

from ..errors import NotFoundError
from ..i18n import LANGUAGES
from ..publish.headers import NEGOTIATED_VARY
from ..rdf.negotiation import HTML, Representation, link_header, negotiate, split_document_name
from . import links
from .i18n import current_lang
from .resolve import Resource

__all__ = ["serve", "document_path", "documents_of", "split_request_path"]


def split_request_path(path: str) -> tuple[str, str | None, str | None]:
    """``/grille/question/q01.en.html`` → (``/grille/question/q01``, ``html``, ``en``)."""
    folder, _, name = path.rpartition("/")
    stem, suffix, lang = split_document_name(name)
    if folder == "" and stem == "index" and suffix is not None:
        return "/", suffix, lang
    return (folder + "/" + stem) if stem else (folder + "/"), suffix, lang


def document_path(resource: Resource, rep: Representation, lang: str | None = None) -> str:
    """The root-relative path of ``resource``'s document in ``rep`` (and ``lang`` for HTML)."""
    suffix = f"{lang}.html" if rep is HTML else rep.suffix
    return links.document(resource.path, suffix)


def documents_of(resource: Resource) -> list[tuple[str, Representation, str | None]]:
    """Every document of ``resource``: (path, representation, language or None)."""
    found = []
    for rep in resource.offers:
        for lang in LANGUAGES if rep is HTML else (None,):
            found.append((document_path(resource, rep, lang), rep, lang))
    return found


def serve(path: str, resource: Resource, render_html, render_data) -> Response:
    """Answer a request for ``path`` naming ``resource``: 303 for the IRI, 200 for a document."""
    _, suffix, lang = split_request_path(path)
    if lang is not None and (lang not in LANGUAGES or suffix != "html"):
        raise NotFoundError(
            f"aucun document / no document {path}", hint="les pages se terminent par / pages end in .fr.html, .en.html"
        )
    if resource.anchor is not None and suffix is not None:
        raise NotFoundError(
            f"aucun document / no document {path}",
            hint="décrit dans le document de son projet / described in its project’s document",
        )
    rep = negotiate(request.headers.get("Accept"), suffix, resource.offers)
    if rep is None:
        raise NotAcceptable(_not_acceptable_message(resource))
    if suffix is None or (rep is HTML and lang is None):
        return _see_other(path, resource, rep)
    if rep is HTML:
        g.lang, g.doc_path = lang, resource.path
        response = Response(render_html(resource, lang), mimetype="text/html")
    else:
        response = Response(render_data(resource, rep), mimetype=rep.media_type)
    _add_links(response, resource, document=True)
    # Documents change only with the data: an ETag lets clients and caches revalidate for free
    # (the caller makes the answer conditional, once it is kept: see cap_ptce.web.cache).
    response.add_etag()
    return response


def _see_other(path: str, resource: Resource, rep: Representation) -> Response:
    """303 from the thing (or an unqualified ``.html``) to the negotiated document."""
    lang = current_lang() if rep is HTML else None
    target = links.relative(path, document_path(resource, rep, lang))
    if rep is HTML and resource.anchor:
        target += "#" + resource.anchor
    response = redirect(target, code=303)
    response.headers["Vary"] = NEGOTIATED_VARY
    _add_links(response, resource, document=False)
    return response


def _add_links(response: Response, resource: Resource, *, document: bool) -> None:
    """``Link: rel="alternate"`` to every other document; a document also names the thing it describes."""
    here = request.path
    entries = [
        (links.relative(here, doc), "alternate", rep.media_type, lang)
        for doc, rep, lang in documents_of(resource)
        if doc != here
    ]
    if document and resource.iri is not None:
        entries.insert(0, (iri_to_uri(str(resource.iri)), "describes", None, None))  # RFC 6892; a header is ASCII
    response.headers["Link"] = link_header(entries)


def _not_acceptable_message(resource: Resource) -> str:
    offered = ", ".join(rep.media_type for rep in resource.offers)
    return (
        f"{resource.path} existe en / is available as {offered} ; demander l’un d’eux dans Accept "
        "ou par un suffixe / ask for one of them in Accept or with a suffix"
    )
