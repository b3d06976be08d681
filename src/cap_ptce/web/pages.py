"""Web area ``pages``: every resource under the base, for people (HTML) and machines (RDF).

One route answers every path that no other blueprint claims: the path is
resolved to a resource (:mod:`.resolve`), the request is negotiated and
answered (:mod:`.linked_data`), and the HTML page is drawn by the builder of the
resource's kind (:mod:`.pages_grid`, :mod:`.pages_docs`, :mod:`.pages_data`).
"""

from __future__ import annotations

import os

from flask import Blueprint, Response, g, redirect, render_template, request
from rdflib import Graph
from werkzeug.wsgi import wrap_file

from ..errors import NotFoundError
from ..i18n import LANGUAGES
from ..i18n.suggest import did_you_mean
from ..publish.parts import frozen_release
from ..rdf.describe import add_labels, describe
from ..rdf.negotiation import Representation
from ..rdf.serialize import serialize
from . import linked_data, links, pages_data, pages_docs, pages_grid, pages_search
from .cache import cached, limited
from .corpus import organisation_graph
from .editor import ROUTES as EDITOR_ROUTES
from .explorer import DASHBOARD_ROUTES
from .explorer import ROUTES as EXPLORER_ROUTES
from .i18n import current_lang
from .linked_data import split_request_path
from .resolve import Resource, nearest_address, resolve
from .site import get_site, grid_csv_bytes
from .sitemap import sitemap_xml
from .validator import ROUTES as VALIDATOR_ROUTES
from .validator import TEMPLATE_ROUTES

__all__ = ["bp", "find_resource", "rdf_of"]

bp = Blueprint("pages", __name__)

_BUILDERS = {**pages_grid.BUILDERS, **pages_docs.BUILDERS, **pages_data.BUILDERS, **pages_search.BUILDERS}


@bp.get("/", defaults={"path": ""})
@bp.get("/<path:path>")
def resource(path: str) -> Response:
    """Answer for the IRI or document at ``/path``."""
    full = "/" + path
    resource_path, suffix, lang = split_request_path(full)
    if lang in LANGUAGES:
        g.lang = lang  # even an error page for q99.en.html is in English
    try:
        found = find_resource(resource_path)
    except NotFoundError as exc:
        raise _nearest_named(exc, resource_path, full) from None
    if found.kind == "grid" and request.args.get("temps") == "futur":
        # The grid's future-tense view is a page of its own: a static host knows no query strings.
        return redirect(links.relative(full, links.html_document("/grille/futur", lang or current_lang())), code=303)
    if suffix is None:  # a 303: it depends on Accept, and costs no drawing
        return linked_data.serve(full, found, render_page, render_data).make_conditional(request)
    if request.args:  # a document asked with options: too many variants to keep, but drawn in its turn
        return limited(lambda: linked_data.serve(full, found, render_page, render_data))
    # A document is the same for everyone until the store changes: drawn once, then served from memory.
    return cached(get_site().documents, full, lambda: linked_data.serve(full, found, render_page, render_data))


@bp.get("/telechargements/<name>")
def download(name: str) -> Response:
    """A download file: a part of the dataset, or the whole, in one format, streamed from its file on disk in
    chunks (the whole dataset of a large corpus is hundreds of MB: read into memory for each request, a few
    clients that did not read took the server's memory by gigabytes)."""
    body, media_type = pages_data.download(name)
    if isinstance(body, bytes):  # kept in memory: its file could not be written
        response = Response(body, mimetype=media_type)
        response.add_etag()
    else:
        size = os.fstat(body.fileno()).st_size
        response = Response(wrap_file(request.environ, body), mimetype=media_type, direct_passthrough=True)
        response.content_length = size
        # made once per version of the store: its file's identity and size tell its version
        response.set_etag(f"{get_site().store_version}-{os.path.basename(body.name)}-{size}")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'  # name: one of the site's own files
    return response.make_conditional(request)


@bp.get("/favicon.ico")
def favicon() -> Response:
    """What a browser asks of every site before it reads the page's icon link: that icon (an SVG)."""
    return redirect(links.relative("/favicon.ico", "/static/favicon.svg"), code=301)


@bp.get("/sitemap.xml")
def sitemap() -> Response:
    """Every page in both languages, for search engines."""
    return Response(sitemap_xml(get_site()), mimetype="application/xml")


@bp.get("/.well-known/void")
def void_description() -> Response:
    """VoID discovery (RFC 5785, VoID § 7.2): 303 to the dataset's description."""
    return redirect("../dataset.ttl", code=303)


def _nearest_named(exc: NotFoundError, resource_path: str, full: str) -> NotFoundError:
    """``exc`` naming the address asked (``/explorateur.cvs``, not the resource path ``/explorateur``) and, when
    there is one, the nearest address the site serves, in the reader's language (``/valider`` for ``/validateur``,
    nearer ``/validate``), as a hint and as a link."""
    addresses = get_site().addresses
    meant = nearest_address(full, addresses) if full != resource_path else None
    meant = meant or nearest_address(resource_path, addresses)
    if full != resource_path and exc.message.endswith(resource_path):
        exc.message = exc.message[: -len(resource_path)] + full
    if meant is not None:
        if meant.rstrip("/") not in (full.rstrip("/"), resource_path.rstrip("/")):  # a slash too many: as typed
            meant = _in_readers_language(meant, current_lang())
        exc.hint, exc.see = did_you_mean(meant), meant
    return exc


def _in_readers_language(address: str, lang: str) -> str:
    """The twin of ``address`` in ``lang`` when the app serves a page at one address per language."""
    for routes in (EDITOR_ROUTES, EXPLORER_ROUTES, DASHBOARD_ROUTES, VALIDATOR_ROUTES, TEMPLATE_ROUTES):
        if address in routes.values():
            return routes.get(lang, address)
    return address


def find_resource(path: str) -> Resource:
    """The resource at ``path`` (no suffix) in the current app."""
    site = get_site()
    return resolve(
        path,
        project_iri=site.project_iri,
        is_thing=site.is_thing,
        project_part=site.project_part,
        organisation_iri=lambda key: getattr(site.organisation(key), "iri", None),
        base=links.base_iri(site.config),
    )


def render_page(resource: Resource, lang: str) -> str:
    """The HTML page of ``resource`` in ``lang``."""
    template, context = _BUILDERS[resource.kind](resource, lang)
    return render_template(template, resource=resource, alternates=_alternates(resource), **context)


def _alternates(resource: Resource) -> list[dict]:
    return [
        {"path": doc, "media_type": rep.media_type, "lang": lang, "label": rep.name, "suffix": rep.suffix}
        for doc, rep, lang in linked_data.documents_of(resource)
        if doc != request.path
    ]


def rdf_of(resource: Resource) -> Graph:
    """The RDF description that ``resource``'s data documents carry."""
    site = get_site()
    if resource.kind == "ontology":
        return site.reference_graphs["ontologie"]
    if resource.kind == "shapes":
        return site.reference_graphs["controles"]
    if resource.kind == "frozen-release":
        return Graph().parse(frozen_release(resource.described, resource.key) / "cap-ptce.ttl", format="turtle")
    if resource.kind == "register-profile":
        from ..validation.registre import register_shapes

        return register_shapes()
    if resource.kind == "catalog":
        return site.catalog
    if resource.kind == "project":
        graph = get_site().project_graph(resource.key)
        if graph is None:
            raise NotFoundError(f"aucun projet / no project {resource.key!r}")
        return add_labels(site.graph, graph)
    if resource.kind == "organisation":
        return add_labels(site.graph, organisation_graph(resource.iri))
    return describe(site.graph, resource.described)


def render_data(resource: Resource, rep: Representation) -> bytes:
    """``resource`` as ``rep`` (an RDF syntax, or CSV for the grid)."""
    if resource.kind == "frozen-release":  # the very bytes published then
        return (frozen_release(resource.described, resource.key) / f"cap-ptce.{rep.suffix}").read_bytes()
    if rep.name == "csv":
        return grid_csv_bytes()
    part = _WHOLE_PARTS.get(resource.kind)
    if part is not None:  # the same bytes as the part's download, made once
        return get_site().download(part, rep.name)
    return serialize(rdf_of(resource), rep.name)


# Kinds whose document is a whole part of the dataset (see web.site.PART_TITLES).
_WHOLE_PARTS = {"ontology": "ontologie", "shapes": "controles", "catalog": "catalogue"}
