"""Command of the dossier area: ``cap-ptce dossier FILE --format html|pdf|md [-o OUT]``.

The dossier lays a description out along the grid (each question, in the tense
of the project's maturity, with its answer; then the actors, governance
bodies, actions and funding as tables), with the completeness, the checks that
remain and, unless ``--no-corpus``, where the pole stands among the projects of
the knowledge base, as an annex.
"""

from __future__ import annotations

from pathlib import Path

import click

from ..i18n import DEFAULT_LANGUAGE, LANGUAGES
from .outputs import write_output

__all__ = ["COMMANDS", "dossier"]

EPILOG = """\b
Exemples / examples:
  cap-ptce dossier mon-ptce.yaml --format pdf -o dossier.pdf
  cap-ptce dossier mon-ptce.yaml --format html -o dossier.html   # un seul fichier / one file
  cap-ptce dossier mon-ptce.yaml --format md --lang en
  cap-ptce dossier mon-ptce.yaml --format pdf --store var/store -o dossier.pdf
"""

_FORMATS = ("html", "pdf", "md")


@click.command("dossier", epilog=EPILOG)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(_FORMATS), default="html", show_default=True, help="Forme / form.")
@click.option(
    "--lang", type=click.Choice(LANGUAGES), default=DEFAULT_LANGUAGE, show_default=True, help="Langue / language."
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Fichier à écrire (sinon la sortie standard) / file to write (default: stdout).",
)
@click.option(
    "--store",
    metavar="DIR|URL",
    help="Base de connaissances pour situer le pôle (sinon le corpus d'exemple) / "
    "knowledge base to compare with (default: the sample corpus).",
)
@click.option("--no-corpus", is_flag=True, help="Sans comparaison au corpus / without the comparison.")
def dossier(file: Path, fmt: str, lang: str, output: Path | None, store: str | None, no_corpus: bool) -> None:
    """Mettre une description en dossier / lay a description out as a dossier.

    Le dossier suit les 9 entrées et les 18 questions de la grille, au temps qui
    convient à la maturité du projet ; la complétude, les contrôles restants et
    la place du pôle parmi les autres sont en annexe. /
    The dossier follows the grid's 9 entries and 18 questions, in the tense that
    suits the project's maturity; completeness, remaining checks and the hub's
    standing among the others are in an annex.
    """
    from ..dossier.build import dossier_bytes
    from ..project import load_description
    from ..validation import validate_description

    description = load_description(file)
    report = validate_description(description, lang=lang)
    standing = None if no_corpus else _standing(description, report, store, lang)
    write_output(dossier_bytes(description, fmt, lang, report=report, standing=standing), output)


def _standing(description, report, store: str | None, lang: str):
    from ..dossier.compare import corpus_profiles, profile_of_graph, standing_of
    from ..settings import from_environ
    from ..store.build import build_kb

    settings = {**from_environ(), **({"STORE": store} if store else {})}
    kb = build_kb(settings)
    try:
        mine = profile_of_graph(description.graph, completeness=report.completeness.ratio)
        return standing_of(mine, corpus_profiles(kb), lang)
    finally:
        kb.close()


COMMANDS = [dossier]
