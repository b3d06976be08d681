"""Command of the dossier area: ``cap-ptce dossier FILE --format html|pdf|md [-o OUT]``.

The dossier lays a description out along the grid (each question, in the tense
of the project's maturity, with its answer; then the actors, governance
bodies, actions and funding as tables), with the completeness, the checks that
remain and, unless ``--sans-comparaison`` (or ``--no-corpus``), where the pole stands among the projects of
the knowledge base, as an annex. A record of the register of real PTCEs (a file
of the register's folder, or ``--profil registre``) is checked under the
register's profile, says what it is, and is set against no application.
"""

from __future__ import annotations

from pathlib import Path

import click

from .outputs import document_options, write_output

__all__ = ["COMMANDS", "dossier"]

EPILOG = """\b
Exemples / examples:
  cap-ptce dossier mon-ptce.yaml --format pdf -o dossier.pdf
  cap-ptce dossier mon-ptce.yaml --format pdf --sans-comparaison -o dossier.pdf   # sans les autres pôles / no comparison
  cap-ptce dossier mon-ptce.yaml --format html -o dossier.html   # un seul fichier / one file
  cap-ptce dossier mon-ptce.yaml --format md --lang en
  cap-ptce dossier mon-ptce.yaml --format pdf --store var/store -o dossier.pdf
  cap-ptce dossier registre/poles/le-damier.yaml --format md   # une fiche du registre / a register record
"""

_FORMATS = ("html", "pdf", "md")


@click.command("dossier", epilog=EPILOG)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@document_options(_FORMATS)
@click.option(
    "--store",
    metavar="DIR|URL",
    help="Base de connaissances pour situer le pôle (sinon le corpus d'exemple) / "
    "knowledge base to compare with (default: the sample corpus).",
)
@click.option(
    "--sans-comparaison",
    "--no-corpus",
    "no_corpus",
    is_flag=True,
    help="Sans l'annexe « Le pôle parmi les autres » (rangs centiles, pôles les plus proches) / "
    "without the annex that compares the pole with the others.",
)
@click.option(
    "--profil",
    "profile",
    type=click.Choice(("candidature", "registre")),
    help="Une description de projet (candidature) ou une fiche du registre des PTCE réels ; par défaut, registre "
    "pour un fichier du dossier du registre / a project description, or a record of the register of real PTCEs; "
    "by default, registre for a file of the register's folder.",
)
def dossier(
    file: Path, fmt: str, lang: str, output: Path | None, store: str | None, no_corpus: bool, profile: str | None
) -> None:
    """Mettre une description en dossier / lay a description out as a dossier.

    Le dossier suit les 9 entrées et les 18 questions de la grille, au temps qui
    convient à la maturité du projet ; la complétude, les contrôles restants et
    la place du pôle parmi les autres sont en annexe. /
    The dossier follows the grid's 9 entries and 18 questions, in the tense that
    suits the project's maturity; completeness, remaining checks and the pole's
    standing among the others are in an annex.
    """
    from ..dossier.build import dossier_bytes
    from ..project import load_description
    from ..validation import validate_description

    description = load_description(file)
    if (profile or _profile_of(file)) == "registre":
        from ..validation.registre import validate_record

        report = validate_record(description, lang=lang)
        body = dossier_bytes(description, fmt, lang, report=report, register=True)
    else:
        report = validate_description(description, lang=lang)
        standing = None if no_corpus else _standing(description, report, store, lang)
        text = file.read_text(
            encoding="utf-8-sig", errors="replace"
        )  # read already: its lines name the actors of the checks
        body = dossier_bytes(description, fmt, lang, report=report, standing=standing, text=text)
    write_output(body, output)


def _profile_of(file: Path) -> str:
    """``registre`` for a file of the register's folder (the REGISTRE setting's, or the embedded one)."""
    from ..resources import data_dir
    from ..settings import from_environ

    folder = Path(from_environ().get("REGISTRE") or data_dir("registre") / "poles").resolve()
    return "registre" if file.resolve().is_relative_to(folder) else "candidature"


def _standing(description, report, store: str | None, lang: str):
    from ..dossier.compare import corpus_profiles, profile_of_graph, standing_of
    from ..settings import with_environ
    from ..store.build import build_kb

    settings = with_environ({"STORE": store})
    kb = build_kb(settings)
    try:
        mine = profile_of_graph(description.graph, completeness=report.completeness.ratio)
        return standing_of(mine, corpus_profiles(kb), lang, real_only=True)
    finally:
        kb.close()


COMMANDS = [dossier]
