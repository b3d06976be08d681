"""A complete static copy of the site, made by the web app itself.

:func:`publish_site` builds the app with the given base and corpus, requests
every document through Flask's test client (so the static site and the live app
cannot differ), writes each one where a static host serves it, and adds the
content-negotiation rules that let Apache or nginx answer the IRIs as the app
does: ``303 See Other`` from ``…/question/q01`` to ``q01.fr.html``,
``q01.en.html``, ``q01.ttl``… by ``Accept`` and ``Accept-Language``.
Without those rules (GitHub Pages, a plain folder) every page still works:
links point at the documents, never at the extensionless IRIs.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from .errors import InputError, ParameterError
from .negotiation import representations
from .server_rules import apache_rules, nginx_rules

__all__ = ["PublishReport", "publish_site", "site_documents", "prepare_folder"]


@dataclass
class PublishReport:
    """What was written: the folder, the files by kind, and the total size."""

    out_dir: Path
    pages: int = 0
    data_files: int = 0
    downloads: int = 0
    bytes: int = 0
    files: list[str] = field(default_factory=list)


def _check_base(base_iri: str) -> str:
    """An http(s) IRI with a host, given its final slash (as the knowledge base does)."""
    parts = urlsplit(base_iri)
    if parts.scheme not in {"http", "https"} or not parts.netloc or parts.query or parts.fragment:
        raise ParameterError(f"--base-iri {base_iri!r} : il faut une IRI http(s) / an http(s) IRI is needed",
                             hint="par exemple / for example https://w3id.org/cap-ptce/")
    return base_iri.rstrip("/") + "/"


def prepare_folder(out_dir: Path) -> Path:
    """Make ``out_dir`` an empty folder marked as ours; refuse a folder that holds someone else's files."""
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"{out_dir} existe et n’est pas un dossier / exists and is not a folder",
                         hint="choisir un dossier nouveau ou vide / choose a new or empty folder")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / ".cap-ptce-site").exists():
        raise InputError(f"{out_dir} n’est pas vide et n’a pas été écrit par cap-ptce publish "
                         "/ is not empty and was not written by cap-ptce publish",
                         hint="choisir un dossier nouveau ou vide, pour ne rien écraser / "
                         "choose a new or empty folder, so that nothing of yours is overwritten")
    if out_dir.is_dir():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    (out_dir / ".cap-ptce-site").write_text("written by cap-ptce publish\n", encoding="utf-8")
    return out_dir


def site_documents(app) -> list[str]:
    """Every root-relative path the static site holds: pages, data documents, downloads, files."""
    from .web.linked_data import documents_of
    from .web.pages_data import download_paths
    from .web.resolve import grid_resources
    from .web.site import get_site

    with app.test_request_context("/"):
        site = get_site()
        resources = list(grid_resources(site.grid))
        paths = [doc for resource in resources for doc, _, _ in documents_of(resource)]
        for path in (*site.thing_paths, *(f"/projet/{ref.id}" for ref in site.projects)):
            from .web.pages import find_resource

            paths += [doc for doc, _, _ in documents_of(find_resource(path))]
        paths += download_paths()
    return [*paths, "/static/style.css"]


def publish_site(out_dir: Path, *, base_iri: str | None = None, corpus: Path | None = None) -> PublishReport:
    """Write the whole site into ``out_dir`` (new, empty, or written here before)."""
    from .web import create_app

    config = {"PUBLISHING": True, "TESTING": True}
    if base_iri is not None:
        config["BASE_IRI"] = _check_base(base_iri)
    if corpus is not None:
        config["CORPUS"] = str(corpus)
    app = create_app(config)
    out_dir = prepare_folder(out_dir)
    report = PublishReport(out_dir)
    client = app.test_client()
    for path in site_documents(app):
        _write(out_dir, path, _fetch(client, path), report)
    default_lang = app.config["DEFAULT_LANG"]
    _write(out_dir, "/index.html", (out_dir / f"index.{default_lang}.html").read_bytes(), report)
    base_path = urlsplit(app.config["BASE_IRI"].rstrip("/") + "/").path
    _write(out_dir, "/404.html", _not_found_page(app, base_path), report)
    _write(out_dir, "/.htaccess", apache_rules(base_path, default_lang).encode("utf-8"), report)
    for name, text in nginx_rules(base_path, default_lang).items():
        _write(out_dir, "/" + name, text.encode("utf-8"), report)
    return report


def _not_found_page(app, base_path: str) -> bytes:
    """The 404 page a web server shows at any depth: the app's error page, its links resolved from the base."""
    from flask import g, render_template

    error = {"error": "NotFoundError",
             "message": "rien n’est publié à cette adresse / nothing is published at this address",
             "hint": "partir de l’accueil ou de la grille / start from the home page or the grid"}
    with app.test_request_context("/"):
        g.doc_path = "/"  # its language switch leads to the home page in the other language
        html = render_template("error.html", status=404, error=error)
    # Served in place of any missing URL, at any depth: its links must start from the site's root path.
    # (A <base> element would also send the in-page link #contenu to the home page.)
    return _RELATIVE_LINK.sub(lambda m: f'{m[1]}="{urljoin(base_path, m[2])}"', html).encode("utf-8")


# href or src attributes holding a link relative to the page (not absolute, root-relative or in-page).
_RELATIVE_LINK = re.compile(r'\b(href|src)="(?![a-z][a-z0-9+.-]*:|/|#)([^"]*)"')


def _fetch(client, path: str) -> bytes:
    response = client.get(path)
    if response.status_code != 200:
        raise InputError(f"l’application a répondu / the app answered {response.status_code} pour / for {path}",
                         hint="une page du site est cassée : lancer les tests / a page is broken: run the tests")
    return response.get_data()


def _write(out_dir: Path, path: str, body: bytes, report: PublishReport) -> None:
    target = out_dir / path.lstrip("/")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(body)
    report.files.append(path)
    report.bytes += len(body)
    if path.startswith("/telechargements/"):
        report.downloads += 1
    elif path.endswith(".html"):
        report.pages += 1
    elif any(path.endswith("." + rep.suffix) for rep in representations()):
        report.data_files += 1
