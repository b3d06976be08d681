"""A complete static copy of the site, written from the documents that the web app serves.

:func:`write_site` asks a client of the app (Flask's test client, given by
:func:`cap_ptce.web.export.publish_site`) for every document, so that the static
site and the live app cannot differ, writes each one where a static host serves
it, and adds the content-negotiation rules that let Apache or nginx answer the
IRIs as the app does: ``303 See Other`` from ``…/question/q01`` to ``q01.fr.html``,
``q01.en.html``, ``q01.ttl``… by ``Accept`` and ``Accept-Language``.
Without those rules (GitHub Pages, a plain folder) every page still works:
links point at the documents, never at the extensionless IRIs.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import InputError, ParameterError
from ..rdf.negotiation import representations
from .server_rules import apache_rules, nginx_rules
from .static_rules import NOT_ACCEPTABLE_FILE, not_acceptable_text

__all__ = ["PublishReport", "check_base", "prepare_folder", "write_site"]


@dataclass
class PublishReport:
    """What was written: the folder, the files by kind, and the total size."""

    out_dir: Path
    pages: int = 0
    data_files: int = 0
    downloads: int = 0
    bytes: int = 0
    files: list[str] = field(default_factory=list)


def check_base(base_iri: str) -> str:
    """An http(s) IRI with a host, given its final slash (as the knowledge base does)."""
    parts = urlsplit(base_iri)
    if parts.scheme not in {"http", "https"} or not parts.netloc or parts.query or parts.fragment:
        raise ParameterError(
            f"--base-iri {base_iri!r} : il faut une IRI http(s) / an http(s) IRI is needed",
            hint="par exemple / for example https://w3id.org/cap-ptce/",
        )
    return base_iri.rstrip("/") + "/"


def prepare_folder(out_dir: Path) -> Path:
    """Make ``out_dir`` an empty folder marked as ours; refuse a folder that holds someone else's files."""
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(
            f"{out_dir} existe et n’est pas un dossier / exists and is not a folder",
            hint="choisir un dossier nouveau ou vide / choose a new or empty folder",
        )
    if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / ".cap-ptce-site").exists():
        raise InputError(
            f"{out_dir} n’est pas vide et n’a pas été écrit par cap-ptce publish "
            "/ is not empty and was not written by cap-ptce publish",
            hint="choisir un dossier nouveau ou vide, pour ne rien écraser / "
            "choose a new or empty folder, so that nothing of yours is overwritten",
        )
    if out_dir.is_dir():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    (out_dir / ".cap-ptce-site").write_text("written by cap-ptce publish\n", encoding="utf-8")
    return out_dir


def _fetch(client, path: str) -> bytes:
    response = client.get(path)
    if response.status_code != 200:
        raise InputError(
            f"l’application a répondu / the app answered {response.status_code} pour / for {path}",
            hint="une page du site est cassée : lancer les tests / a page is broken: run the tests",
        )
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


def write_site(
    client,
    paths,
    out_dir: Path,
    *,
    base_iri: str,
    default_lang: str,
    not_found_page: bytes,
    aliases: Mapping[str, str] | None = None,
) -> PublishReport:
    """Write every document of ``paths`` as ``client`` serves it, then the index, the 404 and the server rules.

    ``aliases``: root-relative paths of pages that have one address per language, with their document.
    """
    out_dir = prepare_folder(out_dir)
    report = PublishReport(out_dir)
    for path in paths:
        _write(out_dir, path, _fetch(client, path), report)
    _write(out_dir, "/index.html", (out_dir / f"index.{default_lang}.html").read_bytes(), report)
    _write(out_dir, "/404.html", not_found_page, report)
    _write(out_dir, "/" + NOT_ACCEPTABLE_FILE, not_acceptable_text().encode("utf-8"), report)
    base_path = urlsplit(base_iri).path
    rules = apache_rules(base_path, default_lang, base_iri, aliases)
    _write(out_dir, "/.htaccess", rules.encode("utf-8"), report)
    for name, text in nginx_rules(base_path, default_lang, base_iri, aliases).items():
        _write(out_dir, "/" + name, text.encode("utf-8"), report)
    return report
