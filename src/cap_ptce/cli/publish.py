"""Commands of the publish area: ``cap-ptce publish OUT_DIR``."""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from ..i18n import both
from ..settings import defaults, from_environ
from ..web.export import publish_site
from .outputs import refuse_overlapping
from .progress import ProgressLine

__all__ = ["COMMANDS", "publish"]


@click.command()
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--base-iri",
    default=None,
    metavar="IRI",
    help="Où le site sera servi / where the site will be served (défaut / default: BASE_IRI).",
)
@click.option(
    "--corpus",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Dossier de descriptions de projets / folder of project descriptions "
    "(défaut / default: le corpus d'exemple / the sample corpus).",
)
def publish(out_dir: Path, base_iri: str | None, corpus: Path | None) -> None:
    """Écrire le site statique complet / write the complete static site into OUT_DIR.

    Pages en français et en anglais, chaque ressource dans chaque format, les
    téléchargements, le catalogue DCAT et la description VoID, et les règles de
    négociation pour Apache (.htaccess) et nginx (nginx-cap-ptce-*.conf).
    Publier un corpus sous son nom : les réglages CAP_PTCE_PUBLISHER,
    CAP_PTCE_PUBLISHER_IRI et CAP_PTCE_CONTACT (sinon CAP PTCE) / publishing a
    corpus under your own name: those settings (CAP PTCE otherwise). Les
    fichiers ajoutés au site (robots.txt…) restent d'une publication à l'autre /
    files you add to the site stay from one publish to the next.

    Example: cap-ptce publish site/ --base-iri https://w3id.org/cap-ptce/
    """
    if corpus is not None:
        refuse_overlapping(out_dir, corpus)
    progress = ProgressLine(lambda step, done, total: both(f"publish.progress.{step}", done=done, total=total))
    try:
        with _stopped_cleanly():
            report = publish_site(
                out_dir, base_iri=base_iri, corpus=corpus, progress=progress if sys.stderr.isatty() else None
            )
    finally:
        progress.end()
    click.echo(
        f"{report.out_dir}: {report.pages} pages HTML, {report.data_files} documents RDF/CSV, "
        f"{report.downloads} téléchargements / downloads, {report.bytes / 1e6:.1f} Mo / MB; "
        f"publié sous / published under {report.base_iri}"
    )
    if report.kept:
        click.echo(f"Gardés, à vous / kept, yours: {', '.join(report.kept)}")
    if report.replaced:
        click.echo(f"Remplacés par ceux du site / replaced by the site's: {', '.join(report.replaced)}")
    if corpus is not None and _publisher_left_as_default():
        click.echo(PUBLISHER_LEFT, err=True)


PUBLISHER_LEFT = (
    "Attention : le catalogue DCAT nomme CAP PTCE éditeur et contact de ce corpus (réglages "
    "CAP_PTCE_PUBLISHER, CAP_PTCE_PUBLISHER_IRI, CAP_PTCE_CONTACT non donnés : voir docs/publishing.md) / "
    "Warning: the DCAT catalogue names CAP PTCE as publisher and contact of this corpus (settings "
    "CAP_PTCE_PUBLISHER, CAP_PTCE_PUBLISHER_IRI, CAP_PTCE_CONTACT not given: see docs/publishing.md)."
)


def _publisher_left_as_default() -> bool:
    """Whether the catalogue's publisher and contact are the defaults: CAP PTCE's, for a corpus of someone else's."""
    default = defaults()
    settings = {**default, **from_environ()}
    return all(settings[name] == default[name] for name in ("PUBLISHER", "PUBLISHER_IRI", "CONTACT"))


@contextmanager
def _stopped_cleanly() -> Iterator[None]:
    """SIGTERM (``kill``, systemd) and SIGHUP (a terminal closed) end the publish as Ctrl-C does: the folder
    being built is removed, not left beside the site; exit code 128 + the signal's number."""

    def end(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    before = {number: signal.signal(number, end) for number in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for number, handler in before.items():
            signal.signal(number, handler)


COMMANDS = [publish]
