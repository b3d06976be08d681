"""The site as static files: every document of the app, written by :mod:`cap_ptce.publish.static`.

:func:`publish_site` builds the app with the given base and corpus and lists
every document it serves (pages in both languages, every serialisation, the
downloads); :func:`cap_ptce.publish.static.write_site` fetches each one through
Flask's test client and writes it with the server rules.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from flask import g, render_template

from ..corpus import DESCRIPTION_SUFFIXES, corpus_files
from ..errors import InputFileError, ServerStoppingError, StoreDamagedError
from ..publish.static import PublishReport, check_base, check_folder, locked, write_site
from . import create_app
from .dashboard import static_aliases
from .dashboard import static_paths as dashboard_paths
from .linked_data import documents_of
from .pages import find_resource
from .pages_data import download_paths
from .resolve import grid_resources
from .site import get_site

__all__ = ["publish_site", "site_documents", "warm_in_background"]

log = logging.getLogger(__name__)


def site_documents(app) -> list[str]:
    """Every root-relative path the static site holds: pages, data documents, downloads, files."""
    with app.test_request_context("/"):
        site = get_site()
        resources = list(grid_resources(site.grid))
        paths = [doc for resource in resources for doc, _, _ in documents_of(resource)]
        organisations = (f"/organisation/{ref.key}" for ref in site.organisations)
        for path in (*site.thing_paths, *(f"/projet/{ref.id}" for ref in site.projects), *organisations):
            paths += [doc for doc, _, _ in documents_of(find_resource(path))]
        paths += download_paths()
        paths += dashboard_paths()
    return [*paths, "/static/style.css", "/static/carrier.css", "/static/favicon.svg", "/sitemap.xml"]


def publish_site(
    out_dir: Path, *, base_iri: str | None = None, corpus: Path | None = None, progress=None
) -> PublishReport:
    """Write the whole site into ``out_dir`` (new, empty, or written here before); refused at once while another
    publish writes it (:class:`~cap_ptce.errors.FolderInUseError`).

    ``progress(step, done, total)``: told "corpus" (0, 0) before the corpus and the graphs are read, "list"
    (0, 0) before the documents are listed, then "pages" as they are written (:func:`write_site`).
    """
    with locked(check_folder(out_dir)):
        return _publish_site(out_dir, base_iri, corpus, progress or (lambda step, done, total: None))


def _publish_site(out_dir: Path, base_iri: str | None, corpus: Path | None, progress) -> PublishReport:
    config = {"PUBLISHING": True, "TESTING": True}
    if base_iri is not None:
        config["BASE_IRI"] = check_base(base_iri)
    if corpus is not None:
        _refuse_empty(Path(corpus))
        config["CORPUS"] = str(corpus)
    progress("corpus", 0, 0)
    app = create_app(config)
    base_iri = app.config["BASE_IRI"].rstrip("/") + "/"
    base_path = urlsplit(base_iri).path
    progress("list", 0, 0)
    documents = site_documents(app)
    report = write_site(
        app.test_client(),
        documents,
        out_dir,
        base_iri=base_iri,
        default_lang=app.config["DEFAULT_LANG"],
        not_found_page=_not_found_page(app, base_path),
        aliases=static_aliases(),
        progress=progress,
    )
    report.base_iri = base_iri
    return report


def _refuse_empty(corpus: Path) -> None:
    """A corpus folder with no description is the wrong folder: its site would hold no corpus, without a word."""
    if not corpus_files(corpus):
        raise InputFileError(
            f"aucune description ({' '.join(DESCRIPTION_SUFFIXES)}) dans ce dossier / no description in this folder",
            source=str(corpus),
            hint="est-ce le bon dossier ? sans --corpus, le site publie le corpus d'exemple / is it the right "
            "folder? without --corpus, the site publishes the sample corpus",
        )


def _not_found_page(app, base_path: str) -> bytes:
    """The 404 page a web server shows at any depth: the app's error page, its links resolved from the base."""
    error = {
        "error": "NotFoundError",
        "message": "rien n’est publié à cette adresse / nothing is published at this address",
        "hint": "partir de l’accueil ou de la grille / start from the home page or the grid",
    }
    with app.test_request_context("/"):
        g.doc_path = "/"  # its language switch leads to the home page in the other language
        g.error_page = True
        html = render_template("error.html", status=404, error=error)
    # Served in place of any missing URL, at any depth: its links must start from the site's root path.
    # (A <base> element would also send the in-page link #contenu to the home page.)
    return _RELATIVE_LINK.sub(lambda m: f'{m[1]}="{urljoin(base_path, m[2])}"', html).encode("utf-8")


# href, src or action attributes holding a link relative to the page (not absolute, root-relative or in-page).
_RELATIVE_LINK = re.compile(r'\b(href|src|action)="(?![a-z][a-z0-9+.-]*:|/|#)([^"]*)"')


# Pages the warm-up leaves to their first visitor: the catalogue reads every description into rdflib
# (measured at 1,000 descriptions: 91 s and 245 MiB more in the server process; ten times that at 10,000).
_DRAWN_ON_VISIT = ("/catalog.",)


def stop_warming(app) -> None:
    """Tell the warm-up to stop before the next page: the server is stopping, and a page drawn once its store is
    closed was logged as an error (« the knowledge base is closed »), one a page not drawn yet."""
    app.extensions.setdefault("cap_ptce.warm_stop", threading.Event()).set()


def warm_in_background(app) -> threading.Thread:
    """Draw the pages of the site into the app's cache, one at a time, in a background thread.

    The pages go through the cache and its limit on drawing, so that real
    requests keep their turns; ``cap-ptce serve`` calls it as it starts. The
    warm-up stops once the cache is full (a page drawn past it would only push
    out one drawn before: at 10,000 descriptions the site has 300,000 pages),
    then gives the memory freed while drawing back to the system.
    """

    def warm() -> None:
        started = time.monotonic()
        try:
            documents = site_documents(app)
        except StoreDamagedError as exc:  # the list of pages reads the store too
            log.error("pages not drawn ahead: %s", exc)
            return
        except ServerStoppingError:  # stopped while the pages were listed (a slow machine: seconds after start)
            log.info("pages not drawn ahead: the server is stopping")
            return
        pages = [path for path in documents if path.endswith(".html") and not path.startswith(_DRAWN_ON_VISIT)]
        drawn = _draw_while_kept(app, pages)
        _return_freed_memory()
        log.info(
            "%d of %d pages drawn in %.0f s (as many as the page cache keeps)",
            drawn,
            len(pages),
            time.monotonic() - started,
        )

    thread = threading.Thread(target=warm, daemon=True, name="cap-ptce-warm-pages")
    thread.start()
    return thread


def _draw_while_kept(app, pages: list[str]) -> int:
    """Draw ``pages`` in order while the cache has room for one more of the largest drawn; how many were drawn.

    A damaged store stops it at the first page that says so (logged once, not once a page).
    """
    client, largest = app.test_client(), 0
    stop = app.extensions.setdefault("cap_ptce.warm_stop", threading.Event())
    for drawn, path in enumerate(pages):
        if stop.is_set():
            return drawn
        with app.app_context():
            cache = get_site().documents
        if not cache.has_room(largest):
            return drawn
        before = cache.size
        response = client.get(path, headers={"Accept": "application/json"})
        if response.status_code == 503 and (response.get_json(silent=True) or {}).get("error") == "StoreDamagedError":
            log.error("pages no longer drawn ahead: the store is damaged (see the error above)")
            return drawn
        largest = max(largest, cache.size - before)
    return len(pages)


def _return_freed_memory() -> None:
    """Give back to the system the heap that drawing freed (glibc keeps it otherwise: 200 MiB at 1,000)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to give back this way
        pass
