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

import fcntl
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import FolderInUseError, InputError, ParameterError
from ..rdf.negotiation import representations
from ..settings import base_iri as checked_base_iri
from ..validation.processes import alive
from .server_rules import apache_rules, nginx_rules
from .static_rules import NOT_ACCEPTABLE_FILE, not_acceptable_text

__all__ = ["PublishReport", "check_base", "check_folder", "locked", "staging_folder", "swap_in", "write_site"]


@dataclass
class PublishReport:
    """What was written: the folder, the files by kind, and the total size."""

    out_dir: Path
    base_iri: str = ""  # the base the site was published under
    pages: int = 0
    data_files: int = 0
    downloads: int = 0
    bytes: int = 0
    files: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # the publisher's own files, carried into the new site
    replaced: list[str] = field(default_factory=list)  # the publisher's files where the site now writes its own


def check_base(base_iri: str) -> str:
    """An http(s) IRI with a host and a path in ASCII, given its final slash (as the knowledge base does)."""
    try:
        base_iri = checked_base_iri(base_iri)
    except ValueError as exc:
        raise ParameterError(
            f"--base-iri {base_iri!r} : {exc}", hint="par exemple / for example https://w3id.org/cap-ptce/"
        ) from None
    parts = urlsplit(base_iri)
    if not parts.path.isascii() or "%" in parts.path:
        # nginx and Apache match the path decoded and send it back as it is: « Location: /données/… » in raw
        # UTF-8, which no header may carry; the site's folders would bear the name both ways
        raise ParameterError(
            f"--base-iri {base_iri!r} : le chemin d'un site statique s'écrit en ASCII / the path of a static site "
            "is written in ASCII",
            hint="sans accent ni %, par exemple / without accents nor %, for example "
            f"{parts.scheme}://{parts.netloc}/donnees/",
        )
    return base_iri.rstrip("/") + "/"


MARK = ".cap-ptce-site"  # the file that marks a folder as written by cap-ptce publish, and lists what it wrote
_MARK_HEAD = "written by cap-ptce publish\n"


def check_folder(out_dir: Path) -> Path:
    """``out_dir`` if publishing may replace it: new, empty, or marked as ours; refuse anything else."""
    out_dir = Path(out_dir)
    if out_dir.is_symlink():
        raise InputError(
            f"{out_dir} est un lien symbolique / is a symbolic link",
            hint="publier dans un dossier nouveau puis faire pointer le lien dessus / "
            "publish into a new folder, then point the link at it",
        )
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(
            f"{out_dir} existe et n’est pas un dossier / exists and is not a folder",
            hint="choisir un dossier nouveau ou vide / choose a new or empty folder",
        )
    if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / MARK).exists():
        raise InputError(
            f"{out_dir} n’est pas vide et n’a pas été écrit par cap-ptce publish "
            "/ is not empty and was not written by cap-ptce publish",
            hint="choisir un dossier nouveau ou vide, pour ne rien écraser / "
            "choose a new or empty folder, so that nothing of yours is overwritten",
        )
    return out_dir


def _beside(out_dir: Path, kind: str) -> str:
    """The start of the name of a folder of this process beside ``out_dir``: ``.NAME.KIND-PID-``."""
    return f".{out_dir.name}.{kind}-{os.getpid()}-"


@contextmanager
def locked(out_dir: Path) -> Iterator[None]:
    """Hold ``out_dir`` for one publish: another publish of it, meanwhile, gets :class:`FolderInUseError` at once.

    Two publishes of one folder at once would each build a site and swap it in,
    the last to end winning, and one may fail between the other's renames. The
    lock is a file beside the folder (``.NAME.verrou``, its owner's alone, with
    the publish's process number), locked with ``flock``: the system lets it go
    when the process ends, however it ends; the file is removed at the end.
    """
    path = out_dir.parent / f".{out_dir.name}.verrou"
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        while True:
            handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.read(handle, 32).decode("ascii", "replace").strip() or "?"
                os.close(handle)
                raise FolderInUseError(
                    f"une autre publication de ce dossier est en cours (processus {holder}) / "
                    f"another publish of this folder is at work (process {holder})",
                    source=str(out_dir),
                    hint="attendez sa fin, puis relancez / wait for it to end, then run again",
                ) from None
            if _same_file(handle, path):  # not one that the publish before removed as this one opened it
                break
            os.close(handle)
    except OSError as error:
        raise InputError(
            f"impossible d’écrire à côté de / cannot write beside {out_dir}: {error.strerror}",
            hint="le dossier parent doit être accessible en écriture / the parent folder must be writable",
        ) from error
    try:
        os.ftruncate(handle, 0)
        os.write(handle, f"{os.getpid()}\n".encode("ascii"))
        yield
    finally:
        path.unlink(missing_ok=True)  # before letting go: the next one locks a file still at its place
        os.close(handle)


def _same_file(handle: int, path: Path) -> bool:
    try:
        return os.fstat(handle).st_ino == path.stat().st_ino
    except FileNotFoundError:
        return False


def remove_leftovers(out_dir: Path) -> list[Path]:
    """Remove what publishes of ``out_dir`` that are gone left beside it; the folders removed.

    A publish killed while it builds leaves its new folder (``.NAME.nouveau-PID-…``,
    readable by its owner alone); killed between its two renames, the old site
    renamed aside (``.NAME.ancien-PID-…``) and no site at ``out_dir``: that one is
    put back, to be served while the new one builds. A folder goes when it is
    marked as ours and the process named in it is gone; a publish still at work
    keeps its own.
    """
    pattern = re.compile(rf"\.{re.escape(out_dir.name)}\.(nouveau|ancien)-(\d+)-[^/]*")
    removed = []
    for folder in sorted(out_dir.parent.glob(f".{out_dir.name}.*-*")):
        found = pattern.fullmatch(folder.name)
        if found and folder.is_dir() and not folder.is_symlink() and (folder / MARK).is_file():
            if not alive(int(found.group(2))):
                if found.group(1) == "ancien" and not out_dir.exists():  # killed between its two renames
                    folder.rename(out_dir)  # the site it served, whole: served again while this one builds
                    continue
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder)
    return removed


def staging_folder(out_dir: Path) -> Path:
    """A new folder beside ``out_dir`` (same parent, so that a rename moves it in), marked as ours."""
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=_beside(out_dir, "nouveau"), dir=out_dir.parent))
    except OSError as error:
        raise InputError(
            f"impossible d’écrire à côté de / cannot write beside {out_dir}: {error.strerror}",
            hint="le dossier parent doit être accessible en écriture / the parent folder must be writable",
        ) from error
    # mkdtemp makes it private: a web server whose root holds it (another user) cannot read it half built
    (staging / MARK).write_text(_MARK_HEAD, encoding="utf-8")
    return staging


def _written_before(out_dir: Path) -> set[str] | None:
    """The files the last publish of ``out_dir`` wrote, from its mark; None for a site that kept no list."""
    try:
        lines = (out_dir / MARK).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    return set(lines[1:]) if len(lines) > 1 else None


def keep_added(out_dir: Path, staging: Path, report: PublishReport) -> None:
    """Carry the files of ``out_dir`` that its last publish did not write (a robots.txt, a verification file)
    into ``staging``; one at a path the new site writes stays the site's. Both said in ``report``.

    A hard link where the system allows it (the two folders share a parent): a large file is not copied.
    """
    before = _written_before(out_dir) if out_dir.is_dir() else None
    if before is None:
        return
    written = {path.lstrip("/") for path in report.files}
    for root, folders, names in os.walk(out_dir):
        folders.sort()
        relative_root = Path(root).relative_to(out_dir).as_posix()
        if not folders and not names and not (staging / relative_root).exists():  # an empty folder of the publisher's
            (staging / relative_root).mkdir(parents=True)
            report.kept.append(relative_root + "/")
        links = [name for name in folders if os.path.islink(os.path.join(root, name))]  # kept as links
        for name in sorted([*names, *links]):
            source = Path(root, name)
            relative = source.relative_to(out_dir).as_posix()
            if relative == MARK or relative in before:
                continue
            if relative in written:
                report.replaced.append(relative)
                continue
            target = staging / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(source, target, follow_symlinks=False)
            except OSError:
                shutil.copy2(source, target, follow_symlinks=False)
            report.kept.append(relative)
    report.kept.sort()
    report.replaced.sort()


def _mark(staging: Path, report: PublishReport) -> None:
    """The mark of the new site: the files it wrote, one a line, so that the next publish knows the others."""
    listed = sorted(path.lstrip("/") for path in report.files)
    (staging / MARK).write_text(_MARK_HEAD + "".join(f"{path}\n" for path in listed), encoding="utf-8")


def swap_in(staging: Path, out_dir: Path) -> None:
    """Put the site built in ``staging`` at ``out_dir``: the old site is there until two renames away.

    The old folder is renamed aside, the new one renamed in, then the old one is
    removed: a reader finds the old site or the new one, except between the two
    renames. (A symbolic link switched with one rename would leave no gap at all.)
    """
    staging.chmod(0o755)  # now a web server, another user, reads it
    if not out_dir.exists():
        staging.rename(out_dir)
        return
    backup = Path(tempfile.mkdtemp(prefix=_beside(out_dir, "ancien"), dir=out_dir.parent))
    out_dir.rename(backup)  # onto the empty folder just made: rename(2) replaces an empty directory
    try:
        staging.rename(out_dir)
    except OSError:
        backup.rename(out_dir)  # the old site goes back where it was
        raise
    backup.chmod(0o700)  # no longer served, if removing it is cut short
    shutil.rmtree(backup)


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
    progress: Callable[[str, int, int], object] | None = None,
) -> PublishReport:
    """Write every document of ``paths`` as ``client`` serves it, then the index, the 404 and the server rules.

    ``aliases``: root-relative paths of pages that have one address per language, with their document.
    ``progress("pages", done, total)`` is told of the documents written, every hundred and at the end.
    The site is built in a folder beside ``out_dir`` and swapped in at the end (:func:`swap_in`): a site
    published there before is served whole until then, and stays as it was if the build fails. The caller
    holds ``out_dir`` (:func:`locked`), from before its own work starts.
    """
    out_dir = check_folder(out_dir)
    remove_leftovers(out_dir)
    staging = staging_folder(out_dir)
    try:
        report = _write_all(
            client,
            paths,
            staging,
            base_iri=base_iri,
            default_lang=default_lang,
            not_found_page=not_found_page,
            aliases=aliases,
            progress=progress,
        )
        _mark(staging, report)
        keep_added(out_dir, staging, report)
        swap_in(staging, out_dir)
    finally:
        if staging.exists():  # the build failed: nothing of it is left behind
            shutil.rmtree(staging)
    report.out_dir = out_dir
    return report


def _write_all(
    client, paths, out_dir: Path, *, base_iri: str, default_lang: str, not_found_page: bytes, aliases, progress
) -> PublishReport:
    """Every document, the index, the 404 page and the server rules, written into ``out_dir``."""
    report = PublishReport(out_dir)
    paths = list(paths)
    for done, path in enumerate(paths, 1):
        _write(out_dir, path, _fetch(client, path), report)
        if progress is not None and (done % 100 == 0 or done == len(paths)):
            progress("pages", done, len(paths))
    _write(out_dir, "/index.html", (out_dir / f"index.{default_lang}.html").read_bytes(), report)
    _write(out_dir, "/404.html", not_found_page, report)
    _write(out_dir, "/" + NOT_ACCEPTABLE_FILE, not_acceptable_text().encode("utf-8"), report)
    base_path = urlsplit(base_iri).path
    rules = apache_rules(base_path, default_lang, base_iri, aliases)
    _write(out_dir, "/.htaccess", rules.encode("utf-8"), report)
    for name, text in nginx_rules(base_path, default_lang, base_iri, aliases).items():
        _write(out_dir, "/" + name, text.encode("utf-8"), report)
    return report
